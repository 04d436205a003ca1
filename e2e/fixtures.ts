// The tests' `test`: pages poll every 2 s (unless a test picks otherwise) so live changes show quickly.
import { test as base, expect } from '@playwright/test';

export const test = base.extend({
  page: async ({ page }, use) => {
    await page.addInitScript(() => {
      if (!localStorage.getItem('rd-refresh')) localStorage.setItem('rd-refresh', JSON.stringify({ intervalMs: 2000, paused: false }));
    });
    await use(page);
  },
});

export { expect };

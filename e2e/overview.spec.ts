// The console's first page renders in real Chromium and reaches its own API.
import { expect, test } from '@playwright/test';

const base = () => process.env.ROCKETDECK_CONSOLE_URL!;

test('overview page renders and shows the console as healthy', async ({ page }) => {
  await page.goto(base() + '/');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('console-status')).toHaveText('ok');
  await page.screenshot({ path: 'test-results/e2e/overview.png', fullPage: true });
});

test('health API answers JSON', async ({ request }) => {
  const res = await request.get(base() + '/api/health');
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.status).toBe('ok');
  expect(Array.isArray(body.namesrvAddr)).toBe(true);
});

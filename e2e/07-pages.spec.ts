// Every page renders in real Chromium against the live cluster (anonymous visitor); a screenshot of each is kept.
import { expect, test } from './fixtures.ts';
import { consoleUrl, shot } from './helpers.ts';

const PAGES = [
  { path: '/groups', heading: 'Consumer groups', name: 'groups' },
  { path: '/actions', heading: 'Actions', name: 'actions' },
  { path: '/login', heading: 'Sign in to RocketDeck', name: 'login' },
  { path: '/topics/NoSuchTopic_e2e', heading: 'NoSuchTopic_e2e', name: 'topic-missing' },
];

for (const p of PAGES) {
  test(`${p.path} renders`, async ({ page }) => {
    await page.goto(consoleUrl() + p.path);
    await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
    await page.waitForTimeout(500);
    await shot(page, `page-${p.name}`);
  });
}

test('a topic that does not exist says so on its own page', async ({ page }) => {
  await page.goto(`${consoleUrl()}/topics/NoSuchTopic_e2e`);
  await expect(page.getByTestId('error-box')).toBeVisible();
});

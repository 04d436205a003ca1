// The pages no other spec opens render in real Chromium for an anonymous visitor (a screenshot of each is kept), and a
// topic that does not exist says so on its own page.
import { expect, test } from './fixtures.ts';
import { consoleUrl, shot } from './helpers.ts';

const PAGES = [
  { path: '/groups', heading: 'Consumer groups', name: 'groups' },
  { path: '/actions', heading: 'Actions', name: 'actions' },
  { path: '/login', heading: 'Sign in to RocketDeck', name: 'login' },
  { path: '/topics/NoSuchTopic_e2e', heading: 'NoSuchTopic_e2e', name: 'topic-missing' },
];

test('the remaining pages render, and a missing topic shows an error instead of a blank page', async ({ page }) => {
  for (const p of PAGES) {
    await page.goto(consoleUrl() + p.path);
    await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
    if (p.name === 'groups') await expect(page.getByTestId('group-row').first()).toBeVisible();
    if (p.name === 'topic-missing') await expect(page.getByTestId('error-box')).toContainText('TOPIC_NOT_EXIST');
    await shot(page, `page-${p.name}`);
  }
});

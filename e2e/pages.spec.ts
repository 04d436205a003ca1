// Every page renders in real Chromium against the live cluster; a screenshot of each is kept.
import { expect, test } from '@playwright/test';
import { consoleUrl, shot } from './helpers.ts';

const PAGES = [
  { path: '/', heading: 'Overview', name: 'overview' },
  { path: '/cluster', heading: 'Cluster', name: 'cluster' },
  { path: '/topics', heading: 'Topics', name: 'topics' },
  { path: '/topics/map', heading: 'Topic map', name: 'topic-map' },
  { path: '/groups', heading: 'Consumer groups', name: 'groups' },
  { path: '/messages', heading: 'Messages', name: 'messages' },
  { path: '/actions', heading: 'Actions', name: 'actions' },
  { path: '/audit', heading: 'Audit log', name: 'audit' },
  { path: '/login', heading: 'Sign in to RocketDeck', name: 'login' },
];

for (const p of PAGES) {
  test(`${p.path} renders its heading`, async ({ page }) => {
    await page.goto(consoleUrl() + p.path);
    await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
    await page.waitForLoadState('networkidle').catch(() => {});
    await shot(page, `page-${p.name}`);
  });
}

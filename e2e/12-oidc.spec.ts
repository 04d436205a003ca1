// Sign-in through OpenID Connect against the real provider global-setup starts (oidc-provider, its own login and
// consent pages): the role comes from the account's `groups` claim; an operator creates a topic, a viewer cannot.
import { expect, test } from './fixtures.ts';
import type { Page } from '@playwright/test';
import { apiCall, consoleUrl, shot, uniq } from './helpers.ts';

const issuer = (): string => process.env.ROCKETDECK_E2E_OIDC_ISSUER!;

test.skip(() => !process.env.ROCKETDECK_E2E_OIDC_ISSUER, 'needs the OIDC provider global-setup starts');

/** From the console's sign-in page through the provider's login and consent pages, back into the console. */
async function signInThroughProvider(page: Page, login: string): Promise<void> {
  // the provider's page style imports a web font: nothing is fetched from outside in the tests
  await page.route(/fonts\.(googleapis|gstatic)\.com/, (r) => r.abort());
  await page.goto(`${consoleUrl()}/login?next=/topics`);
  await page.getByTestId('oidc-sign-in').click();
  await expect(page).toHaveURL(new RegExp(`^${issuer()}/interaction/`));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any-password');
  await shot(page, `oidc-provider-login-${login}`);
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible();
  await shot(page, `oidc-provider-consent-${login}`);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(`${consoleUrl()}/topics`);
}

test('the sign-in page offers the provider beside the password form; pages run under their CSP without violations', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text());
  });
  const res = await page.goto(`${consoleUrl()}/login`);
  expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(res?.headers()['content-security-policy']).not.toContain('unsafe-eval');
  await expect(page.getByLabel('Username')).toBeVisible();
  await expect(page.getByTestId('oidc-sign-in')).toHaveText('Sign in with Test IdP');
  await shot(page, 'oidc-login-page');
  // hydrated pages with charts and tables: scripts and styles all allowed by the policy
  for (const path of ['/', '/topics', '/cluster', '/groups', '/alerts']) {
    await page.goto(`${consoleUrl()}${path}`);
    await expect(page.getByTestId('sign-in-link')).toBeVisible();
  }
  expect(violations).toEqual([]);
});

test('an account whose claim maps to operator signs in through the provider and creates a topic', async ({ page }) => {
  await signInThroughProvider(page, 'oidc-operator');
  await expect(page.getByTestId('signed-in-user')).toHaveText('oidc-operator@example.com');
  await expect(page.getByTestId('signed-in-role')).toHaveText('operator');

  const topic = uniq('OidcTopic');
  await page.getByTestId('new-topic').click();
  await page.getByTestId('topic-name').fill(topic);
  await page.getByTestId('read-queues').fill('2');
  await page.getByTestId('write-queues').fill('2');
  await expect(page.getByTestId('topic-name')).toHaveValue(topic);
  await page.getByTestId('topic-submit').click();
  await expect(page.getByTestId('action-result-summary')).toContainText(`Topic ${topic} created`);
  await shot(page, 'oidc-operator-topic');

  const audit = (await apiCall(page, 'GET', '/api/audit?limit=200')).json as { entries: Array<{ action: string; username: string; target: string; ok: boolean; params: Record<string, unknown> }> };
  expect(audit.entries.some((e) => e.action === 'createTopic' && e.target === topic && e.username === 'oidc-operator@example.com' && e.ok)).toBe(true);
  const login = audit.entries.find((e) => e.action === 'login' && e.username === 'oidc-operator@example.com');
  expect(login?.params).toMatchObject({ method: 'oidc', subject: 'oidc-operator', email: 'oidc-operator@example.com', role: 'operator' });
});

test('an account whose claim maps to viewer signs in through the provider and cannot create a topic', async ({ page }) => {
  await signInThroughProvider(page, 'oidc-viewer');
  await expect(page.getByTestId('signed-in-user')).toHaveText('oidc-viewer@example.com');
  await expect(page.getByTestId('signed-in-role')).toHaveText('viewer');
  await expect(page.getByTestId('topic-row').first()).toBeVisible();
  await expect(page.getByTestId('new-topic')).toHaveCount(0);
  await shot(page, 'oidc-viewer-topics');

  const topic = uniq('OidcViewerTopic');
  const res = await apiCall(page, 'POST', '/api/topics', { topic, readQueueNums: 1, writeQueueNums: 1 });
  expect(res.status).toBe(403);
  const audit = (await apiCall(page, 'GET', '/api/audit?limit=200')).json as { entries: Array<{ action: string; username: string; target: string }> };
  expect(audit.entries.some((e) => e.action === 'refused' && e.username === 'oidc-viewer@example.com' && e.target === 'POST /api/topics')).toBe(true);
});

test('a failed callback shows the reason on the sign-in page', async ({ page }) => {
  // a callback this browser did not start (no flow cookie): refused, with the reason on the page
  await page.goto(`${consoleUrl()}/api/auth/oidc/callback?code=forged&state=forged`);
  await expect(page).toHaveURL(/\/login\?error=/);
  await expect(page.getByTestId('login-error')).toContainText('not started in this browser');
  await shot(page, 'oidc-callback-refused');
});

// Signing in and out, and a viewer being refused a change.
import { expect, test } from './fixtures.ts';
import { apiCall, consoleUrl, shot, signIn, uniq, USERS } from './helpers.ts';

test('a wrong password is refused and the right one signs in; sign-out ends the session', async ({ page }) => {
  await page.goto(`${consoleUrl()}/`);
  await page.getByTestId('sign-in-link').click();
  await expect(page.getByRole('heading', { name: 'Sign in to RocketDeck' })).toBeVisible();
  await page.getByLabel('Username').fill('operator');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('login-error')).toBeVisible();
  await shot(page, 'login-refused');

  await page.getByLabel('Password').fill(USERS.operator().password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-user')).toHaveText('operator');
  await expect(page.getByTestId('signed-in-role')).toHaveText('operator');
  await expect(page).toHaveURL(`${consoleUrl()}/`);
  await shot(page, 'signed-in-operator');

  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('sign-in-link')).toBeVisible();
  const me = await apiCall(page, 'GET', '/api/auth/me');
  expect(me.json).toEqual({ username: null, role: null });
});

test('a viewer can look but is refused a change, in the page and by the API', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.goto(`${consoleUrl()}/actions`);
  await expect(page.getByTestId('signed-in-role')).toHaveText('viewer');
  await expect(page.getByTestId('role-notice')).toContainText('viewer');
  const topic = uniq('ViewerTopic');
  await page.getByTestId('topic-name').fill(topic);
  await page.getByTestId('topic-submit').click();
  await expect(page.getByTestId('action-error')).toContainText('Not allowed');
  await shot(page, 'viewer-refused');

  const res = await apiCall(page, 'POST', '/api/topics', { topic, readQueueNums: 1, writeQueueNums: 1 });
  expect(res.status).toBe(403);
  // the refused topic does not exist
  const list = await apiCall(page, 'GET', `/api/topics?search=${topic}`);
  expect((list.json as { total: number }).total).toBe(0);
});

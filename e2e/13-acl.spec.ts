// Access control in Chromium against a broker with ACL 2.0 on (a nameserver and broker this spec starts): an operator
// saves the cluster with its access key and secret (the secret never shows again), creates a user and a policy on
// the Access control page, sees them listed, deletes them and finds each change in the audit log; a cluster saved
// with a wrong secret shows the access-denied banner naming the broker instead of empty tables (the topics table says it cannot read them).
import { expect, test } from './fixtures.ts';
import { apiCall, consoleUrl, shot, signIn, uniq } from './helpers.ts';
import { AdminClient } from '../lib/admin/index.ts';
import { spawnBroker, spawnNamesrv, type BrokerProcess, type NamesrvProcess } from '../lib/broker/it/harness.ts';
import { waitFor } from '../lib/common/wait-for.ts';

const SUPER = { accessKey: 'e2e-super', secretKey: 'e2e-Sup3r-secret-value' };

let ns: NamesrvProcess | undefined;
let broker: BrokerProcess | undefined;
const CLUSTER = 'e2e-acl';
const WRONG = 'e2e-acl-wrong';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  ns = await spawnNamesrv();
  broker = await spawnBroker({
    namesrv: ns.address,
    props: { authenticationEnabled: true, authorizationEnabled: true, initAuthenticationUser: JSON.stringify({ username: SUPER.accessKey, password: SUPER.secretKey }) },
  });
  const admin = new AdminClient({ namesrvAddr: ns.address, ...SUPER });
  try {
    await waitFor('the ACL broker on its nameserver', async () => (await admin.clusterInfo()).brokers.length === 1, 30_000);
  } finally {
    await admin.close();
  }
});

test.afterAll(async () => {
  await broker?.destroy();
  await ns?.stop();
});

test('an operator manages users and policies of an ACL cluster saved with credentials; each change is audited', async ({ page }) => {
  await signIn(page, 'operator');
  await page.goto(`${consoleUrl()}/cluster`);
  await page.getByRole('button', { name: 'Manage' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByPlaceholder('staging').fill(CLUSTER);
  await dialog.getByPlaceholder('10.0.0.1:9876;10.0.0.2:9876').fill(ns!.address);
  await dialog.locator('input[name="accessKey"]').fill(SUPER.accessKey);
  await dialog.locator('input[name="secretKey"]').fill(SUPER.secretKey);
  await dialog.getByRole('button', { name: 'Save cluster' }).click();
  await expect(dialog.getByTestId('cluster-credentials').filter({ hasText: SUPER.accessKey })).toContainText('secret key set');
  await expect(dialog.locator('input[name="secretKey"]')).toHaveValue('');
  expect(await page.content()).not.toContain(SUPER.secretKey);
  const listed = await apiCall(page, 'GET', '/api/clusters');
  expect(JSON.stringify(listed.json)).not.toContain(SUPER.secretKey);
  await dialog.locator('li', { hasText: CLUSTER }).getByRole('button', { name: 'Use' }).click();
  await expect(page.getByTestId('cluster-switcher')).toHaveValue(CLUSTER);
  await expect(page.getByTestId('broker-row')).toHaveCount(1);
  await expect(page.getByTestId('access-banner')).toHaveCount(0);

  const user = uniq('alice').toLowerCase();
  await page.goto(`${consoleUrl()}/acl`);
  await expect(page.getByTestId('acl-user-row').filter({ hasText: SUPER.accessKey })).toContainText('Super');
  await page.locator('input[name="username"]').fill(user);
  await page.locator('input[name="password"]').fill('alice-secret-pw');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByTestId('acl-user-row').filter({ hasText: user })).toContainText('enabled');
  await expect(page.locator('input[name="password"]')).toHaveValue('');

  await page.locator('input[name="subject"]').fill(user);
  await page.locator('input[name="resource"]').fill('Topic:E2eAclTopic');
  await page.getByLabel('Action Sub').check();
  await page.locator('select[name="decision"]').selectOption('Deny');
  await page.getByRole('button', { name: 'Add policy' }).click();
  const row = page.getByTestId('acl-policy-row').filter({ hasText: `User:${user}` });
  await expect(row).toContainText('Topic:E2eAclTopic');
  await expect(row).toContainText('Pub, Sub');
  await expect(row).toContainText('Deny');
  expect(await page.content()).not.toContain('alice-secret-pw');
  await shot(page, 'acl-users-policies');

  await page.getByRole('button', { name: `Delete policy User:${user} Topic:E2eAclTopic` }).click();
  await expect(row).toHaveCount(0);
  await page.getByRole('button', { name: `Delete user ${user}` }).click();
  await expect(page.getByTestId('acl-user-row').filter({ hasText: user })).toHaveCount(0);

  await page.goto(`${consoleUrl()}/audit`);
  for (const action of ['createAclUser', 'putAclPolicy', 'deleteAclPolicy', 'deleteAclUser']) {
    await expect(page.getByTestId('audit-row').filter({ hasText: action }).filter({ hasText: user }).first()).toBeVisible();
  }
  await expect(page.getByTestId('audit-row').filter({ hasText: 'saveCluster' }).filter({ hasText: CLUSTER }).first()).toContainText('"secretKey":"set"');
  expect(await page.content()).not.toContain('alice-secret-pw');
});

test('a viewer reads users and policies but gets no forms', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.goto(`${consoleUrl()}/acl`);
  await page.getByTestId('cluster-switcher').selectOption(CLUSTER);
  await expect(page.getByTestId('acl-user-row').filter({ hasText: SUPER.accessKey })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create user' })).toHaveCount(0);
  await expect(page.getByText('Read only: changes need an operator.')).toBeVisible();
});

test('a cluster saved with a wrong secret shows the access-denied banner naming the broker', async ({ page }) => {
  await signIn(page, 'operator');
  const saved = await apiCall(page, 'POST', '/api/clusters', { name: WRONG, namesrvAddr: ns!.address, accessKey: SUPER.accessKey, secretKey: 'not-the-right-secret' });
  expect(saved.status).toBe(201);
  await page.goto(`${consoleUrl()}/topics`);
  await page.getByTestId('cluster-switcher').selectOption(WRONG);
  const banner = page.getByTestId('access-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('broker-it');
  await expect(banner).toContainText(broker!.address);
  await expect(banner).toContainText('access denied: NO_PERMISSION (16)');
  await expect(banner).toContainText(SUPER.accessKey);
  // the table says the topics are unreadable, not that there are none
  await expect(page.getByText('Not readable: every broker refused the console')).toBeVisible();
  await expect(page.getByText('No topics yet')).toHaveCount(0);
  await shot(page, 'acl-access-denied');

  // back to the test cluster; the saved ACL clusters go
  await page.getByTestId('cluster-switcher').selectOption('default');
  await expect(page.getByTestId('access-banner')).toHaveCount(0);
  for (const name of [WRONG, CLUSTER]) expect((await apiCall(page, 'DELETE', `/api/clusters/${name}`)).status).toBe(200);
});

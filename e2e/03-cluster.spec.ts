// The cluster page: nameservers, broker groups with heartbeats and health; broker config read and edit; a slave
// stopped with `rocketdeck node stop` shows as down and its master as without a live slave, then recovers.
import { expect, test } from './fixtures.ts';
import { cli, clusterDir, consoleUrl, shot, signIn } from './helpers.ts';

test('every nameserver and broker shows with fresh heartbeats and healthy replication', async ({ page }) => {
  await page.goto(`${consoleUrl()}/cluster`);
  await expect(page.getByTestId('namesrv-row')).toHaveCount(2);
  await expect(page.getByTestId('broker-row')).toHaveCount(4);
  await expect(page.getByTestId('namesrv-broker-count').first()).toHaveText('4');
  // 4 brokers x 2 nameservers
  await expect(page.locator('[data-testid="heartbeat"][data-state="fresh"]')).toHaveCount(8);
  // RocketDeck nameservers tell the time of each heartbeat (GET_BROKER_LIVE_INFO)
  await expect(page.locator('[data-testid="heartbeat"][data-timed="1"]')).toHaveCount(8);
  await expect(page.getByTestId('heartbeat').first()).toContainText(/fresh · \d+ s ago|fresh · just now/);
  const groupB = page.getByTestId('broker-group-broker-b');
  await expect(groupB.getByTestId('broker-health').first()).toHaveAttribute('data-health', '1 slave connected');
  await expect(groupB.getByTestId('broker-health').nth(1)).toHaveAttribute('data-health', 'slave connected');
  await expect(groupB.getByTestId('broker-health').nth(1)).toContainText(/lag/);
  await expect(groupB).toContainText('ASYNC_FLUSH');
  await expect(page.getByTestId('broker-group-broker-a')).toContainText('sync replication');
  await shot(page, 'cluster');
});

test('an operator reads and edits a broker configuration', async ({ page }) => {
  await signIn(page, 'operator');
  await page.goto(`${consoleUrl()}/cluster`);
  await page.getByTestId('broker-group-broker-a').getByTestId('broker-config-open').first().click();
  const dialog = page.getByTestId('broker-config-dialog');
  await dialog.getByLabel('Filter configuration').fill('fileReservedTime');
  await expect(dialog.getByTestId('broker-config')).toContainText('48');
  await dialog.getByTestId('config-edit').click();
  await dialog.getByTestId('config-input-fileReservedTime').fill('72');
  await dialog.getByTestId('config-save').click();
  await expect(dialog.getByTestId('action-result-summary')).toHaveText('Configuration updated');
  await shot(page, 'broker-config');
  await page.keyboard.press('Escape');
  await page.getByTestId('broker-group-broker-a').getByTestId('broker-config-open').first().click();
  await page.getByTestId('broker-config-dialog').getByLabel('Filter configuration').fill('fileReservedTime');
  await expect(page.getByTestId('broker-config-dialog').getByTestId('broker-config')).toContainText('72');
});

test('a stopped slave shows as down and its master without a live slave, until it is back', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${consoleUrl()}/cluster`);
  const groupB = page.getByTestId('broker-group-broker-b');
  await expect(groupB.getByTestId('broker-row')).toHaveCount(2);
  await cli('node', 'stop', 'broker-b-slave', '--dir', clusterDir());
  try {
    const master = groupB.getByTestId('broker-row').first().getByTestId('broker-health');
    const slave = groupB.getByTestId('broker-row').nth(1).getByTestId('broker-health');
    await expect(master).toHaveAttribute('data-health', 'no live slave', { timeout: 30_000 });
    await expect(slave).toHaveAttribute('data-health', /down|not answering/);
    await shot(page, 'cluster-slave-down');
    await page.goto(`${consoleUrl()}/`);
    await expect(page.getByTestId('stat-masters-without-slave-value')).toHaveText('1');
    await expect(page.getByTestId('stat-masters-without-slave')).toContainText('broker-b');
    await shot(page, 'overview-slave-down');
  } finally {
    await cli('node', 'start', 'broker-b-slave', '--dir', clusterDir());
  }
  await page.goto(`${consoleUrl()}/cluster`);
  await expect(page.getByTestId('broker-group-broker-b').getByTestId('broker-row').first().getByTestId('broker-health'))
    .toHaveAttribute('data-health', '1 slave connected', { timeout: 60_000 });
});

// Saved clusters: an operator adds one, switches to it (an unreachable one shows its error on every page instead of a
// blank), switches back and removes it.
import { expect, test } from './fixtures.ts';
import { consoleUrl, shot, signIn } from './helpers.ts';
import { freePort } from './free-port.ts';

test('switching to a saved cluster that does not answer shows errors, and switching back shows the cluster again', async ({ page }) => {
  await signIn(page, 'operator');
  const deadAddr = `127.0.0.1:${await freePort()}`;
  await page.goto(`${consoleUrl()}/cluster`);
  await expect(page.getByTestId('broker-row')).toHaveCount(4);
  await page.getByRole('button', { name: 'Manage' }).click();
  await page.getByPlaceholder('staging').fill('e2e-dead');
  await page.getByPlaceholder('10.0.0.1:9876;10.0.0.2:9876').fill(deadAddr);
  await page.getByRole('button', { name: 'Save cluster' }).click();
  await expect(page.getByRole('dialog')).toContainText('e2e-dead');
  await page.getByRole('dialog').getByRole('button', { name: 'Use' }).click();
  await expect(page.getByTestId('cluster-switcher')).toHaveValue('e2e-dead');
  await expect(page.getByTestId('namesrv-row')).toHaveCount(1);
  await expect(page.getByTestId('namesrv-row')).toContainText('unreachable');
  await shot(page, 'cluster-unreachable');

  await page.goto(`${consoleUrl()}/`);
  await expect(page.getByTestId('cluster-switcher')).toHaveValue('e2e-dead');
  await expect(page.getByTestId('error-box').first()).toBeVisible();
  await page.goto(`${consoleUrl()}/topics`);
  await expect(page.getByTestId('error-box').first()).toBeVisible();
  await shot(page, 'topics-unreachable');

  await page.getByTestId('cluster-switcher').selectOption('default');
  await expect(page.getByTestId('topic-row').first()).toBeVisible();
  await page.getByRole('button', { name: 'Manage' }).click();
  await page.getByRole('button', { name: 'Remove e2e-dead' }).click();
  await expect(page.getByRole('dialog')).not.toContainText('e2e-dead');
});

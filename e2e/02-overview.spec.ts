// Overview health at a glance, throughput chart, theme toggle and the live refresh controls.
import { expect, test } from './fixtures.ts';
import { consoleUrl, shot } from './helpers.ts';

test('the overview shows the cluster healthy with traffic', async ({ page }) => {
  await page.goto(`${consoleUrl()}/`);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('stat-namesrvs-value')).toHaveText('2 / 2');
  await expect(page.getByTestId('stat-brokers-value')).toHaveText('4 / 4');
  await expect(page.getByTestId('stat-masters-without-slave-value')).toHaveText('0');
  // the demo traffic shows up as throughput and busy topics once the collector has two samples
  await expect(page.getByTestId('top-topics').getByRole('link').first()).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId('tps-chart').locator('.recharts-area-curve').first()).toBeVisible();
  await expect(page.getByTestId('last-updated')).toContainText('updated');
  await shot(page, 'overview');
});

test('the dark theme is remembered across reloads', async ({ page }) => {
  await page.goto(`${consoleUrl()}/`);
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await expect(page.getByTestId('stat-brokers-value')).toHaveText('4 / 4');
  await shot(page, 'overview-dark');
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).not.toHaveClass(/dark/);
});

test('live refresh can be paused and its interval changed, and both are remembered', async ({ page }) => {
  await page.goto(`${consoleUrl()}/`);
  await page.getByTestId('refresh-interval').selectOption('10000');
  await page.getByTestId('refresh-pause').click();
  await expect(page.getByTestId('last-updated')).toContainText('Paused');
  await page.reload();
  await expect(page.getByTestId('last-updated')).toContainText('Paused');
  await expect(page.getByTestId('refresh-interval')).toHaveValue('10000');
  await page.getByTestId('refresh-pause').click();
  await expect(page.getByTestId('last-updated')).toContainText('Live');
  await page.getByTestId('refresh-interval').selectOption('2000');
});

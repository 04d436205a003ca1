// Alerts in the browser: a rule fires (a saved cluster whose nameserver does not answer), the header badge counts it
// and the Alerts page lists it; a viewer can neither silence nor edit rules; an operator silences it from the page.
import { expect, test } from './fixtures.ts';
import { apiCall, consoleUrl, shot, signIn, uniq } from './helpers.ts';
import { freePort } from './free-port.ts';

test('a firing alert shows in the header badge and the Alerts page, and an operator silences it', async ({ page, browser }) => {
  await signIn(page, 'operator');
  const rule = uniq('e2e-ns').replace(/_/g, '-');
  const cluster = uniq('e2e-alerts');
  expect((await apiCall(page, 'POST', '/api/alerts/rules', { id: rule, kind: 'namesrv_down', severity: 'critical', scope: { cluster } })).status).toBe(201);
  expect((await apiCall(page, 'POST', '/api/clusters', { name: cluster, namesrvAddr: `127.0.0.1:${await freePort()}` })).status).toBe(201);
  try {
    await page.goto(`${consoleUrl()}/`);
    const badge = page.getByTestId('alerts-badge');
    await expect(badge).not.toHaveAttribute('data-count', '0', { timeout: 45_000 });
    // the overview names it, linked to the page that explains it (the cluster page, for a nameserver)
    const onOverview = page.getByTestId('overview-alert').filter({ hasText: cluster });
    await expect(onOverview.first()).toBeVisible();
    await expect(onOverview.first().getByRole('link')).toHaveAttribute('href', '/cluster');
    await badge.click();
    await expect(page).toHaveURL(/\/alerts$/);
    const firing = page.getByTestId('firing-table').getByTestId('alert-row').filter({ hasText: rule });
    await expect(firing).toHaveCount(1);
    await expect(firing).toContainText(cluster);
    await shot(page, 'alerts-firing');

    // a viewer sees it but has no buttons, and the API refuses rule edits
    const viewerCtx = await browser.newContext();
    const viewer = await viewerCtx.newPage();
    await signIn(viewer, 'viewer');
    await viewer.goto(`${consoleUrl()}/alerts`);
    await expect(viewer.getByTestId('firing-table').getByTestId('alert-row').filter({ hasText: rule })).toHaveCount(1);
    await expect(viewer.getByTestId('silence-button')).toHaveCount(0);
    await expect(viewer.getByTestId('new-rule')).toHaveCount(0);
    await expect(viewer.getByTestId('rules-readonly')).toBeVisible();
    expect((await apiCall(viewer, 'POST', '/api/alerts/rules', { id: 'viewer-rule', kind: 'broker_down' })).status).toBe(403);
    expect((await apiCall(viewer, 'DELETE', `/api/alerts/rules/${rule}`)).status).toBe(403);
    await viewerCtx.close();

    const before = Number(await badge.getAttribute('data-count'));
    await firing.getByTestId('silence-button').click();
    await page.getByTestId('silence-reason').fill('e2e maintenance');
    await page.getByTestId('silence-submit').click();
    await expect(page.getByTestId('silenced-table').getByTestId('alert-row').filter({ hasText: rule })).toHaveCount(1);
    await expect(page.getByTestId('firing-table').getByTestId('alert-row').filter({ hasText: rule })).toHaveCount(0);
    await expect(page.getByTestId('silence-row').filter({ hasText: 'e2e maintenance' })).toHaveCount(1);
    await expect(badge).toHaveAttribute('data-count', String(before - 1));
    await shot(page, 'alerts-silenced');

    // an operator adds a rule in the editor: a bad field is named, the fixed rule is listed, then deleted
    const lagRule = `${rule}-lag`;
    await page.getByTestId('new-rule').click();
    await page.getByTestId('json-editor').fill(JSON.stringify({ id: lagRule, kind: 'group_lag', severity: 'loud', thresholds: { messages: 5 } }));
    await page.getByTestId('editor-save').click();
    await expect(page.getByTestId('editor-error')).toContainText('severity');
    await page.getByTestId('json-editor').fill(JSON.stringify({ id: lagRule, kind: 'group_lag', severity: 'info', for: '10m', thresholds: { messages: 100000000 } }));
    await page.getByTestId('editor-save').click();
    await expect(page.getByTestId('alert-rules')).toContainText(lagRule);
    await page.getByRole('button', { name: `Delete rule ${lagRule}` }).click();
    await expect(page.getByTestId('alert-rules')).not.toContainText(lagRule);
  } finally {
    await apiCall(page, 'DELETE', `/api/clusters/${cluster}`);
    await apiCall(page, 'DELETE', `/api/alerts/rules/${rule}`);
  }
});

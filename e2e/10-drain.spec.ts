// Draining broker-b of the demo cluster from the Actions page: its routes lose the write permission, the demo
// producers move to broker-a (broker-b's put TPS falls to 0 while broker-a's rises), and restoring brings them back.
import { expect, test } from './fixtures.ts';
import { apiCall, consoleUrl, shot, signIn, waitFor } from './helpers.ts';

interface DrainView { drained: boolean; putTps: number | null; writableTopics: number }

test('an operator drains broker-b and producers move to broker-a, then restores it', async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, 'operator');
  const view = async (b: string) => (await apiCall(page, 'GET', `/api/brokers/drain?brokerName=${b}`)).json as DrainView;
  const before = await waitFor('put traffic on both broker groups', async () => {
    const [a, b] = [await view('broker-a'), await view('broker-b')];
    return (a.putTps ?? 0) > 0 && (b.putTps ?? 0) > 0 && { a: a.putTps!, b: b.putTps! };
  }, 60_000, 1000);
  try {
    await page.goto(`${consoleUrl()}/actions?tab=drain`);
    await page.getByTestId('drain-broker').selectOption('broker-b');
    await expect(page.getByTestId('drain-topics')).toContainText('Demo', { ignoreCase: true });
    await expect(page.getByTestId('drain-submit')).toBeDisabled();
    await page.getByTestId('drain-confirm').fill('broker-b');
    await page.getByTestId('drain-submit').click();
    await expect(page.getByTestId('drain-status')).toContainText('drained', { timeout: 30_000 });
    await shot(page, 'drain-broker-b');
    // producers refresh their routes every 30 s; broker-b's put TPS is a 10 s window
    const moved = await waitFor('producers off broker-b', async () => {
      const [a, b] = [await view('broker-a'), await view('broker-b')];
      return b.putTps === 0 && (a.putTps ?? 0) > before.a && { a: a.putTps!, b: b.putTps };
    }, 120_000, 2000);
    expect(moved.a).toBeGreaterThan(before.a);
  } finally {
    await page.goto(`${consoleUrl()}/actions?tab=drain`);
    await page.getByTestId('drain-broker').selectOption('broker-b');
    await page.getByTestId('drain-confirm').fill('broker-b');
    await page.getByTestId('restore-submit').click();
    await expect(page.getByTestId('drain-status')).not.toContainText('drained', { timeout: 30_000 });
  }
  await waitFor('producers back on broker-b', async () => ((await view('broker-b')).putTps ?? 0) > 0, 120_000, 2000);
});

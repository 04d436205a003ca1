// Consumer diagnostics in the browser: a RocketDeck SDK consumer's running info (GET_CONSUMER_RUNNING_INFO) renders
// on its group's page, per client and per queue, with its event-loop delay; asked for a thread stack, the page says
// this client sent none (only Java clients make one: e2e/java-compat/running-info.sh checks a Java 4.9.8 consumer's).
import { expect, test } from './fixtures.ts';
import { apiCall, consoleUrl, shot, signIn, uniq } from './helpers.ts';
import { startConsumer } from './clients.ts';

test("a consumer's running info renders on its group page, with its event-loop delay", async ({ page }) => {
  test.setTimeout(90_000);
  const topic = uniq('E2eDiag');
  const group = uniq('e2e_diag_cg');
  await signIn(page, 'operator');
  const res = await apiCall(page, 'POST', '/api/topics', { topic, readQueueNums: 2, writeQueueNums: 2, brokerNames: ['broker-a'] });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  const c = await startConsumer(group, topic, { instanceName: 'diag-a', queues: 2 });
  try {
    await page.goto(`${consoleUrl()}/groups/${group}`);
    const info = page.getByTestId('running-info');
    await expect(info).toBeVisible({ timeout: 30_000 });
    await expect(info).toContainText('diag-a');
    // the topic's 2 queues (the member also holds a queue of the group's retry topic)
    await expect(info.getByTestId('running-queue').filter({ hasText: topic })).toHaveCount(2);
    await expect(info.getByTestId('event-loop-delay')).toContainText(/event-loop delay \d+(\.\d+)? ms mean/);
    await shot(page, 'group-running-info');

    await page.getByTestId('diagnosis-thread-stack').check();
    await expect(page.getByTestId('thread-stack')).toContainText('sent no thread stack', { timeout: 30_000 });
  } finally {
    await c.stop();
  }
});

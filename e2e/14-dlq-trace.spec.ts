// Dead letters and message traces in the browser: a traced group fails messages into its DLQ; the DLQ pages list
// them, two are resent and consumed again, an export downloads and holds them; a traced message shows produce,
// store and consume on its timeline.
import { readFileSync } from 'node:fs';
import { Producer, PushConsumer } from '../lib/client/index.ts';
import { expect, test } from './fixtures.ts';
import { apiCall, consoleUrl, namesrvAddr, shot, signIn, uniq, waitFor } from './helpers.ts';
import './clients.ts'; // quiet client logs

const FAST = { rebalanceInterval: 1000, pollNameServerInterval: 1000, heartbeatBrokerInterval: 1000, persistConsumerOffsetInterval: 500 };

test('dead letters: listed, two resent and consumed, exported; a trace shows produce, store and consume', async ({ page }) => {
  test.setTimeout(180_000);
  const topic = uniq('E2eDlq');
  const group = uniq('e2e_dlq_cg');
  await signIn(page, 'operator');
  const res = await apiCall(page, 'POST', '/api/topics', { topic, readQueueNums: 2, writeQueueNums: 2, brokerNames: ['broker-a'] });
  expect(res.status, JSON.stringify(res.json)).toBe(201);

  let failing = true;
  const received: string[] = [];
  // maxReconsumeTimes 0: a failed message goes to %DLQ%group at once
  const consumer = new PushConsumer({
    group, namesrvAddr: namesrvAddr(), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', maxReconsumeTimes: 0, enableMsgTrace: true, ...FAST,
  });
  consumer.subscribe(topic).onMessage((m) => {
    const body = m.body.toString();
    if (failing && body.startsWith('bad')) throw new Error(`order ${body} rejected`);
    received.push(body);
  });
  const producer = new Producer({ group: uniq('e2e_dlq_pg'), namesrvAddr: namesrvAddr(), enableMsgTrace: true });
  await consumer.start();
  await producer.start();
  try {
    for (let i = 0; i < 4; i++) await producer.send({ topic, body: `bad-${i}`, keys: [`bad-${i}`], tags: 'order' });
    const goodId = (await producer.send({ topic, body: 'good', keys: ['good'] })).msgId;
    await waitFor('4 dead letters', async () => {
      const r = await apiCall(page, 'GET', '/api/dlq');
      return (r.json as { groups: Array<{ group: string; messages: number }> }).groups.find((g) => g.group === group)?.messages === 4;
    }, 60_000);

    // the cluster-wide list
    await page.goto(`${consoleUrl()}/dlq`);
    const row = page.getByTestId('dlq-group-row').filter({ hasText: group });
    await expect(row).toContainText('4');
    await row.getByRole('link', { name: group }).click();

    // the group's DLQ page lists them
    await expect(page).toHaveURL(new RegExp(`/dlq/${group}`));
    const rows = page.getByTestId('dlq-message-row');
    await expect(rows).toHaveCount(4);
    await expect(rows.first()).toContainText(topic);
    await shot(page, 'dlq-group');
    // a dead letter's detail says why the client failed it (from the trace its consumer wrote)
    await rows.first().getByRole('button').click();
    await expect(page.getByTestId('dlq-detail')).toContainText(topic);
    await expect(page.getByTestId('dlq-reason')).toContainText('EXCEPTION', { timeout: 30_000 });
    await shot(page, 'dlq-detail');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('dlq-detail')).toHaveCount(0);

    // two resent to the original topic and consumed
    failing = false;
    await rows.nth(0).getByTestId('dlq-select').check();
    await rows.nth(1).getByTestId('dlq-select').check();
    const picked = [await rows.nth(0).textContent(), await rows.nth(1).textContent()];
    await page.getByTestId('dlq-resend').click();
    const results = page.getByTestId('dlq-result-row');
    await expect(results).toHaveCount(2);
    await expect(results.filter({ hasText: 'ok' })).toHaveCount(2);
    await expect(results.first()).toContainText(`sent to ${topic}`);
    await waitFor('the two resent messages consumed', () => received.filter((b) => b.startsWith('bad')).length === 2, 30_000);
    // the ones consumed are the ones picked (their keys, bad-N, show in the rows)
    for (const b of received.filter((x) => x.startsWith('bad'))) expect(picked.some((p) => p?.includes(b))).toBe(true);
    const audit = await apiCall(page, 'GET', '/api/audit');
    const resends = (audit.json as { entries: Array<{ action: string; target: string }> }).entries.filter((e) => e.action === 'dlqResend' && e.target === group);
    expect(resends).toHaveLength(2);

    // an export of the range downloads and holds every dead letter
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dlq-export-range-jsonl').click()]);
    const lines = readFileSync((await download.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { body: string; originalTopic: string });
    expect(lines.map((l) => l.body).sort()).toEqual(['bad-0', 'bad-1', 'bad-2', 'bad-3']);
    expect(new Set(lines.map((l) => l.originalTopic))).toEqual(new Set([topic]));
    // and of a selection, as CSV
    await rows.nth(2).getByTestId('dlq-select').check();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dlq-export-csv').click()]);
    const csvLines = readFileSync((await csv.path())!, 'utf8').trim().split('\r\n');
    expect(csvLines).toHaveLength(2);
    expect(csvLines[1]).toContain(topic);

    // the traced good message: produced, stored, consumed
    await waitFor('trace of the good message', async () => {
      const t = await apiCall(page, 'GET', `/api/trace?msgId=${goodId}`);
      const body = t.json as { produced: unknown[]; consumers: Array<{ attempts: Array<{ status: string }> }> };
      return body.produced?.length === 1 && body.consumers?.[0]?.attempts.some((a) => a.status === 'SUCCESS');
    }, 30_000);
    await page.goto(`${consoleUrl()}/trace?msgId=${goodId}`);
    const timeline = page.getByTestId('trace-timeline');
    await expect(timeline.getByTestId('trace-produced')).toContainText('SEND_OK');
    await expect(timeline.getByTestId('trace-stored')).toContainText(topic);
    await expect(timeline.getByTestId('trace-group')).toContainText(group);
    await expect(timeline.getByTestId('trace-attempt').first()).toContainText('SUCCESS');
    await shot(page, 'trace-timeline');

    // a dead letter's trace ends in the DLQ
    const badId = (await apiCall(page, 'GET', `/api/dlq/${group}?begin=0`)).json as { messages: Array<{ msgId: string }> };
    await page.goto(`${consoleUrl()}/trace?msgId=${badId.messages[0]!.msgId}`);
    await expect(page.getByTestId('trace-dlq')).toContainText(`%DLQ%${group}`, { timeout: 30_000 });
  } finally {
    await consumer.shutdown();
    await producer.shutdown();
  }
});

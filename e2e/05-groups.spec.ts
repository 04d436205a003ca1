// Consumer groups: lag rising while the group is offline and falling when it consumes again, an offline reset to a
// timestamp previewed then applied (new offsets shown), an online reset, a flagged group, and group create/update/delete.
import { expect, test } from './fixtures.ts';
import { apiCall, consoleUrl, shot, signIn, uniq, waitFor, searchList } from './helpers.ts';
import { sendMany, startConsumer, startProducer, type RunningConsumer } from './clients.ts';
import type { Producer } from '../lib/client/index.ts';

test.describe.configure({ mode: 'serial' });

const topic = uniq('E2eLag');
const group = uniq('e2e_lag_cg');
let producer: Producer;
let startedAt = 0;

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, 'operator');
  const res = await apiCall(page, 'POST', '/api/topics', { topic, readQueueNums: 2, writeQueueNums: 2 });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  await page.close();
  producer = await startProducer(uniq('e2e_producer'));
});

test.afterAll(async () => {
  await producer?.shutdown();
});

test("a group's lag rises while it is offline and falls when it consumes again", async ({ page }) => {
  test.setTimeout(120_000);
  startedAt = Date.now();
  // the group consumes the first messages, commits, and goes away
  let c: RunningConsumer = await startConsumer(group, topic, { queues: 4 });
  await sendMany(producer, topic, 8, 'early');
  await waitFor('8 messages consumed', () => c.received() >= 8, 30_000);
  await c.stop();

  await new Promise((r) => setTimeout(r, 1100)); // the reset below goes to a time between the two batches' store times
  await sendMany(producer, topic, 40, 'late');

  await page.goto(`${consoleUrl()}/groups`);
  await searchList(page, group);
  const row = page.getByTestId('group-row').filter({ hasText: group });
  await expect(row.getByTestId('group-lag')).toHaveText('40', { timeout: 30_000 });
  await shot(page, 'groups-lag-risen');

  await page.goto(`${consoleUrl()}/groups/${group}`);
  await expect(page.getByTestId('stat-lag-value')).toContainText('40');
  await expect(page.getByTestId('stat-members-value')).toHaveText('0');

  c = await startConsumer(group, topic, { queues: 4 });
  try {
    await expect(page.getByTestId('stat-lag-value')).toContainText(/^0/, { timeout: 30_000 });
    await expect(page.getByTestId('stat-members-value')).toHaveText('1');
    await expect(page.getByTestId('member-row')).toHaveCount(1);
    await expect(page.getByTestId('rebalance-row').first()).toBeVisible({ timeout: 30_000 });
    await shot(page, 'group-detail');
    await page.goto(`${consoleUrl()}/groups`);
    await searchList(page, group);
    await expect(page.getByTestId('group-row').filter({ hasText: group }).getByTestId('group-lag')).toHaveText('0');
    // the mode column: a push consumer online, nothing set for 5.x request modes
    await expect(page.getByTestId('group-row').filter({ hasText: group }).getByTestId('group-mode')).toContainText('PUSH', { timeout: 30_000 });
  } finally {
    await c.stop();
  }
});

test('an offline group reset to a timestamp: preview of old and new offsets, then the new offsets', async ({ page }) => {
  await signIn(page, 'operator');
  await page.goto(`${consoleUrl()}/groups/${group}`);
  await expect(page.getByTestId('stat-members-value')).toHaveText('0', { timeout: 30_000 });
  await page.getByTestId('open-reset').click();
  await page.getByTestId('reset-topic').fill(topic);
  await expect(page.getByTestId('reset-offset-form')).toContainText('offline');
  await page.getByTestId('reset-to').selectOption('timestamp');
  // before the first batch: every queue goes back to its first message
  const local = new Date(startedAt - 60_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
  await page.getByTestId('reset-time').fill(local);
  await page.getByTestId('reset-preview').click();
  const preview = page.getByTestId('reset-preview-table');
  await expect(preview.getByTestId('preview-row')).toHaveCount(4);
  for (const cell of await preview.getByTestId('preview-new').all()) await expect(cell).toHaveText('0');
  await shot(page, 'reset-preview');
  await page.getByTestId('reset-apply').click();
  await expect(page.getByTestId('action-result-summary')).toHaveText('Offsets reset');
  await expect(page.getByTestId('reset-result-row')).toHaveCount(4);
  await expect(page.getByTestId('result-ok')).toHaveCount(2);
  await shot(page, 'reset-applied');
  await page.keyboard.press('Escape');
  // 8 + 40 messages to read again
  await expect(page.getByTestId('stat-lag-value')).toContainText('48');
  for (const cell of await page.getByTestId('consumer-offset').all()) await expect(cell).toHaveText('0');
});

test('an online group reset to the earliest offset is pushed to its consumer, which reads everything again', async ({ page }) => {
  test.setTimeout(120_000);
  const c = await startConsumer(group, topic, { queues: 4 });
  try {
    await waitFor('the 48 messages after the reset', () => c.received() >= 48, 30_000);
    const seen = c.received();
    await signIn(page, 'operator');
    await page.goto(`${consoleUrl()}/actions?tab=reset&group=${group}&topic=${topic}`);
    await page.getByTestId('reset-to').selectOption('earliest');
    await expect(page.getByTestId('reset-offset-form')).toContainText('online');
    await page.getByTestId('reset-preview').click();
    await expect(page.getByTestId('reset-preview-table').getByTestId('preview-row')).toHaveCount(4);
    await page.getByTestId('reset-apply').click();
    await expect(page.getByTestId('action-result-summary')).toHaveText('Offsets reset');
    await expect(page.getByTestId('result-ok')).toHaveCount(2);
    await waitFor('the messages read again', () => c.received() >= seen + 48, 30_000);
  } finally {
    await c.stop();
  }
});

test('a group with more members than queues is flagged with the reason', async ({ page }) => {
  test.setTimeout(90_000);
  const small = uniq('E2eSmall');
  const crowded = uniq('e2e_crowded_cg');
  await signIn(page, 'operator');
  const res = await apiCall(page, 'POST', '/api/topics', { topic: small, readQueueNums: 1, writeQueueNums: 1, brokerNames: ['broker-a'] });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  const a = await startConsumer(crowded, small, { instanceName: 'crowd-a' });
  const b = await startConsumer(crowded, small, { instanceName: 'crowd-b' });
  try {
    // count the topic's queues only: each member also takes queues of the group's retry topic once its route is known
    const held = (c: RunningConsumer) => c.consumer.assignedQueues().filter((q) => q.topic === small).length;
    await waitFor('one queue held by one of two members', () => held(a) + held(b) === 1, 30_000);
    await page.goto(`${consoleUrl()}/groups/${crowded}`);
    await expect(page.getByTestId('group-flags')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('group-flags')).toContainText(/member/i);
    await shot(page, 'group-flagged');
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('an operator creates, updates and deletes a subscription group', async ({ page }) => {
  const name = uniq('e2e_sub_cg');
  await signIn(page, 'operator');
  await page.goto(`${consoleUrl()}/groups`);
  // the page settles to one header (a run saw the sign-in redirect's render and this one side by side for a moment)
  await expect(page.getByTestId('new-group')).toHaveCount(1);
  await page.getByTestId('new-group').click();
  await page.getByTestId('group-name').fill(name);
  await page.getByTestId('group-submit').click();
  await expect(page.getByTestId('result-ok')).toHaveCount(2);
  await page.keyboard.press('Escape');

  await page.goto(`${consoleUrl()}/groups/${name}`);
  await expect(page.getByTestId('group-title')).toHaveText(name);
  await page.getByTestId('open-edit-group').click();
  await page.getByLabel('Max retries').fill('3');
  await page.getByTestId('group-submit').click();
  await expect(page.getByTestId('action-result-summary')).toContainText('updated');
  await page.keyboard.press('Escape');

  await page.getByTestId('open-delete-group').click();
  await page.getByTestId('delete-group-confirm').fill(name);
  await page.getByTestId('delete-group-submit').click();
  await expect(page).toHaveURL(/\/groups$/);
  await searchList(page, name);
  await expect(page.getByTestId('group-row')).toHaveCount(0);
});

test('a broadcasting group shows its message model and no share flags', async ({ page }) => {
  await page.goto(`${consoleUrl()}/groups?q=demo-events-broadcast`);
  const row = page.getByTestId('group-row').filter({ hasText: 'demo-events-broadcast' }).first();
  await expect(row).toContainText('BROADCASTING', { timeout: 30_000 });
  await expect(row.getByTestId('group-flag')).toHaveCount(0);
});

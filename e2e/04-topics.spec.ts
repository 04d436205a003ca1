// Topics: create one and see it in the list and on the topic-to-broker map, one on a single broker standing out,
// produce to it from the page and read the message back (by id, key and time), delete a topic by typing its name.
import { expect, test } from './fixtures.ts';
import { consoleUrl, shot, signIn, uniq, searchList } from './helpers.ts';

const topicA = uniq('E2eOrders');
const topicB = uniq('E2eSingle');

test.describe.configure({ mode: 'serial' });

test('an operator creates a topic and sees it in the list and on the map', async ({ page }) => {
  await signIn(page, 'operator');
  await page.goto(`${consoleUrl()}/topics`);
  await page.getByTestId('new-topic').click();
  await page.getByTestId('topic-name').fill(topicA);
  await page.getByTestId('read-queues').fill('4');
  await page.getByTestId('write-queues').fill('4');
  await page.getByTestId('topic-submit').click();
  await expect(page.getByTestId('action-result-summary')).toContainText(`Topic ${topicA} created`);
  await expect(page.getByTestId('result-ok')).toHaveCount(2);
  await shot(page, 'topic-create');
  await page.keyboard.press('Escape');

  await searchList(page, topicA);
  await expect(page.getByTestId('topic-row')).toHaveCount(1);
  await expect(page.getByTestId('topic-row')).toContainText('8 / 8');
  await shot(page, 'topics');

  await page.goto(`${consoleUrl()}/topics/map?q=${topicA}`);
  const row = page.locator(`[data-testid="map-row"][data-topic="${topicA}"]`);
  await expect(row.getByTestId('map-cell')).toHaveCount(2);
  await expect(row.getByTestId('map-cell').first()).toContainText('4/4 RW');
});

test('a topic on one broker only stands out on the map', async ({ page }) => {
  await signIn(page, 'operator');
  await page.goto(`${consoleUrl()}/actions`);
  await page.getByTestId('topic-name').fill(topicB);
  await page.getByTestId('target-brokers').check();
  await page.getByTestId('target-broker-broker-a').check();
  await page.getByTestId('read-queues').fill('2');
  await page.getByTestId('write-queues').fill('2');
  await page.getByTestId('topic-submit').click();
  await expect(page.getByTestId('result-ok')).toHaveCount(1);
  await expect(page.getByTestId('result-ok')).toContainText('broker-a');

  await page.goto(`${consoleUrl()}/topics/map`);
  await page.getByTestId('only-single').check();
  const row = page.locator(`[data-testid="map-row"][data-topic="${topicB}"]`);
  await expect(row).toContainText('one broker');
  await expect(page.locator(`[data-testid="map-row"][data-topic="${topicA}"]`)).toHaveCount(0);
  await page.getByTestId('only-single').uncheck();
  await expect(page.getByTestId('stat-single-broker-value')).not.toHaveText('0');
  await shot(page, 'topic-map');
});

test('a test message sent from the topic page is found by id, key and time, with its body three ways', async ({ page }) => {
  await signIn(page, 'operator');
  const before = Date.now() - 2000;
  await page.goto(`${consoleUrl()}/topics/${topicA}`);
  await expect(page.getByTestId('topic-title')).toHaveText(topicA);
  await page.getByTestId('open-send').click();
  await page.getByTestId('message-body').fill('{"order":42,"items":["rocket","deck"]}');
  await page.getByTestId('message-tags').fill('TagE2e');
  await page.getByTestId('message-keys').fill('order-42');
  await page.getByTestId('send-submit').click();
  await expect(page.getByTestId('send-status')).toHaveText('SEND_OK');
  const msgId = (await page.getByTestId('sent-msg-id').textContent())!.trim();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('stat-total-messages-value')).toHaveText('1');
  await expect(page.getByTestId('queue-max').filter({ hasText: '1' })).toHaveCount(1);
  await shot(page, 'topic-detail');

  // by id: the link of the send result
  await page.goto(`${consoleUrl()}/messages?msgId=${msgId}&topic=${topicA}`);
  await expect(page.getByTestId('message-row')).toHaveCount(1);
  await page.getByTestId('message-row').click();
  const dialog = page.getByTestId('message-dialog');
  await expect(dialog.getByTestId('detail-msg-id')).toHaveText(msgId);
  await expect(dialog.getByTestId('body-json')).toContainText('"order": 42');
  await expect(dialog.getByTestId('message-properties')).toContainText('order-42');
  await expect(dialog).toContainText('TagE2e');
  await shot(page, 'message-detail');
  await dialog.getByRole('tab', { name: 'Hex' }).click();
  await expect(dialog.getByTestId('body-hex')).toContainText('7b 22 6f 72');
  await dialog.getByRole('tab', { name: 'Text' }).click();
  await expect(dialog.getByTestId('body-text')).toContainText('{"order":42');
  await dialog.getByTestId('check-consumers').click();
  await expect(dialog).toContainText('No group subscribes to this topic.');
  await page.keyboard.press('Escape');

  // by key
  await page.goto(`${consoleUrl()}/messages?mode=key&topic=${topicA}&key=order-42`);
  await expect(page.getByTestId('message-row')).toHaveCount(1);
  await expect(page.getByTestId('message-row')).toContainText(msgId);

  // by topic and time range
  await page.goto(`${consoleUrl()}/messages`);
  await page.getByRole('tab', { name: 'By topic and time' }).click();
  await page.getByTestId('search-topic').fill(topicA);
  const local = (ms: number) => { const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000); return d.toISOString().slice(0, 19); };
  await page.getByTestId('search-begin').fill(local(before));
  await page.getByTestId('search-end').fill(local(Date.now() + 60_000));
  await page.getByTestId('search-submit').click();
  await expect(page.getByTestId('message-row')).toHaveCount(1);
  await shot(page, 'messages');
});

test('deleting a topic needs its name typed, then it is gone', async ({ page }) => {
  await signIn(page, 'operator');
  await page.goto(`${consoleUrl()}/topics/${topicB}`);
  await page.getByTestId('open-delete').click();
  await expect(page.getByTestId('delete-topic-submit')).toBeDisabled();
  await page.getByTestId('delete-topic-confirm').fill(topicB.slice(0, -1));
  await expect(page.getByTestId('delete-topic-submit')).toBeDisabled();
  await page.getByTestId('delete-topic-confirm').fill(topicB);
  await page.getByTestId('delete-topic-submit').click();
  await expect(page).toHaveURL(/\/topics$/);
  await searchList(page, topicB);
  await expect(page.getByTestId('topic-row')).toHaveCount(0);
  await expect(page.getByText(`No topic matches`)).toBeVisible();
});

test('the list counts consuming and producing groups; the topic lists its producers\' connections', async ({ page }) => {
  await page.goto(`${consoleUrl()}/topics?q=DemoOrders`);
  const row = page.getByTestId('topic-row').filter({ hasText: 'DemoOrders' }).first();
  // demo-orders-cg and demo-slow-cg consume DemoOrders
  await expect(row.getByTestId('topic-consumer-groups')).toHaveText(/^[2-9]$/, { timeout: 30_000 });
  // the demo's producer group sends to it (our brokers note every accepted send)
  await expect(row.getByTestId('topic-producer-groups')).toHaveText(/^[1-9]\d*$/, { timeout: 30_000 });
  await page.goto(`${consoleUrl()}/topics/DemoOrders`);
  const producers = page.getByTestId('topic-producers');
  await expect(producers.getByTestId('producer-row').first()).toBeVisible({ timeout: 15_000 });
  await expect(producers).toContainText('demo-producer-demoorders');
  // its client id carries the demo producer's instance name
  await expect(producers).toContainText('demo-producer-DemoOrders');
  await shot(page, 'topic-producers');
});

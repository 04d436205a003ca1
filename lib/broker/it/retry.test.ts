// Retry, delay and dead letters through a real broker process with short delay levels: a message a consumer
// keeps failing comes back on %RETRY%<group> after each level's delay, then lands in %DLQ%<group>; a producer's
// delay level holds a message back for its delay.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { encodeHeartbeatData } from '../../protocol/bodies/consumer.ts';
import { decodeDelayOffsetSerializeWrapper } from '../../protocol/bodies/offsets.ts';
import { decodeMessages } from '../../protocol/message-codec.ts';
import type { MessageExt } from '../../protocol/message.ts';
import { spawnBroker, spawnNamesrv, TestClient, type BrokerProcess, type NamesrvProcess } from './harness.ts';

setLogSink(() => {});

// Level n delays by the n-th entry; retries use level 3 + reconsumeTimes: 1 s, 2 s, then 1 s.
const DELAY_LEVELS = '1s 1s 1s 2s 1s';
const EXPECTED_DELAYS = [1000, 2000, 1000];
const TOPIC = 'RetryTopic';
const GROUP = 'it_retry';
const RETRY = `%RETRY%${GROUP}`;
const DLQ = `%DLQ%${GROUP}`;
/** Timers, dispatch and a loaded machine may add to a delay; never subtract. */
const SLACK_MS = 1500;

describe('broker process: retry levels, dead letters, delayed messages', () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let c: TestClient;

  before(async () => {
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address, props: { messageDelayLevel: DELAY_LEVELS } });
    c = new TestClient(broker.address);
    await c.createTopic(TOPIC, 1);
  });

  after(async () => {
    await c?.close();
    await broker?.destroy();
    await ns?.stop();
  });

  /** Long-polls one queue until a message at `offset` arrives. */
  async function next(topic: string, offset: number): Promise<{ msg: MessageExt; at: number }> {
    for (;;) {
      const res = await c.pull(GROUP, topic, 0, offset, { suspendMs: 10_000 });
      if (res.code === ResponseCode.SUCCESS) return { msg: decodeMessages(res.body!)[0]!, at: Date.now() };
      assert.equal(res.code, ResponseCode.PULL_NOT_FOUND, `pull ${topic}@${offset}: ${res.code} ${res.remark}`);
    }
  }

  const sendBack = (msg: MessageExt) =>
    c.call(RequestCode.CONSUMER_SEND_MSG_BACK, {
      offset: msg.commitLogOffset, group: GROUP, delayLevel: 0, originMsgId: msg.msgId, originTopic: TOPIC, unitMode: false, maxReconsumeTimes: 3,
    });

  test('a message failed again and again comes back after each retry level, then goes to the DLQ', async () => {
    const hb = encodeHeartbeatData({
      clientID: 'retry-client',
      producerDataSet: [],
      consumerDataSet: [{
        groupName: GROUP, consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', unitMode: false,
        subscriptionDataSet: [TOPIC, RETRY].map((topic) => ({ topic, subString: '*', tagsSet: [], codeSet: [], subVersion: Date.now(), expressionType: 'TAG', classFilterMode: false })),
      }],
    });
    assert.equal((await c.call(RequestCode.HEART_BEAT, undefined, hb)).code, ResponseCode.SUCCESS);
    const sent = await c.send(TOPIC, 'keeps failing', { queueId: 0, tags: 'TagR', keys: 'retry-key' });
    assert.equal(sent.code, ResponseCode.SUCCESS);
    let { msg } = await next(TOPIC, 0);
    const originId = msg.msgId;

    for (let attempt = 0; attempt < EXPECTED_DELAYS.length; attempt++) {
      const backAt = Date.now();
      const back = await sendBack(msg);
      assert.equal(back.code, ResponseCode.SUCCESS, back.remark);
      const got = await next(RETRY, attempt);
      const delay = got.at - backAt;
      assert.ok(delay >= EXPECTED_DELAYS[attempt]! - 50 && delay < EXPECTED_DELAYS[attempt]! + SLACK_MS,
        `retry ${attempt + 1} came after ${delay} ms, level delay ${EXPECTED_DELAYS[attempt]} ms`);
      msg = got.msg;
      assert.equal(msg.topic, RETRY);
      assert.equal(msg.reconsumeTimes, attempt + 1);
      assert.equal(msg.body.toString(), 'keeps failing');
      assert.equal(msg.properties.RETRY_TOPIC, TOPIC);
      assert.equal(msg.properties.ORIGIN_MESSAGE_ID, originId);
      assert.equal(msg.properties.TAGS, 'TagR');
    }

    const last = await sendBack(msg);
    assert.equal(last.code, ResponseCode.SUCCESS);
    const dead = await next(DLQ, 0);
    assert.equal(dead.msg.topic, DLQ);
    assert.equal(dead.msg.body.toString(), 'keeps failing');
    assert.equal(dead.msg.reconsumeTimes, EXPECTED_DELAYS.length + 1);
    assert.equal(dead.msg.properties.DELAY, undefined);
    // Nothing more arrived on the retry topic.
    assert.equal(await c.maxOffset(RETRY, 0), EXPECTED_DELAYS.length);
  });

  test('a producer-set delay level holds the message back for the level delay', async () => {
    const queueId = 0;
    const before = await c.maxOffset(TOPIC, queueId);
    const sentAt = Date.now();
    const res = await c.send(TOPIC, 'later', { queueId, delayLevel: 4, tags: 'TagD' });
    assert.equal(res.code, ResponseCode.SUCCESS);
    assert.equal(res.extFields!.queueId, String(queueId));
    const got = await next(TOPIC, before);
    const delay = got.at - sentAt;
    assert.ok(delay >= 2000 - 50 && delay < 2000 + SLACK_MS, `delivered after ${delay} ms`);
    assert.equal(got.msg.body.toString(), 'later');
    assert.equal(got.msg.properties.REAL_TOPIC, TOPIC);
    assert.equal(got.msg.properties.DELAY, undefined);
    assert.equal(got.msg.properties.TAGS, 'TagD');
    const offsets = decodeDelayOffsetSerializeWrapper((await c.ok(RequestCode.GET_ALL_DELAY_OFFSET)).body);
    assert.ok((offsets.offsetTable.get(4) ?? 0) >= 2, `level 4 offset ${offsets.offsetTable.get(4)}`);
  });
});

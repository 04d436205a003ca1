// POP requests on the wire against a broker process: POP_MESSAGE answers (headers, POP_CK of retry messages),
// long polling, NOTIFICATION, POLLING_INFO, bad receipts, SET/GET_ALL_MESSAGE_REQUEST_MODE and QUERY_ASSIGNMENT.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import {
  decodeMessageRequestModeSerializeWrapper, decodeQueryAssignmentResponseBody, encodeQueryAssignmentRequestBody,
  encodeSetMessageRequestModeRequestBody,
} from '../../protocol/bodies/pop.ts';
import { decodeMessages } from '../../protocol/message-codec.ts';
import { parseMsgOffsetInfo, parseStartOffsetInfo } from '../../protocol/pop-extra-info.ts';
import { spawnBroker, spawnNamesrv, TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from './harness.ts';

setLogSink(() => {});

const TOPIC = 'PopWire';

describe('broker process: POP requests', () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let c: TestClient;

  before(async () => {
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address, props: { brokerClusterName: 'PopWireCluster', brokerName: 'broker-pw' } });
    c = new TestClient(broker.address);
    await c.createTopic(TOPIC, 2);
  });

  after(async () => {
    await c?.close();
    await broker?.destroy();
    await ns?.stop();
  });

  const pop = (group: string, o: { queueId?: number; max?: number; invisible?: number; pollTime?: number; order?: boolean } = {}) =>
    c.call(RequestCode.POP_MESSAGE, {
      consumerGroup: group, topic: TOPIC, queueId: o.queueId ?? -1, maxMsgNums: o.max ?? 32, invisibleTime: o.invisible ?? 10_000,
      pollTime: o.pollTime ?? 0, bornTime: Date.now(), initMode: 0, expType: 'TAG', exp: '*', order: o.order ?? false,
    }, undefined, 15_000);

  test('a pop answers popTime, invisibleTime, reviveQid, restNum and offset infos matching the messages', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await c.send(TOPIC, `w${i}`, { queueId: 0 })).code, 0);
    const res = await pop('wire_g1', { queueId: 0, max: 3 });
    assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
    const h = res.extFields!;
    assert.equal(h.invisibleTime, '10000');
    assert.ok(Number(h.popTime) > 0, `popTime ${h.popTime}`);
    assert.ok(Number(h.reviveQid) >= 0 && Number(h.reviveQid) < 8, `reviveQid ${h.reviveQid}`);
    assert.equal(h.restNum, '2');
    const msgs = decodeMessages(res.body!);
    assert.deepEqual(msgs.map((m) => m.body.toString()), ['w0', 'w1', 'w2']);
    assert.deepEqual(parseStartOffsetInfo(h.startOffsetInfo), new Map([['0@0', 0]]));
    assert.deepEqual(parseMsgOffsetInfo(h.msgOffsetInfo), new Map([['0@0', [0, 1, 2]]]));
  });

  test('PEEK_MESSAGE shows what a group would pop next without handing it out', async () => {
    const peek = await c.call(RequestCode.PEEK_MESSAGE, { consumerGroup: 'wire_peek', topic: TOPIC, queueId: 0, maxMsgNums: 2 });
    assert.equal(peek.code, ResponseCode.SUCCESS, peek.remark);
    assert.deepEqual(decodeMessages(peek.body!).map((m) => m.body.toString()), ['w0', 'w1']);
    assert.equal(peek.extFields!.restNum, '3');
    const popped = await pop('wire_peek', { queueId: 0, max: 2 });
    assert.deepEqual(decodeMessages(popped.body!).map((m) => m.body.toString()), ['w0', 'w1'], 'the peek handed nothing out');
    const none = await c.call(RequestCode.PEEK_MESSAGE, { consumerGroup: 'wire_peek', topic: TOPIC, queueId: 1, maxMsgNums: 2 });
    assert.equal(none.code, ResponseCode.PULL_NOT_FOUND);
  });

  test('an empty pop is held for pollTime and answered as soon as a message arrives', async () => {
    const group = 'wire_g2';
    const empty = await pop(group, { queueId: 1, pollTime: 300 });
    assert.equal(empty.code, ResponseCode.POLLING_TIMEOUT);
    const start = Date.now();
    const held = pop(group, { queueId: 1, pollTime: 8000 });
    await waitFor('the pop held', async () =>
      (await c.ok(RequestCode.POLLING_INFO, { consumerGroup: group, topic: TOPIC, queueId: 1 })).extFields!.pollingNum === '1', 5000);
    await c.send(TOPIC, 'wake', { queueId: 1 });
    const res = await held;
    assert.equal(res.code, ResponseCode.SUCCESS);
    assert.equal(decodeMessages(res.body!)[0]!.body.toString(), 'wake');
    assert.ok(Date.now() - start < 4000, 'the held pop was answered when the message arrived, not at pollTime');
  });

  test('NOTIFICATION says whether the group has something to pop', async () => {
    const group = 'wire_g3';
    const n1 = await c.ok(RequestCode.NOTIFICATION, { consumerGroup: group, topic: TOPIC, queueId: -1, pollTime: 0, bornTime: Date.now() });
    assert.equal(n1.extFields!.hasMsg, 'true');
    const all = await pop(group, { max: 32 });
    assert.equal(all.code, 0);
    const n2 = await c.ok(RequestCode.NOTIFICATION, { consumerGroup: group, topic: TOPIC, queueId: -1, pollTime: 200, bornTime: Date.now() });
    assert.equal(n2.extFields!.hasMsg, 'false');
  });

  test('an unacked message comes back from the retry topic under the original topic with a retry receipt', async () => {
    const group = 'wire_g4';
    await c.send(TOPIC, 'again', { queueId: 0 });
    // Pop (1 s invisible) until the message just sent is among those popped; all of them must come back.
    const firstBodies = new Set<string>();
    const until = Date.now() + 10_000;
    while (!firstBodies.has('again') && Date.now() < until) {
      const r = await pop(group, { queueId: 0, max: 32, invisible: 1000, pollTime: 500 });
      if (r.code === 0) for (const m of decodeMessages(r.body!)) firstBodies.add(m.body.toString());
    }
    const n = firstBodies.size;
    assert.ok(firstBodies.has('again'), `popped ${[...firstBodies].join(',')}`);
    let first;
    let back: ReturnType<typeof decodeMessages> = [];
    const deadline = Date.now() + 10_000;
    while (back.length < n && Date.now() < deadline) {
      first = await pop(group, { max: 32, invisible: 60_000, pollTime: 1000 });
      // Queue 1's messages are new to this group; only queue 0's come back.
      if (first.code === 0) back = back.concat(decodeMessages(first.body!).filter((m) => firstBodies.has(m.body.toString()) && m.reconsumeTimes > 0));
    }
    assert.equal(back.length, n);
    for (const m of back) {
      assert.equal(m.topic, TOPIC);
      assert.equal(m.reconsumeTimes, 1);
      assert.match(m.properties.POP_CK!, /^\d+ \d+ 60000 \d+ 1 broker-pw 0 \d+$/);
    }
  });

  test('a malformed receipt is answered SYSTEM_ERROR (as 5.3.3) naming the problem; unknown topics TOPIC_NOT_EXIST', async () => {
    const bad = await c.call(RequestCode.ACK_MESSAGE, { consumerGroup: 'g', topic: TOPIC, queueId: 0, extraInfo: 'nonsense', offset: 0 });
    assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
    assert.match(bad.remark ?? '', /extraInfo 'nonsense'/);
    const missing = await c.call(RequestCode.ACK_MESSAGE, { consumerGroup: 'g', topic: TOPIC, queueId: 0, offset: 0 });
    assert.equal(missing.code, ResponseCode.SYSTEM_ERROR);
    assert.match(missing.remark ?? '', /extraInfo/);
    const r = await c.call(RequestCode.POP_MESSAGE, {
      consumerGroup: 'g', topic: 'NoSuchTopic', queueId: -1, maxMsgNums: 1, invisibleTime: 1000, pollTime: 0, bornTime: Date.now(), initMode: 0,
    });
    assert.equal(r.code, ResponseCode.TOPIC_NOT_EXIST);
  });

  test('RECALL_MESSAGE is refused while recallMessageEnable is off (5.3 default)', async () => {
    const r = await c.call(RequestCode.RECALL_MESSAGE, { producerGroup: 'p', topic: TOPIC, recallHandle: 'djEgeA' });
    assert.equal(r.code, ResponseCode.NO_PERMISSION);
    assert.equal(r.remark, 'recall failed, operation is forbidden');
  });

  test('SET_MESSAGE_REQUEST_MODE switches a group to POP; QUERY_ASSIGNMENT then hands out queueId -1; the mode survives a restart', async () => {
    const before = await c.ok(RequestCode.QUERY_ASSIGNMENT, undefined, encodeQueryAssignmentRequestBody({
      topic: TOPIC, consumerGroup: 'mode_g', clientId: 'cid-1', strategyName: 'AVG', messageModel: 'CLUSTERING',
    }));
    const pull = decodeQueryAssignmentResponseBody(before.body);
    assert.deepEqual(pull.map((a) => [a.messageQueue.queueId, a.mode]), [[0, 'PULL'], [1, 'PULL']]);
    await c.ok(RequestCode.SET_MESSAGE_REQUEST_MODE, undefined, encodeSetMessageRequestModeRequestBody({ topic: TOPIC, consumerGroup: 'mode_g', mode: 'POP', popShareQueueNum: 0 }));
    const after = decodeQueryAssignmentResponseBody((await c.ok(RequestCode.QUERY_ASSIGNMENT, undefined, encodeQueryAssignmentRequestBody({
      topic: TOPIC, consumerGroup: 'mode_g', clientId: 'cid-1', strategyName: 'AVG', messageModel: 'CLUSTERING',
    }))).body);
    assert.deepEqual(after, [{ messageQueue: { topic: TOPIC, brokerName: 'broker-pw', queueId: -1 }, mode: 'POP' }]);
    await broker.stop();
    broker = await spawnBroker({ namesrv: ns.address, dir: broker.dir, port: broker.port, props: { brokerClusterName: 'PopWireCluster', brokerName: 'broker-pw' } });
    const all = decodeMessageRequestModeSerializeWrapper((await c.ok(RequestCode.GET_ALL_MESSAGE_REQUEST_MODE)).body);
    assert.equal(all.get(TOPIC)?.get('mode_g')?.mode, 'POP');
  });
});

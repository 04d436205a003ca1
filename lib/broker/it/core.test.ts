// A real nameserver and `rocketdeck broker` as processes: registration, 10,000 messages sent single and batched
// and pulled back in order, tag filtering, long polling, heartbeats and consumer-id notices, offsets that survive
// a restart, and error answers.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { decodeConsumerListByGroup, encodeHeartbeatData, type HeartbeatData } from '../../protocol/bodies/consumer.ts';
import { decodeKVTable } from '../../protocol/bodies/route.ts';
import { decodeMessages } from '../../protocol/message-codec.ts';
import { RemotingClient } from '../../remoting/client.ts';
import { createRequest, createResponse, type RemotingCommand } from '../../remoting/command.ts';
import { spawnBroker, spawnNamesrv, TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from './harness.ts';

setLogSink(() => {});

const TOPIC = 'ItTopic';
const QUEUES = 8;
const SINGLE = 2000;
const BATCHES = 80;
const BATCH_SIZE = 100;

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

function heartbeat(clientID: string, group: string, topics: string[]): Buffer {
  const data: HeartbeatData = {
    clientID,
    producerDataSet: [],
    consumerDataSet: [{
      groupName: group, consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', unitMode: false,
      subscriptionDataSet: topics.map((topic) => ({ topic, subString: '*', tagsSet: [], codeSet: [], subVersion: Date.now(), expressionType: 'TAG', classFilterMode: false })),
    }],
  };
  return encodeHeartbeatData(data);
}

describe('broker process: produce, consume, clients, offsets', () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let c: TestClient;
  /** queueId -> queueOffset -> what was sent there */
  const sent = new Map<number, Map<number, { idx: number; tags: string }>>();

  before(async () => {
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address, props: { maxMessageSize: 65536 } });
    c = new TestClient(broker.address);
  });

  after(async () => {
    await c?.close();
    await broker?.destroy();
    await ns?.stop();
  });

  test('registers with the nameserver, which then routes a new 8-queue topic to it', async () => {
    await c.createTopic(TOPIC, QUEUES);
    const admin = new TestClient(ns.address);
    try {
      const route = await waitFor('route of the new topic', async () => {
        const res = await admin.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: TOPIC });
        return res.code === ResponseCode.SUCCESS ? JSON.parse(res.body!.toString('utf8')) : undefined;
      });
      assert.equal(route.queueDatas[0].writeQueueNums, QUEUES);
      assert.equal(route.queueDatas[0].brokerName, 'broker-it');
      assert.equal(route.brokerDatas[0].brokerAddrs['0'], broker.address);
    } finally {
      await admin.close();
    }
  });

  test('10,000 messages sent single and batched come back per queue in order with offsets, tags and properties', async () => {
    const record = (queueId: number, offset: number, idx: number, tags: string) => {
      let m = sent.get(queueId);
      if (!m) sent.set(queueId, (m = new Map()));
      assert.ok(!m.has(offset), `offset ${offset} of queue ${queueId} given twice`);
      m.set(offset, { idx, tags });
    };
    await pool(Array.from({ length: SINGLE }, (_, i) => i), 32, async (idx) => {
      const queueId = idx % QUEUES;
      const tags = `Tag${idx % 3}`;
      const res = await c.send(TOPIC, `body-${idx}`, { queueId, tags, keys: `key-${idx}`, properties: { idx: String(idx) }, v1: idx % 2 === 1 });
      assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
      assert.equal(Number(res.extFields!.queueId), queueId);
      assert.match(res.extFields!.msgId!, /^[0-9A-F]{32}$/);
      record(queueId, Number(res.extFields!.queueOffset), idx, tags);
    });
    await pool(Array.from({ length: BATCHES }, (_, b) => b), 8, async (b) => {
      const queueId = b % QUEUES;
      const first = SINGLE + b * BATCH_SIZE;
      const msgs = Array.from({ length: BATCH_SIZE }, (_, k) => {
        const idx = first + k;
        return { body: Buffer.from(`body-${idx}`), properties: { TAGS: `Tag${idx % 3}`, KEYS: `key-${idx}`, idx: String(idx) } };
      });
      const res = await c.sendBatch(TOPIC, queueId, msgs);
      assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
      assert.equal(res.extFields!.msgId!.split(',').length, BATCH_SIZE);
      const base = Number(res.extFields!.queueOffset);
      for (let k = 0; k < BATCH_SIZE; k++) record(queueId, base + k, first + k, `Tag${(first + k) % 3}`);
    });

    let total = 0;
    for (let q = 0; q < QUEUES; q++) {
      const max = await c.maxOffset(TOPIC, q);
      const expected = sent.get(q)!;
      assert.equal(max, expected.size, `queue ${q} max offset`);
      const msgs = await c.pullAll('it_reader', TOPIC, q, 0, max);
      assert.equal(msgs.length, max);
      msgs.forEach((m, offset) => {
        const want = expected.get(offset)!;
        assert.equal(m.queueOffset, offset);
        assert.equal(m.queueId, q);
        assert.equal(m.topic, TOPIC);
        assert.equal(m.properties.idx, String(want.idx));
        assert.equal(m.properties.TAGS, want.tags);
        assert.equal(m.properties.KEYS, `key-${want.idx}`);
        assert.equal(m.properties.CLUSTER, 'ItCluster');
        assert.equal(m.body.toString(), `body-${want.idx}`);
      });
      // Sends on one connection keep their order within a queue.
      const singles = msgs.map((m) => Number(m.properties.idx)).filter((i) => i < SINGLE);
      assert.deepEqual(singles, [...singles].sort((a, b) => a - b));
      total += msgs.length;
    }
    assert.equal(total, SINGLE + BATCHES * BATCH_SIZE);
  });

  test('a TAG subscription gets only its tags', async () => {
    const res = await c.pull('it_tags', TOPIC, 1, 0, { subscription: 'Tag1 || Tag2', max: 32 });
    assert.equal(res.code, ResponseCode.SUCCESS);
    const msgs = decodeMessages(res.body!);
    assert.ok(msgs.length > 0);
    for (const m of msgs) assert.ok(['Tag1', 'Tag2'].includes(m.properties.TAGS!), m.properties.TAGS);
  });

  test('a held pull is answered within 100 ms of a new message', async () => {
    const queueId = 3;
    const offset = await c.maxOffset(TOPIC, queueId);
    const started = Date.now();
    let answeredAt = 0;
    const pending = c.pull('it_lp', TOPIC, queueId, offset, { suspendMs: 15_000 }).then((r) => {
      answeredAt = Date.now();
      return r;
    });
    await waitFor('the pull to be held', async () => {
      const info = decodeKVTable((await c.ok(RequestCode.GET_BROKER_RUNTIME_INFO)).body);
      return Number(info.table.get('heldPullRequests')) >= 1;
    });
    assert.equal(answeredAt, 0, 'the pull must wait for a message');
    const sentAt = Date.now();
    const s = await c.send(TOPIC, 'wake up', { queueId, tags: 'TagLP' });
    assert.equal(s.code, ResponseCode.SUCCESS);
    const res = await pending;
    assert.equal(res.code, ResponseCode.SUCCESS);
    assert.equal(decodeMessages(res.body!)[0]!.body.toString(), 'wake up');
    assert.ok(answeredAt - sentAt < 100, `answered ${answeredAt - sentAt} ms after the send (held ${sentAt - started} ms)`);
  });

  test('a pull with nothing new is answered PULL_NOT_FOUND when its suspend timeout ends', async () => {
    const offset = await c.maxOffset(TOPIC, 5);
    const started = Date.now();
    const res = await c.pull('it_lp', TOPIC, 5, offset, { suspendMs: 1000 });
    const took = Date.now() - started;
    assert.equal(res.code, ResponseCode.PULL_NOT_FOUND);
    assert.ok(took >= 1000 && took < 5000, `took ${took} ms`);
  });

  test('a pull beyond the queue end is answered PULL_OFFSET_MOVED and leaves an OFFSET_MOVED_EVENT', async () => {
    const max = await c.maxOffset(TOPIC, 6);
    const res = await c.pull('it_moved', TOPIC, 6, max + 100);
    assert.equal(res.code, ResponseCode.PULL_OFFSET_MOVED);
    assert.equal(Number(res.extFields!.maxOffset), max);
    assert.ok(Number(res.extFields!.nextBeginOffset) <= max);
    assert.equal(res.extFields!.suggestWhichBrokerId, '0');
    const events = await waitFor('the offset-moved event', async () => {
      const r = await c.pull('it_moved_reader', 'OFFSET_MOVED_EVENT', 0, 0);
      return r.code === ResponseCode.SUCCESS ? decodeMessages(r.body!) : undefined;
    });
    const event = JSON.parse(events.at(-1)!.body.toString());
    assert.equal(event.consumerGroup, 'it_moved');
    assert.deepEqual(event.messageQueue, { brokerName: 'broker-it', queueId: 6, topic: TOPIC });
    assert.equal(event.offsetRequest, max + 100);
    assert.equal(events.at(-1)!.properties.TAGS, 'it_moved');
  });

  test('heartbeats register consumers, membership changes are pushed to members, unregistering removes them', async () => {
    const notices: string[] = [];
    const a = new RemotingClient({
      processors: new Map([[RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (req: RemotingCommand) => {
        notices.push(req.extFields!.consumerGroup!);
        return createResponse(req, ResponseCode.SUCCESS);
      }]]),
    });
    const b = new RemotingClient();
    try {
      await a.invoke(broker.address, createRequest(RequestCode.HEART_BEAT, undefined, { body: heartbeat('client-a', 'it_group', [TOPIC]) }));
      const list = async () => {
        const res = await c.call(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'it_group' });
        return res.code === ResponseCode.SUCCESS ? decodeConsumerListByGroup(res.body).consumerIdList.sort() : [];
      };
      assert.deepEqual(await list(), ['client-a']);
      await b.invoke(broker.address, createRequest(RequestCode.HEART_BEAT, undefined, { body: heartbeat('client-b', 'it_group', [TOPIC]) }));
      assert.deepEqual(await list(), ['client-a', 'client-b']);
      await waitFor('a notice to client-a', () => notices.length >= 1);
      const before = notices.length;
      const un = await b.invoke(broker.address, createRequest(RequestCode.UNREGISTER_CLIENT, { clientID: 'client-b', consumerGroup: 'it_group' }));
      assert.equal(un.code, ResponseCode.SUCCESS);
      assert.deepEqual(await list(), ['client-a']);
      await waitFor('a notice after client-b left', () => notices.length > before);
      assert.ok(notices.every((g) => g === 'it_group'));
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('offsets committed by UPDATE_CONSUMER_OFFSET and on pulls survive a SIGTERM restart, which unregisters the broker', async () => {
    await c.updateOffset('it_offsets', TOPIC, 0, 42);
    const pulled = await c.pull('it_offsets', TOPIC, 1, 0, { commitOffset: 17 });
    assert.equal(pulled.code, ResponseCode.SUCCESS);
    const q0 = await c.queryOffset('it_offsets', TOPIC, 0);
    assert.equal(q0.extFields!.offset, '42');
    assert.equal((await c.queryOffset('it_offsets', TOPIC, 1)).extFields!.offset, '17');
    const maxBefore = await c.maxOffset(TOPIC, 2);

    await c.close();
    assert.equal(await broker.stop(), 0);
    // SIGTERM unregisters from the nameserver (not just a dropped connection).
    await waitFor('UNREGISTER_BROKER at the nameserver', () => ns.logs.some((l) => l.includes('"event":"broker_removed"') && l.includes('"reason":"unregistered"')));
    broker = await spawnBroker({ namesrv: ns.address, dir: broker.dir, port: broker.port, props: { maxMessageSize: 65536 } });
    c = new TestClient(broker.address);

    assert.equal((await c.queryOffset('it_offsets', TOPIC, 0)).extFields!.offset, '42');
    assert.equal((await c.queryOffset('it_offsets', TOPIC, 1)).extFields!.offset, '17');
    assert.equal(await c.maxOffset(TOPIC, 2), maxBefore);
    const msgs = await c.pullAll('it_after_restart', TOPIC, 2, 0, 5);
    assert.equal(msgs.length >= 5, true);
  });

  test('an offset carried by a pull never overwrites a newer UPDATE_CONSUMER_OFFSET sent after it', async () => {
    for (let round = 0; round < 10; round++) {
      const pull = c.pull('it_commit_order', TOPIC, 3, 0, { commitOffset: 1 + round * 10 });
      const update = c.updateOffset('it_commit_order', TOPIC, 3, 5 + round * 10);
      await Promise.all([pull, update]);
      assert.equal((await c.queryOffset('it_commit_order', TOPIC, 3)).extFields!.offset, String(5 + round * 10), `round ${round}`);
    }
  });

  test('unknown request codes and bad headers get error answers naming the problem', async () => {
    const unknown = await c.call(9999);
    assert.equal(unknown.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    const bad = await c.call(RequestCode.PULL_MESSAGE, { topic: TOPIC });
    assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
    assert.match(bad.remark!, /consumerGroup/);
    const badNumber = await c.call(RequestCode.GET_MAX_OFFSET, { topic: TOPIC, queueId: 'x' });
    assert.match(badNumber.remark!, /queueId/);
  });

  test('sends to a read-only topic get NO_PERMISSION, oversized bodies MESSAGE_ILLEGAL, bad topic names INVALID_PARAMETER', async () => {
    await c.createTopic('ItReadOnly', 2, 4);
    assert.equal((await c.send('ItReadOnly', 'x', { queueId: 0 })).code, ResponseCode.NO_PERMISSION);
    const big = await c.send(TOPIC, Buffer.alloc(65537), { queueId: 0 });
    assert.equal(big.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.match(big.remark!, /65536B/);
    assert.equal((await c.send('bad topic!', 'x')).code, ResponseCode.INVALID_PARAMETER);
    assert.equal((await c.send('SCHEDULE_TOPIC_XXXX', 'x')).code, ResponseCode.NO_PERMISSION);
    // the handler remembers the last name it found valid: names after a valid one are still checked
    await c.createTopic('ItValidName', 1);
    for (const topic of ['bad topic!', 'SCHEDULE_TOPIC_XXXX']) {
      assert.equal((await c.send('ItValidName', 'x', { queueId: 0 })).code, ResponseCode.SUCCESS);
      assert.equal((await c.send(topic, 'x')).code, topic === 'bad topic!' ? ResponseCode.INVALID_PARAMETER : ResponseCode.NO_PERMISSION);
    }
  });

  test('a send to an unknown topic creates it from TBW102 and registers it with the nameserver', async () => {
    const res = await c.send('ItAutoCreated', 'x', { queueId: 0 });
    assert.equal(res.code, ResponseCode.SUCCESS);
    const admin = new TestClient(ns.address);
    try {
      const route = await waitFor('route of the auto-created topic', async () => {
        const r = await admin.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'ItAutoCreated' });
        return r.code === ResponseCode.SUCCESS ? JSON.parse(r.body!.toString('utf8')) : undefined;
      });
      assert.equal(route.queueDatas[0].writeQueueNums, 4);
    } finally {
      await admin.close();
    }
  });
});

// SQL92 subscriptions (MessageSelector.bySql) against real nameserver and broker processes: push, lite pull and
// POP consumers each receive exactly the matching messages out of 10,000 with mixed properties; a broker without
// enablePropertyFilter and a bad expression are refused as RocketMQ refuses them.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { PushConsumer } from '../push-consumer.ts';
import { LitePullConsumer } from '../lite-pull-consumer.ts';
import { SimpleConsumer } from '../simple-consumer.ts';
import { MessageSelector } from '../subscription.ts';
import { ResponseCodeError } from '../../remoting/errors.ts';
import { startCluster, waitFor, type TestCluster } from './harness.ts';
import { silentLogger } from './fake-cluster.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { encodeHeartbeatData } from '../../protocol/bodies/consumer.ts';
import { decodeQueryConsumeQueueResponseBody } from '../../protocol/bodies/consume-queue-data.ts';
import type { TestClient } from '../../broker/it/harness.ts';

setLogSink(() => {});

const N = 10_000;
const QUEUES = 4;
const FAST = { rebalanceInterval: 1000, pollNameServerInterval: 1000, heartbeatBrokerInterval: 1000, persistConsumerOffsetInterval: 500 };

type Props = Record<string, string>;

/** Deterministic mixed properties: regions (one missing), integer amounts with some decimals and non-numbers, vip flags. */
function propsOf(i: number): Props {
  let s = (i * 2654435761 + 12345) >>> 0;
  const next = (): number => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
  const p: Props = { UNIQ_KEY: `m-${i}`, WAIT: 'true' };
  const region = ['eu', 'us', 'asia', undefined][Math.floor(next() * 4)];
  if (region) p.region = region;
  const r = next();
  const amount = Math.floor(next() * 1000);
  p.amount = r < 0.05 ? 'n/a' : r < 0.1 ? `${amount}.5` : String(amount);
  const vip = ['true', 'false', 'TRUE', 'yes', undefined][Math.floor(next() * 5)];
  if (vip) p.vip = vip;
  return p;
}

// Each expression with an independent statement of what RocketMQ decides, its Java coercions included: a
// non-integer string compared with an integer throws (the message does not match, even where another part of an
// OR would), BOOLEAN = 'x' reads 'x' with Boolean.valueOf, a missing property makes a comparison unknown.
const isInt = (s: string | undefined): s is string => s !== undefined && /^[+-]?\d+$/.test(s);
const isTrue = (s: string | undefined): boolean => s !== undefined && s.toLowerCase() === 'true';
const CASES = {
  push: {
    sql: "region IN ('eu', 'us') AND amount BETWEEN 100 AND 499 AND vip = TRUE",
    match: (p: Props) => (p.region === 'eu' || p.region === 'us') && isInt(p.amount) && +p.amount >= 100 && +p.amount <= 499 && isTrue(p.vip),
  },
  pull: {
    sql: "amount >= 990 OR (region = 'us' AND vip = FALSE)",
    match: (p: Props) => isInt(p.amount) && (+p.amount >= 990 || (p.region === 'us' && p.vip !== undefined && !isTrue(p.vip))),
  },
  pop: {
    sql: "(region = 'asia' OR region IS NULL) AND amount > 900 AND vip IS NOT NULL",
    match: (p: Props) => (p.region === 'asia' || p.region === undefined) && isInt(p.amount) && +p.amount > 900 && p.vip !== undefined,
  },
};

function expected(match: (p: Props) => boolean): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < N; i++) if (match(propsOf(i))) out.add(`m-${i}`);
  return out;
}

async function produce(c: TestCluster, topic: string): Promise<void> {
  const admin = c.admins[0]!;
  for (let q = 0; q < QUEUES; q++) {
    const list: Array<{ body: Buffer; properties: Props }> = [];
    for (let i = q; i < N; i += QUEUES) list.push({ body: Buffer.from(`body-${i}`), properties: propsOf(i) });
    for (let i = 0; i < list.length; i += 250) {
      const res = await admin.sendBatch(topic, q, list.slice(i, i + 250));
      assert.equal(res.code, 0, `batch send: ${res.remark}`);
    }
  }
}

/** Every queue of `topic` has `group`'s committed offset at its max offset: every message was examined. */
async function allCommitted(c: TestCluster, group: string, topic: string): Promise<boolean> {
  for (let q = 0; q < QUEUES; q++) {
    const res = await c.admins[0]!.queryOffset(group, topic, q);
    if (res.code !== 0 || Number(res.extFields?.offset) !== (await c.admins[0]!.maxOffset(topic, q))) return false;
  }
  return true;
}

describe('SQL92 subscriptions against a broker with enablePropertyFilter=true', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster(1, { enablePropertyFilter: true, enableCalcFilterBitMap: true });
  });
  after(async () => {
    await c?.stop();
  });

  test('a push consumer with MessageSelector.bySql receives exactly the matching messages of 10,000 (sent after it subscribed)', async () => {
    const topic = 'SqlPush';
    const group = 'sql_push';
    await c.createTopic(topic, QUEUES);
    const want = expected(CASES.push.match);
    assert.ok(want.size > 100 && want.size < N / 2, `${want.size} matching`);
    const got: string[] = [];
    const pc = new PushConsumer({ group, namesrvAddr: c.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', logger: silentLogger, instanceName: 'sql-push', ...FAST });
    pc.subscribe(topic, MessageSelector.bySql(CASES.push.sql)).onMessage((m) => {
      got.push(m.properties.UNIQ_KEY!);
    });
    await pc.start();
    try {
      // sent after the subscription reached the broker: the consume queue's filter bits decide most of them
      await produce(c, topic);
      await waitFor(`${want.size} matching messages`, () => got.length >= want.size, 60_000);
      await waitFor('every queue consumed to its end', () => allCommitted(c, group, topic), 30_000);
    } finally {
      await pc.shutdown();
    }
    assert.equal(got.length, want.size, 'no message twice, none extra');
    assert.deepEqual(new Set(got), want);
  });

  test('a lite pull consumer with MessageSelector.bySql receives exactly the matching messages of 10,000', async () => {
    const topic = 'SqlPull';
    const group = 'sql_pull';
    await c.createTopic(topic, QUEUES);
    await produce(c, topic);
    const want = expected(CASES.pull.match);
    assert.ok(want.size > 100 && want.size < N / 2, `${want.size} matching`);
    const got: string[] = [];
    const lp = new LitePullConsumer({ group, namesrvAddr: c.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', logger: silentLogger, instanceName: 'sql-pull', ...FAST });
    lp.subscribe(topic, MessageSelector.bySql(CASES.pull.sql));
    await lp.start();
    try {
      await waitFor(`${want.size} matching messages`, async () => {
        for (const m of await lp.poll(500)) got.push(m.properties.UNIQ_KEY!);
        return got.length >= want.size;
      }, 60_000);
      // more polls find nothing: what is left is refused by the broker (a lite pull commits only what it polled,
      // so unlike the push test there is no committed offset at the queue's end to wait for)
      for (let i = 0; i < 3; i++) for (const m of await lp.poll(300)) got.push(m.properties.UNIQ_KEY!);
    } finally {
      await lp.shutdown();
    }
    assert.equal(got.length, want.size, 'no message twice, none extra');
    assert.deepEqual(new Set(got), want);
  });

  test('a SimpleConsumer (POP) with MessageSelector.bySql receives exactly the matching messages of 10,000', async () => {
    const topic = 'SqlPop';
    const group = 'sql_pop';
    await c.createTopic(topic, QUEUES);
    await produce(c, topic);
    const want = expected(CASES.pop.match);
    assert.ok(want.size > 50 && want.size < N / 2, `${want.size} matching`);
    const got: string[] = [];
    const sc = new SimpleConsumer({
      consumerGroup: group, namesrvAddr: c.namesrvAddr, subscriptions: { [topic]: MessageSelector.bySql(CASES.pop.sql) },
      awaitDuration: 1000, initMode: 'MIN', logger: silentLogger, instanceName: 'sql-pop',
    });
    await sc.start();
    try {
      await waitFor(`${want.size} matching messages`, async () => {
        const views = await sc.receive(32, 30_000);
        for (const v of views) got.push(v.properties.UNIQ_KEY!);
        if (views.length > 0) await sc.ackBatch(views);
        return got.length >= want.size;
      }, 60_000);
      // a few more rounds find nothing: every message left is one the expression refuses
      for (let i = 0; i < 3; i++) {
        const views = await sc.receive(32, 30_000);
        for (const v of views) got.push(v.properties.UNIQ_KEY!);
      }
    } finally {
      await sc.close();
    }
    assert.equal(got.length, want.size, 'no message twice, none extra');
    assert.deepEqual(new Set(got), want);
  });

  test('a push consumer whose expression does not compile fails start() with SUBSCRIPTION_PARSE_FAILED and the position', async () => {
    const topic = 'SqlBad';
    await c.createTopic(topic, 1);
    const pc = new PushConsumer({ group: 'sql_bad', namesrvAddr: c.namesrvAddr, logger: silentLogger, instanceName: 'sql-bad', ...FAST });
    pc.subscribe(topic, MessageSelector.bySql('a > AND b = 1')).onMessage(() => {});
    await assert.rejects(pc.start(), (err: Error) => {
      const cause = err.cause as ResponseCodeError;
      assert.ok(cause instanceof ResponseCodeError, String(err));
      assert.equal(cause.code, 23); // SUBSCRIPTION_PARSE_FAILED
      assert.match(cause.message, /line 1, column 5/);
      return true;
    });
  });

  test('a POP with an expression that does not compile is refused with SUBSCRIPTION_PARSE_FAILED', async () => {
    const topic = 'SqlBadPop';
    await c.createTopic(topic, 1);
    const sc = new SimpleConsumer({
      consumerGroup: 'sql_bad_pop', namesrvAddr: c.namesrvAddr, subscriptions: { [topic]: MessageSelector.bySql("a BETWEEN 10 AND 1") },
      awaitDuration: 500, logger: silentLogger, instanceName: 'sql-bad-pop',
    });
    await sc.start();
    try {
      await assert.rejects(sc.receive(1, 10_000), (err: Error) => err instanceof ResponseCodeError && err.code === 23);
    } finally {
      await sc.close();
    }
  });
});

/** PULL_MESSAGE with a SQL92 subscription; `inRequest` false: the broker takes the group's (heartbeat) subscription. */
function pullSql(admin: TestClient, group: string, topic: string, sql: string, inRequest: boolean, subVersion = 1) {
  return admin.call(RequestCode.PULL_MESSAGE, {
    consumerGroup: group, topic, queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: inRequest ? 4 : 0, commitOffset: 0,
    suspendTimeoutMillis: 0, subscription: inRequest ? sql : undefined, subVersion, expressionType: 'SQL92',
  });
}

/** HEART_BEAT of a push consumer of `group` subscribing `topic` with `sql`. */
function heartbeatSql(admin: TestClient, group: string, topic: string, sql: string, subVersion = 1) {
  return admin.ok(RequestCode.HEART_BEAT, undefined, encodeHeartbeatData({
    clientID: `hb-${group}`,
    producerDataSet: [],
    consumerDataSet: [{
      groupName: group, consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', unitMode: false,
      subscriptionDataSet: [{ topic, subString: sql, tagsSet: [], codeSet: [], subVersion, expressionType: 'SQL92', classFilterMode: false }],
    }],
  }));
}

describe('SQL92 pulls as RocketMQ answers them (raw requests)', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster(1, { enablePropertyFilter: true });
    await c.createTopic('SqlRaw', 1);
    await c.admins[0]!.sendBatch('SqlRaw', 0, [{ body: Buffer.from('x'), properties: { a: '1', WAIT: 'true' } }, { body: Buffer.from('y'), properties: { a: '2', WAIT: 'true' } }]);
  });
  after(async () => {
    await c?.stop();
  });

  test('a pull carrying its expression is filtered by it; a bad one is SUBSCRIPTION_PARSE_FAILED', async () => {
    const admin = c.admins[0]!;
    const good = await pullSql(admin, 'raw_g', 'SqlRaw', 'a = 2', true);
    assert.equal(good.code, ResponseCode.SUCCESS, good.remark);
    assert.equal(good.extFields?.nextBeginOffset, '2');
    const bad = await pullSql(admin, 'raw_g', 'SqlRaw', 'a = ', true);
    assert.equal(bad.code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  });

  test('a pull of a group whose heartbeat expression does not compile is FILTER_DATA_NOT_EXIST; after a good heartbeat it filters', async () => {
    const admin = c.admins[0]!;
    await heartbeatSql(admin, 'raw_hb', 'SqlRaw', 'a >', 5);
    const missing = await pullSql(admin, 'raw_hb', 'SqlRaw', '', false, 5);
    assert.equal(missing.code, ResponseCode.FILTER_DATA_NOT_EXIST, missing.remark);
    await heartbeatSql(admin, 'raw_hb', 'SqlRaw', 'a = 1', 6);
    const stale = await pullSql(admin, 'raw_hb', 'SqlRaw', '', false, 7);
    assert.equal(stale.code, ResponseCode.SUBSCRIPTION_NOT_LATEST, 'the group subscription is checked first');
    const ok = await pullSql(admin, 'raw_hb', 'SqlRaw', '', false, 6);
    assert.equal(ok.code, ResponseCode.SUCCESS, ok.remark);
    assert.equal(ok.extFields?.nextBeginOffset, '2');
    // mqadmin queryCq -g shows the group's filter data
    const cq = await admin.ok(RequestCode.QUERY_CONSUME_QUEUE, { topic: 'SqlRaw', queueId: 0, index: 0, count: 2, consumerGroup: 'raw_hb' });
    const body = decodeQueryConsumeQueueResponseBody(cq.body);
    assert.equal(body.subscriptionData?.expressionType, 'SQL92');
    assert.deepEqual(
      { ...JSON.parse(body.filterData!), bornTime: 0 },
      { bornTime: 0, clientVersion: 6, consumerGroup: 'raw_hb', deadTime: 0, expression: 'a = 1', expressionType: 'SQL92', topic: 'SqlRaw' },
    );
  });
});

describe('SQL92 subscriptions against a broker with enablePropertyFilter=false (the default)', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster(1);
  });
  after(async () => {
    await c?.stop();
  });

  test('a push consumer with MessageSelector.bySql fails start(): the broker does not support SQL92 (SYSTEM_ERROR)', async () => {
    const topic = 'SqlOff';
    await c.createTopic(topic, 1);
    const pc = new PushConsumer({ group: 'sql_off', namesrvAddr: c.namesrvAddr, logger: silentLogger, instanceName: 'sql-off', ...FAST });
    pc.subscribe(topic, MessageSelector.bySql("region = 'eu'")).onMessage(() => {});
    await assert.rejects(pc.start(), (err: Error) => {
      const cause = err.cause as ResponseCodeError;
      assert.ok(cause instanceof ResponseCodeError, String(err));
      assert.equal(cause.code, 1); // SYSTEM_ERROR
      assert.match(cause.message, /does not support consumer to filter message by SQL92/);
      return true;
    });
  });

  test('a pull with a SQL92 subscription is SYSTEM_ERROR; a POP is filtered all the same (as RocketMQ 5.x POP does)', async () => {
    const topic = 'SqlOffRaw';
    await c.createTopic(topic, 1);
    const admin = c.admins[0]!;
    await admin.sendBatch(topic, 0, [{ body: Buffer.from('x'), properties: { a: '1', WAIT: 'true' } }, { body: Buffer.from('y'), properties: { a: '2', WAIT: 'true' } }]);
    const pulled = await pullSql(admin, 'sql_off_pull', topic, 'a = 2', true);
    assert.equal(pulled.code, ResponseCode.SYSTEM_ERROR);
    assert.match(pulled.remark ?? '', /does not support consumer to filter message by SQL92/);
    const sc = new SimpleConsumer({
      consumerGroup: 'sql_off_pop', namesrvAddr: c.namesrvAddr, subscriptions: { [topic]: MessageSelector.bySql('a = 2') },
      awaitDuration: 500, initMode: 'MIN', logger: silentLogger, instanceName: 'sql-off-pop',
    });
    await sc.start();
    try {
      const got: string[] = [];
      await waitFor('the matching message', async () => {
        const views = await sc.receive(32, 30_000);
        got.push(...views.map((v) => v.body.toString()));
        return got.length > 0;
      }, 20_000);
      assert.deepEqual(got, ['y']);
    } finally {
      await sc.close();
    }
  });
});

// Replays request frames captured from Apache RocketMQ 4.9.8 against our nameserver and compares the answers
// with the captured responses field by field and byte for byte.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setLogSink } from '../../common/log.ts';
import { loadVector, readBodyText, VECTORS_DIR } from '../../protocol/fixtures/vectors.ts';
import { encodeFrame } from '../../remoting/codec.ts';
import { decodeResponse, RawConnection, registerRequest, startInProcess } from './harness.ts';

setLogSink(() => {});

const frameHex = (dir: string, which: 'request' | 'response'): Buffer =>
  Buffer.from(readFileSync(join(VECTORS_DIR, dir, `${which}.hex`), 'utf8').trim(), 'hex');

let srv: Awaited<ReturnType<typeof startInProcess>>;
// The capture's peers each had their own connection; a closed connection would unregister its broker.
let master: RawConnection;
let slave: RawConnection;
let client: RawConnection;

before(async () => {
  srv = await startInProcess();
  [master, slave, client] = await Promise.all([0, 1, 2].map(() => RawConnection.connect(srv.ctl.address)));
});

after(async () => {
  for (const c of [master, slave, client]) c?.close();
  await srv?.stop();
});

/** Sends the vector's request frame and checks the response against the captured one. */
async function replay(conn: RawConnection, dir: string): Promise<void> {
  const got = await conn.exchange(frameHex(dir, 'request'));
  const want = frameHex(dir, 'response');
  const g = decodeResponse(got);
  const w = decodeResponse(want);
  assert.equal(g.code, w.code, `${dir}: code`);
  assert.equal(g.flag, w.flag, `${dir}: flag`);
  assert.equal(g.opaque, w.opaque, `${dir}: opaque`);
  assert.equal(g.language, w.language, `${dir}: language`);
  assert.equal(g.version, w.version, `${dir}: version`);
  assert.equal(g.serializeType, w.serializeType, `${dir}: serializeType`);
  assert.equal(g.remark, w.remark, `${dir}: remark`);
  assert.deepEqual(g.extFields, w.extFields, `${dir}: extFields`);
  assert.equal(g.body?.toString('utf8'), w.body?.toString('utf8'), `${dir}: body`);
  // Same peers, same data: the whole frame comes out identical, header field order included.
  assert.equal(got.toString('hex'), want.toString('hex'), `${dir}: frame bytes`);
}

describe('captured 4.9.8 nameserver exchanges', () => {
  test('REGISTER_BROKER of the master answers with empty extFields', () => replay(master, '103-REGISTER_BROKER'));

  test('REGISTER_BROKER of the slave answers with the master address and HA address', () => replay(slave, '103-REGISTER_BROKER-slave'));

  test('a master re-registration with a new data version adds its topic', () => replay(master, '103-REGISTER_BROKER-master-after-updateTopic'));

  test('GET_ROUTEINFO_BY_TOPIC answers standard JSON to a 4.9.8 client', () => replay(client, '105-GET_ROUTEINFO_BY_TOPIC'));

  test('GET_ROUTEINFO_BY_TOPIC of an unknown topic answers TOPIC_NOT_EXIST with the FAQ remark', () =>
    replay(client, '105-GET_ROUTEINFO_BY_TOPIC-topic-not-exist'));

  test('GET_ROUTEINFO_BY_TOPIC with a ROCKETMQ binary header, found and not found', async () => {
    await replay(client, '105-GET_ROUTEINFO_BY_TOPIC-ROCKETMQ-success');
    await replay(client, '105-GET_ROUTEINFO_BY_TOPIC-ROCKETMQ');
  });

  test('GET_BROKER_CLUSTER_INFO answers fastjson with bare integer keys (JSON and ROCKETMQ headers)', async () => {
    await replay(client, '106-GET_BROKER_CLUSTER_INFO');
    await replay(client, '106-GET_BROKER_CLUSTER_INFO-ROCKETMQ');
  });

  test('GET_ALL_TOPIC_LIST_FROM_NAMESERVER lists topics in Java HashSet order', async () => {
    // The capture's master had also registered VecTopicV1 before this request; register it the same way.
    const v = loadVector('103-REGISTER_BROKER');
    const h = v.request.extFields!;
    const req = registerRequest({
      cluster: h.clusterName,
      brokerName: h.brokerName,
      brokerId: 0,
      brokerAddr: h.brokerAddr,
      haServerAddr: h.haServerAddr,
      topics: [{ topicName: 'VecTopicV1', queues: 4 }],
      dataVersion: { counter: 2, timestamp: 1795556230000 },
    });
    const res = decodeResponse(await master.exchange(encodeFrame({ ...req, opaque: 99 })));
    assert.equal(res.code, 0);
    await replay(client, '206-GET_ALL_TOPIC_LIST_FROM_NAMESERVER');
  });

  test('PUT_KV_CONFIG, DELETE_KV_CONFIG and DELETE_TOPIC_IN_NAMESRV answer as captured', async () => {
    await replay(client, '100-PUT_KV_CONFIG');
    await replay(client, '102-DELETE_KV_CONFIG');
    await replay(client, '216-DELETE_TOPIC_IN_NAMESRV');
  });

  test('GET_NAMESRV_CONFIG answers properties text with the captured keys', async () => {
    const dir = '319-GET_NAMESRV_CONFIG';
    const g = decodeResponse(await client.exchange(frameHex(dir, 'request')));
    const w = decodeResponse(frameHex(dir, 'response'));
    assert.equal(g.code, w.code);
    assert.equal(g.opaque, w.opaque);
    assert.deepEqual(g.extFields, w.extFields);
    const keys = (t: string) => new Set(t.split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf('='))));
    const ours = keys(g.body!.toString('utf8'));
    for (const k of keys(readBodyText(dir, 'response')!)) assert.ok(ours.has(k), `GET_NAMESRV_CONFIG lacks ${k}`);
  });

  test('after PUT_KV_CONFIG of an ORDER_TOPIC_CONFIG entry, REGISTER_BROKER answers carry the KV table', async () => {
    const v = loadVector('103-REGISTER_BROKER-master-after-updateTopic');
    const res = decodeResponse(await master.exchange(encodeFrame({ ...v.request, opaque: 100 })));
    assert.equal(res.code, 0);
    assert.equal(res.body?.toString('utf8'), '{"table":{"VecTopicOrder":"broker-a:2"}}');
  });
});

// Consumer offsets while a broker group's master is down, against the frames a real Apache RocketMQ 4.9.8 cluster
// sent in that state (fixtures/apache-master-down, see its README.md): the route lists only the slave, and the
// offset store reads and commits through it, as Java's RemoteBrokerOffsetStore does.

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { decodeFrameWithLength } from '../../remoting/codec.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import { ClientInstance } from '../client-instance.ts';
import { resolveClientConfig } from '../client-config.ts';
import { RemoteBrokerOffsetStore } from '../offset-store.ts';
import { FakeServer, silentLogger } from './fake-cluster.ts';

const FIXTURES = new URL('./fixtures/apache-master-down/', import.meta.url);
/** The topic and slave address the captured frames name. */
const TOPIC = 'SdkFailover_mwxsaspt';
const CAPTURED_SLAVE = '127.0.0.1:24201';

function captured(dir: string): RemotingCommand {
  return decodeFrameWithLength(Buffer.from(readFileSync(new URL(`${dir}/response.hex`, FIXTURES), 'utf8').trim(), 'hex'));
}

const servers: FakeServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A nameserver answering with the captured master-down route (slave address swapped for `slave`'s) and that slave. */
async function masterDownCluster() {
  const slave = await FakeServer.start();
  const ns = await FakeServer.start();
  servers.push(slave, ns);
  const route = captured('105-GET_ROUTEINFO_BY_TOPIC');
  const body = Buffer.from(route.body!.toString('utf8').replace(CAPTURED_SLAVE, slave.addr));
  assert.match(body.toString(), /"brokerAddrs":\{"1":/, 'the captured route lists the slave (brokerId 1) only');
  ns.on(RequestCode.GET_ROUTEINFO_BY_TOPIC, (req) => createResponse(req, ResponseCode.SUCCESS, undefined, undefined, body));
  let committed: string | undefined;
  slave.on(RequestCode.QUERY_CONSUMER_OFFSET, (req) =>
    committed === undefined
      ? { ...captured('14-QUERY_CONSUMER_OFFSET-slave-new-group'), opaque: req.opaque }
      : createResponse(req, ResponseCode.SUCCESS, undefined, { offset: committed }));
  slave.on(RequestCode.UPDATE_CONSUMER_OFFSET, (req) => {
    committed = req.extFields?.commitOffset;
    return { ...captured('15-UPDATE_CONSUMER_OFFSET-slave'), opaque: req.opaque };
  });
  const inst = ClientInstance.acquire(resolveClientConfig({ namesrvAddr: ns.addr, clientIP: '192.0.2.2', instanceName: `master-down-${servers.length}`, logger: silentLogger }));
  await inst.updateTopicRouteInfoFromNameServer(TOPIC);
  return { inst, slave };
}

describe('offsets while the master is down (Apache RocketMQ 4.9.8 frames)', () => {
  test('a consumer without a local offset reads it from the slave instead of failing', async () => {
    const { inst, slave } = await masterDownCluster();
    try {
      const store = new RemoteBrokerOffsetStore(inst, 'fresh_cg', silentLogger);
      const mq = { topic: TOPIC, brokerName: 'broker-a', queueId: 0 };
      assert.equal(await store.readOffset(mq, 'STORE'), 0, 'the slave answered offset 0 for a new group');
      const q = slave.received(RequestCode.QUERY_CONSUMER_OFFSET);
      assert.equal(q.length, 1);
      assert.deepEqual({ ...q[0]!.extFields }, { consumerGroup: 'fresh_cg', topic: TOPIC, queueId: '0', bname: 'broker-a' });
    } finally {
      await inst.release();
    }
  });

  test('offsets are committed to the slave, which answers them back', async () => {
    const { inst, slave } = await masterDownCluster();
    try {
      const store = new RemoteBrokerOffsetStore(inst, 'fresh_cg', silentLogger);
      const mq = { topic: TOPIC, brokerName: 'broker-a', queueId: 0 };
      store.updateOffset(mq, 3, false);
      await store.persist(mq, true);
      const u = slave.received(RequestCode.UPDATE_CONSUMER_OFFSET);
      assert.equal(u.length, 1);
      assert.equal(u[0]!.extFields?.commitOffset, '3');
      assert.equal(await store.readOffset(mq, 'STORE'), 3);
    } finally {
      await inst.release();
    }
  });
});

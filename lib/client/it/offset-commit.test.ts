// Offset commits against a broker that handles UPDATE_CONSUMER_OFFSET the way Apache RocketMQ 4.9.8's
// ConsumerOffsetManager.commitOffset does on its thread pool: read the group's table, create it when missing, put it
// back. Concurrent first commits then replace each other's tables (seen against a real 4.9.8 broker: a lite pull
// consumer's commitSync of 4 queues left 2 of them uncommitted).

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RequestCode } from '../../protocol/codes.ts';
import { decodeFrameWithLength } from '../../remoting/codec.ts';
import { ClientInstance } from '../client-instance.ts';
import { resolveClientConfig } from '../client-config.ts';
import { RemoteBrokerOffsetStore } from '../offset-store.ts';
import { FakeServer, fakeNamesrv, routeOf, silentLogger } from './fake-cluster.ts';

/** Apache 4.9.8's answer to UPDATE_CONSUMER_OFFSET (fixtures/apache-master-down/README.md). */
const UPDATE_OK = decodeFrameWithLength(Buffer.from(readFileSync(
  new URL('./fixtures/apache-master-down/15-UPDATE_CONSUMER_OFFSET-slave/response.hex', import.meta.url), 'utf8').trim(), 'hex'));

const servers: FakeServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A broker with Apache 4.9.8's unsynchronised "get table, create if missing, put" commit (the gap lets others in). */
async function apacheLikeBroker() {
  const broker = await FakeServer.start();
  const offsetTable = new Map<string, Map<number, number>>();
  broker.on(RequestCode.UPDATE_CONSUMER_OFFSET, async (req) => {
    const h = req.extFields!;
    const key = `${h.topic}@${h.consumerGroup}`;
    let map = offsetTable.get(key);
    if (!map) {
      map = new Map([[Number(h.queueId), Number(h.commitOffset)]]);
      await new Promise((r) => setTimeout(r, 5)); // another pool thread runs here
      offsetTable.set(key, map);
    } else {
      map.set(Number(h.queueId), Number(h.commitOffset));
    }
    return { ...UPDATE_OK, opaque: req.opaque };
  });
  const ns = await fakeNamesrv(new Map([['T', routeOf([{ brokerName: 'broker-a', addr: broker.addr }])]]));
  servers.push(broker, ns);
  return { ns, offsetTable };
}

describe('committing offsets to an Apache RocketMQ 4.9 broker', () => {
  test("a sync persistAll of a group's first offsets keeps every queue", async () => {
    const { ns, offsetTable } = await apacheLikeBroker();
    const inst = ClientInstance.acquire(resolveClientConfig({ namesrvAddr: ns.addr, clientIP: '192.0.2.2', instanceName: 'offset-commit-1', logger: silentLogger }));
    try {
      await inst.updateTopicRouteInfoFromNameServer('T');
      const store = new RemoteBrokerOffsetStore(inst, 'cg', silentLogger);
      const mqs = [0, 1, 2, 3].map((queueId) => ({ topic: 'T', brokerName: 'broker-a', queueId }));
      mqs.forEach((mq, i) => store.updateOffset(mq, 10 + i, false));
      await store.persistAll(mqs, true);
      assert.deepEqual([...(offsetTable.get('T@cg') ?? new Map()).entries()].sort(), [[0, 10], [1, 11], [2, 12], [3, 13]]);
    } finally {
      await inst.release();
    }
  });
});

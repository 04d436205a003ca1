// Master and slave message stores in this process, replicating over a real HA socket on 127.0.0.1: catch-up,
// byte-identical commit logs and queues, SYNC acks, resume after restart, reconnect after the master's HA port
// went away, an empty slave starting at the master's earliest retained file, and the lag figures.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../../common/log.ts';
import { decodeMessages } from '../../../protocol/message-codec.ts';
import { MessageStore } from '../../message-store.ts';
import { waitFor } from '../../../common/wait-for.ts';
import { inner, removeDir, smallConfig, tempStoreDir } from '../../store-test-util.ts';
import { HAClient } from '../ha-client.ts';
import { HAService } from '../ha-service.ts';
import { DEFAULT_HA_CONFIG, type HAConfig, type HAMasterStore } from '../types.ts';

setLogSink(() => {});

const FILE = 64 * 1024;
const HA: HAConfig = { ...DEFAULT_HA_CONFIG, haSendHeartbeatInterval: 200, haHousekeepingInterval: 2000, haTransferBatchSize: 8 * 1024 };

async function bytes(store: HAMasterStore, from: number, to: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let o = from; o < to;) {
    const b = await store.getCommitLogData(o, 64 * 1024);
    if (!b) throw new Error(`no data at ${o}`);
    parts.push(b);
    o += b.length;
  }
  return Buffer.concat(parts);
}

async function bodies(store: MessageStore, topic: string, queueId: number): Promise<string[]> {
  const out: string[] = [];
  for (let o = store.getMinOffsetInQueue(topic, queueId); o < store.getMaxOffsetInQueue(topic, queueId);) {
    const r = await store.getMessage('g', topic, queueId, o, 32);
    if (r.buffers.length === 0) break;
    for (const m of decodeMessages(Buffer.concat(r.buffers))) out.push(m.body.toString('utf8'));
    o = r.nextBeginOffset;
  }
  return out;
}

const put = (s: MessageStore, n: number, tag: string, size = 300) =>
  Promise.all(Array.from({ length: n }, (_, i) => s.putMessage(inner('HaTopic', `${tag}-${i}`.padEnd(size, '.'), { queueId: i % 4, keys: `${tag}-${i}` }))));

describe('HA replication between two stores', () => {
  const dirs: string[] = [];
  let master: MessageStore;
  let service: HAService;
  let slaveDir: string;
  let slave: MessageStore | undefined;
  let client: HAClient | undefined;

  const openSlave = async () => {
    slave = await MessageStore.open(smallConfig(slaveDir, { brokerRole: 'SLAVE' }));
    client = new HAClient(slave, { config: HA, mappedFileSizeCommitLog: FILE, reconnectMinMs: 50, reconnectMaxMs: 400 });
    client.updateMasterAddress(`127.0.0.1:${service.port}`);
    client.start();
  };
  const closeSlave = async () => {
    await client?.shutdown();
    await slave?.shutdown();
    client = undefined;
    slave = undefined;
  };

  before(async () => {
    const mdir = tempStoreDir();
    slaveDir = tempStoreDir();
    dirs.push(mdir, slaveDir);
    master = await MessageStore.open(smallConfig(mdir));
    service = new HAService(master, { host: '127.0.0.1', port: 0, config: HA });
    await service.start();
  });

  after(async () => {
    await closeSlave();
    await service?.shutdown();
    await master?.shutdown();
    for (const d of dirs) removeDir(d);
  });

  test('an empty slave catches up: byte-identical commit log, same queues and index', async () => {
    await put(master, 1500, 'a');
    await openSlave();
    await waitFor('slave caught up', () => slave!.getMaxPhyOffset() === master.getMaxPhyOffset(), 10_000);
    assert.ok(master.getMaxPhyOffset() > 5 * FILE, 'several commit log files');
    assert.deepEqual(await bytes(slave!, 0, slave!.getMaxPhyOffset()), await bytes(master, 0, master.getMaxPhyOffset()));
    for (let q = 0; q < 4; q++) assert.deepEqual(await bodies(slave!, 'HaTopic', q), await bodies(master, 'HaTopic', q));
    assert.equal((await slave!.queryMessage('HaTopic', 'a-777', 4, 0, Date.now() + 1000)).buffers.length, 1);
    await waitFor('master sees the ack', () => service.runtimeInfo().connections[0]?.diff === 0, 5000);
    const info = service.runtimeInfo();
    assert.equal(info.connections.length, 1);
    assert.equal(info.slaveFallBehindMuch, 0);
    assert.equal(info.inSyncSlaveNums, 1);
    assert.equal(info.connections[0]!.lagMs, 0);
    assert.equal(client!.runtimeInfo().connected, true);
    assert.equal(client!.runtimeInfo().localAddr, info.connections[0]!.addr);
  });

  test('a SYNC wait resolves once the slave has the message; without a slave it cannot be OK', async () => {
    const results = await put(master, 200, 'sync');
    const end = Math.max(...results.map((r) => r.appendResult!.wroteOffset + r.appendResult!.wroteBytes));
    assert.equal(service.isSlaveOK(end), true);
    assert.equal(await service.waitForSlaveAck(end, 5000), true);
    assert.ok(slave!.getMaxPhyOffset() >= end);
    await closeSlave();
    await waitFor('master notices the slave left', () => service.connectionCount === 0, 5000);
    const [r] = await put(master, 1, 'nobody');
    const e = r!.appendResult!.wroteOffset + r!.appendResult!.wroteBytes;
    assert.equal(service.isSlaveOK(e), false);
    assert.equal(await service.waitForSlaveAck(e, 100), false);
  });

  test('a restarted slave resumes where it was; the lag goes up while it is away and back to 0', async () => {
    await put(master, 800, 'b');
    const away = service.runtimeInfo();
    assert.ok(away.slaveFallBehindMuch > 200_000, `behind ${away.slaveFallBehindMuch}`);
    assert.ok(away.slaveFallBehindMs > 0);
    await openSlave();
    await waitFor('slave resumed', () => slave!.getMaxPhyOffset() === master.getMaxPhyOffset(), 10_000);
    await waitFor('lag back to 0', () => service.runtimeInfo().slaveFallBehindMuch === 0, 5000);
    assert.deepEqual(await bytes(slave!, 0, slave!.getMaxPhyOffset()), await bytes(master, 0, master.getMaxPhyOffset()));
    assert.equal(client!.runtimeInfo().connects, 1);
  });

  test('when the master HA port goes away the slave reconnects with back-off and continues', async () => {
    const port = service.port;
    await service.shutdown();
    await waitFor('slave sees the master go', () => !client!.runtimeInfo().connected, 5000);
    await put(master, 300, 'c');
    service = new HAService(master, { host: '127.0.0.1', port, config: HA });
    await service.start();
    await waitFor('slave reconnected and caught up', () => slave!.getMaxPhyOffset() === master.getMaxPhyOffset(), 10_000);
    assert.ok(client!.runtimeInfo().connects >= 2);
    for (let q = 0; q < 4; q++) assert.deepEqual(await bodies(slave!, 'HaTopic', q), await bodies(master, 'HaTopic', q));
  });

  test("an empty slave starts at the master's earliest retained file", async () => {
    // A view of the master whose first three files were deleted by retention.
    const first = 3 * FILE;
    const trimmed: HAMasterStore = {
      getMinPhyOffset: () => first,
      getMaxPhyOffset: () => master.getMaxPhyOffset(),
      getCommitLogData: (o, n) => (o < first ? Promise.resolve(null) : master.getCommitLogData(o, n)),
    };
    const svc = new HAService(trimmed, { host: '127.0.0.1', port: 0, config: HA });
    await svc.start();
    const dir = tempStoreDir();
    dirs.push(dir);
    const s = await MessageStore.open(smallConfig(dir, { brokerRole: 'SLAVE' }));
    const c = new HAClient(s, { config: HA, mappedFileSizeCommitLog: FILE, reconnectMinMs: 50 });
    c.updateMasterAddress(`127.0.0.1:${svc.port}`);
    c.start();
    try {
      await waitFor('trimmed slave caught up', () => s.getMaxPhyOffset() === master.getMaxPhyOffset(), 10_000);
      assert.equal(s.getMinPhyOffset(), first);
      assert.deepEqual(await bytes(s, first, s.getMaxPhyOffset()), await bytes(master, first, master.getMaxPhyOffset()));
      for (let q = 0; q < 4; q++) {
        const minQ = s.getMinOffsetInQueue('HaTopic', q);
        assert.ok(minQ > 0, 'queues start where the retained data starts');
        assert.equal(s.getMaxOffsetInQueue('HaTopic', q), master.getMaxOffsetInQueue('HaTopic', q));
        const all = await bodies(master, 'HaTopic', q);
        assert.deepEqual(await bodies(s, 'HaTopic', q), all.slice(minQ));
      }
    } finally {
      await c.shutdown();
      await s.shutdown();
      await svc.shutdown();
    }
  });
});

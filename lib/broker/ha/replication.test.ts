// A broker's replication role in this process: ha* keys, the WAIT flag, and what a SYNC_MASTER answers with a
// slave that acknowledges, one that hangs, and none (handleHA), next to an ASYNC_MASTER.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createLogger, setLogSink } from '../../common/log.ts';
import { applyBrokerProperties, defaultBrokerConfig, type BrokerConfig } from '../config/broker-config.ts';
import { RemotingClient } from '../../remoting/client.ts';
import type { BrokerRole } from '../../store/config.ts';
import { encodeReport } from '../../store/ha/codec.ts';
import { HAClient } from '../../store/ha/ha-client.ts';
import { MessageStore } from '../../store/message-store.ts';
import type { MessageStoreConfig } from '../../store/config.ts';
import { defaultStoreIo, resetStoreIo, storeIo } from '../../store/io.ts';
import { StoreAdapter } from '../store-adapter.ts';
import { waitFor } from '../../common/wait-for.ts';
import { inner, removeDir, smallConfig, tempStoreDir } from '../../store/store-test-util.ts';
import { haConfigOf } from './config.ts';
import { batchWaitStoreMsgOK, BrokerReplication, waitStoreMsgOK } from './replication.ts';
import { masterRuntimeEntries } from './runtime-info.ts';

setLogSink(() => {});

const props = (base: BrokerConfig, kv: Record<string, string>): BrokerConfig =>
  applyBrokerProperties(base, Object.entries(kv).map(([key, value], i) => ({ key, value, line: i + 1 })));

test('ha* keys come from broker.conf with RocketMQ defaults; a too-short haMasterAddress is ignored', () => {
  const base = defaultBrokerConfig({});
  assert.deepEqual(haConfigOf(base), {
    haSendHeartbeatInterval: 5000, haHousekeepingInterval: 20_000, haTransferBatchSize: 32768, haSlaveFallbehindMax: 268435456, haMasterAddress: undefined,
  });
  const c = props(base, { haSendHeartbeatInterval: '1000', haTransferBatchSize: '65536', haMasterAddress: '10.0.0.1:10912' });
  assert.equal(haConfigOf(c).haSendHeartbeatInterval, 1000);
  assert.equal(haConfigOf(c).haTransferBatchSize, 65536);
  assert.equal(haConfigOf(c).haMasterAddress, '10.0.0.1:10912');
  assert.equal(haConfigOf(props(base, { haMasterAddress: 'a:1' })).haMasterAddress, undefined);
});

test('the WAIT flag of a message and of a batch', () => {
  assert.equal(waitStoreMsgOK(inner('T', 'x')), true);
  assert.equal(waitStoreMsgOK(inner('T', 'x', { wait: false })), false);
  const batch = { topic: 'T', queueId: 0, body: Buffer.alloc(0), sysFlag: 0, bornTimestamp: 0, bornHost: { address: '127.0.0.1', port: 1 }, storeHost: { address: '127.0.0.1', port: 2 } };
  assert.equal(batchWaitStoreMsgOK({ ...batch, propertiesString: 'WAIT\u0001true\u0002CLUSTER\u0001c' }), true);
  assert.equal(batchWaitStoreMsgOK({ ...batch, propertiesString: 'CLUSTER\u0001c\u0002WAIT\u0001false' }), false);
  assert.equal(batchWaitStoreMsgOK(batch), true);
});

describe('handleHA', () => {
  const dirs: string[] = [];
  const client = new RemotingClient();
  after(async () => {
    await client.close();
    for (const d of dirs) removeDir(d);
  });

  async function master(role: BrokerRole, store0: Partial<MessageStoreConfig> = {}) {
    const dir = tempStoreDir();
    dirs.push(dir);
    const timeout = store0.syncFlushTimeout ?? 300;
    const cfg = props({ ...defaultBrokerConfig({}), listenPort: 0, bindAddress: '127.0.0.1', brokerIP2: '127.0.0.1' }, { brokerRole: role, syncFlushTimeout: String(timeout) });
    const store = await MessageStore.open(smallConfig(dir, { brokerRole: role, ...store0, syncFlushTimeout: timeout }));
    const rep = new BrokerReplication({
      config: () => cfg, store, client, topics: undefined as never, groups: undefined as never, offsets: undefined as never,
      schedule: undefined as never, delayOffsetFile: '', brokerAddr: () => '127.0.0.1:10911', log: createLogger('test'),
    });
    await rep.start();
    return { store, rep, cfg, async close() { await rep.shutdown(); await store.shutdown(); } };
  }

  test('SYNC_MASTER without a slave: SLAVE_NOT_AVAILABLE, the message still stored', async () => {
    const m = await master('SYNC_MASTER');
    try {
      const r = await m.store.putMessage(inner('T', 'x'));
      const out = await m.rep.afterPut(r, inner('T', 'x'));
      assert.equal(out.status, 'SLAVE_NOT_AVAILABLE');
      assert.deepEqual(out.appendResult, r.appendResult);
      assert.equal((await m.rep.afterPut(r, inner('T', 'x', { wait: false }))).status, 'PUT_OK', 'no wait asked, no wait done');
      const refused = { status: 'MESSAGE_ILLEGAL' as const };
      assert.equal((await m.rep.afterPut(refused, inner('T', 'x'))).status, 'MESSAGE_ILLEGAL');
      assert.match(m.rep.haServerAddr(), /^127\.0\.0\.1:\d+$/);
      assert.notEqual(m.rep.haServerAddr(), '127.0.0.1:0');
    } finally {
      await m.close();
    }
  });

  test('SYNC_MASTER with a slave: PUT_OK once it has the message; FLUSH_SLAVE_TIMEOUT when it hangs', async () => {
    const m = await master('SYNC_MASTER');
    const sdir = tempStoreDir();
    dirs.push(sdir);
    const slaveStore = await MessageStore.open(smallConfig(sdir, { brokerRole: 'SLAVE' }));
    const ha = new HAClient(slaveStore, { config: m.rep.ha, mappedFileSizeCommitLog: 64 * 1024 });
    try {
      ha.updateMasterAddress(m.rep.haServerAddr());
      ha.start();
      const connected = async (): Promise<boolean> => {
        const info = JSON.parse(new Map(await m.rep.runtimeInfo()).get('haConnectionInfo')!) as Array<{ slaveAckOffset: number }>;
        return info.length === 1 && info[0]!.slaveAckOffset >= 0;
      };
      await waitFor('slave connected', connected, 5000);
      const first = await m.store.putMessage(inner('T', 'first'));
      const end = first.appendResult!.wroteOffset + first.appendResult!.wroteBytes;
      assert.equal((await m.rep.afterPut(first, inner('T', 'first'))).status, 'PUT_OK');
      assert.ok(slaveStore.getMaxPhyOffset() >= end, 'the slave has it when the answer comes');
      await ha.shutdown();
      await waitFor('slave gone', async () => !(await connected()), 5000);

      // A slave that reports once and then says nothing: connected, not behind, never acknowledging.
      const silent = net.connect(Number(m.rep.haServerAddr().split(':')[1]), '127.0.0.1');
      await new Promise((r) => silent.once('connect', r));
      silent.write(encodeReport(slaveStore.getMaxPhyOffset()));
      try {
        await waitFor('silent slave reported', connected, 5000);
        const r = await m.store.putMessage(inner('T', 'second'));
        assert.equal((await m.rep.afterPut(r, inner('T', 'second'))).status, 'FLUSH_SLAVE_TIMEOUT');
      } finally {
        silent.destroy();
      }
    } finally {
      await ha.shutdown();
      await slaveStore.shutdown();
      await m.close();
    }
  });

  /** A SYNC_MASTER + SYNC_FLUSH master (its flush is an fdatasync, which the test can hold) with a slave in this process. */
  async function syncPair(syncFlushTimeout: number) {
    const m = await master('SYNC_MASTER', { flushDiskType: 'SYNC_FLUSH', flushIntervalCommitLog: 3600_000, syncFlushTimeout });
    const sdir = tempStoreDir();
    dirs.push(sdir);
    const slaveStore = await MessageStore.open(smallConfig(sdir, { brokerRole: 'SLAVE', flushDiskType: 'SYNC_FLUSH' }));
    const ha = new HAClient(slaveStore, { config: m.rep.ha, mappedFileSizeCommitLog: 64 * 1024 });
    ha.updateMasterAddress(m.rep.haServerAddr());
    ha.start();
    await waitFor('slave connected', () => m.rep.haStatus().master && (m.rep.haStatus() as { haConnectionInfo: unknown[] }).haConnectionInfo.length === 1, 5000);
    // The broker's path: the store's answer (after the flush), then replication's, timed from the append.
    const adapter = new StoreAdapter(m.store, { afterPut: (r, msg, at) => m.rep.afterPut(r, msg, at) });
    let release: () => void = () => {};
    const hold = () => {
      const stalled = new Promise<void>((r) => (release = r));
      storeIo.fdatasync = async (fd) => {
        await stalled;
        await defaultStoreIo.fdatasync(fd);
      };
    };
    return {
      m, slaveStore, adapter, hold, release: () => release(),
      async close() {
        release();
        resetStoreIo();
        await ha.shutdown();
        await slaveStore.shutdown();
        await m.close();
      },
    };
  }

  test('SYNC_MASTER + SYNC_FLUSH: the slave gets the message during the flush, and the answer waits for both', async () => {
    const p = await syncPair(5000);
    try {
      await waitFor('first put', async () => (await p.adapter.putMessage(inner('T', 'warm'))).status === 'PUT_OK', 5000);
      p.hold();
      let answered = false;
      const put = p.adapter.putMessage(inner('T', 'both')).then((r) => {
        answered = true;
        return r;
      });
      // The master ships what it wrote before its flush ends; the slave acknowledges without waiting for its own.
      const before = p.m.store.getMaxPhyOffset();
      await waitFor('master wrote it', () => p.m.store.getMaxPhyOffset() > before, 5000);
      const end = p.m.store.getMaxPhyOffset();
      await waitFor('slave has it', () => p.slaveStore.getMaxPhyOffset() >= end, 5000);
      await waitFor('master heard the ack', () => (p.m.rep.haStatus() as { haConnectionInfo: Array<{ slaveAckOffset: number }> }).haConnectionInfo[0]!.slaveAckOffset >= end, 5000);
      assert.equal(answered, false, 'no answer while the master flush is held');
      assert.ok(p.m.store.getFlushedPhyOffset() < end);
      p.release();
      const r = await put;
      assert.equal(r.status, 'PUT_OK');
      assert.ok(p.m.store.getFlushedPhyOffset() >= end, 'answered once flushed');
    } finally {
      await p.close();
    }
  });

  test('SYNC_MASTER + SYNC_FLUSH: a late flush alone answers FLUSH_DISK_TIMEOUT; with a silent slave FLUSH_SLAVE_TIMEOUT, within one syncFlushTimeout', async () => {
    const p = await syncPair(1000);
    try {
      await waitFor('first put', async () => (await p.adapter.putMessage(inner('T', 'warm'))).status === 'PUT_OK', 5000);
      p.hold();
      const r = await p.adapter.putMessage(inner('T', 'late flush'));
      assert.equal(r.status, 'FLUSH_DISK_TIMEOUT', 'the slave had it: the flush status stands');
      assert.ok(r.appendResult);
    } finally {
      await p.close();
    }
    // Flush held and a slave that never acknowledges: both wait from the append, replication's status wins.
    const m = await master('SYNC_MASTER', { flushDiskType: 'SYNC_FLUSH', flushIntervalCommitLog: 3600_000, syncFlushTimeout: 1000 });
    const silent = net.connect(Number(m.rep.haServerAddr().split(':')[1]), '127.0.0.1');
    try {
      await new Promise((r) => silent.once('connect', r));
      silent.write(encodeReport(m.store.getMaxPhyOffset()));
      await waitFor('silent slave reported', () => (m.rep.haStatus() as { haConnectionInfo: Array<{ slaveAckOffset: number }> }).haConnectionInfo[0]?.slaveAckOffset === m.store.getMaxPhyOffset(), 5000);
      const adapter = new StoreAdapter(m.store, { afterPut: (r, msg, at) => m.rep.afterPut(r, msg, at) });
      let release!: () => void;
      const stalled = new Promise<void>((r) => (release = r));
      storeIo.fdatasync = async (fd) => {
        await stalled;
        await defaultStoreIo.fdatasync(fd);
      };
      const t0 = Date.now();
      const r = await adapter.putMessage(inner('T', 'both late'));
      const took = Date.now() - t0;
      release();
      assert.equal(r.status, 'FLUSH_SLAVE_TIMEOUT');
      // Waiting for the slave only after the flush gave up would take two timeouts (2000 ms).
      assert.ok(took < 1800, `answered after ${took} ms`);
    } finally {
      resetStoreIo();
      silent.destroy();
      await m.close();
    }
  });

  test('ASYNC_MASTER answers at once; its runtime keys report the lag', async () => {
    const m = await master('ASYNC_MASTER');
    try {
      const r = await m.store.putMessage(inner('T', 'x'));
      assert.equal((await m.rep.afterPut(r, inner('T', 'x'))).status, 'PUT_OK');
      const keys = new Map(await m.rep.runtimeInfo());
      assert.equal(keys.get('brokerRole'), 'ASYNC_MASTER');
      assert.equal(keys.get('haConnectionCount'), '0');
      assert.equal(keys.get('slaveFallBehindMuch'), String(m.store.getMaxPhyOffset()));
      assert.equal(keys.get('haConnectionInfo'), '[]');
      assert.equal(m.rep.haStatus().master, true);
    } finally {
      await m.close();
    }
  });
});

test('master runtime keys list one JSON entry per slave', () => {
  const keys = new Map(masterRuntimeEntries('SYNC_MASTER', '127.0.0.1:10912', {
    listenPort: 10912, masterCommitLogMaxOffset: 1000, push2SlaveMaxOffset: 900, slaveFallBehindMuch: 100, slaveFallBehindMs: 12, inSyncSlaveNums: 1,
    connections: [{ addr: '127.0.0.1:5555', slaveAckOffset: 900, diff: 100, inSync: true, transferredByteInSecond: 7, transferFromWhere: 1000, lagMs: 12, lastReadTimestamp: 1, lastWriteTimestamp: 2, connectedTimestamp: 3 }],
  }));
  assert.equal(keys.get('haLagBytes'), '100');
  assert.equal(keys.get('haLagMs'), '12');
  assert.deepEqual(JSON.parse(keys.get('haConnectionInfo')!)[0], {
    addr: '127.0.0.1:5555', slaveAckOffset: 900, diff: 100, lagMs: 12, inSync: true, transferredByteInSecond: 7, transferFromWhere: 1000, lastReadTimestamp: 1, connectedTimestamp: 3,
  });
});

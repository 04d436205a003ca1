// A nameserver, an ASYNC_MASTER and its slave as processes (the slave given its master's HA address by
// haMasterAddress, its master's broker address by the nameserver): sends are answered at once and the slave converges; a slave stopped while the master took 100 MB
// catches up after its restart, with the lag figures going up and back to 0.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { ResponseCode } from '../../protocol/codes.ts';
import { spawnNamesrv, waitFor, type BrokerProcess, type NamesrvProcess } from './harness.ts';
import { commitLogBytes, freePort, runtimeInfo, runtimeNumber, spawnMaster, spawnSlave, TestClient, type PairOptions } from './ha-harness.ts';

setLogSink(() => {});

const TOPIC = 'HaAsyncTopic';
const FILE = 8 * 1024 * 1024;
const MiB = 1024 * 1024;

/** Sends `count` messages of `size` bytes, `concurrency` in flight; every answer must be SUCCESS. */
async function sendMany(c: TestClient, count: number, size: number, concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      const body = Buffer.alloc(size, 0x61);
      body.write(String(i).padStart(8, '0'));
      const res = await c.send(TOPIC, body, { queueId: i % 4 });
      if (res.code !== ResponseCode.SUCCESS) throw new Error(`send ${i} answered ${res.code} ${res.remark}`);
    }
  }));
}

describe('ASYNC_MASTER with a slave', () => {
  let ns: NamesrvProcess;
  let master: BrokerProcess;
  let slave: BrokerProcess;
  let m: TestClient;
  let s: TestClient;
  let opts: PairOptions;

  before(async () => {
    ns = await spawnNamesrv();
    const haPort = await freePort();
    opts = {
      namesrv: ns.address,
      masterRole: 'ASYNC_MASTER',
      props: { mappedFileSizeCommitLog: FILE, haSendHeartbeatInterval: 1000 },
      masterProps: { listenPort: await freePort(), haListenPort: haPort },
      slaveProps: { haMasterAddress: `127.0.0.1:${haPort}` },
    };
    master = await spawnMaster(opts);
    m = new TestClient(master.address);
    await m.createTopic(TOPIC, 4);
    slave = await spawnSlave(opts);
    s = new TestClient(slave.address);
    await waitFor('the slave connected', async () => (await runtimeNumber(m, 'haConnectionCount')) === 1, 20_000);
  });

  after(async () => {
    await m?.close();
    await s?.close();
    await slave?.destroy();
    await master?.destroy();
    await ns?.stop();
  });

  test('sends are answered once stored on the master; the slave converges to the same bytes', async () => {
    await sendMany(m, 5000, 512, 32);
    const masterMax = await runtimeNumber(m, 'commitLogMaxOffset');
    await waitFor('slave converged', async () => (await runtimeNumber(s, 'commitLogMaxOffset')) === masterMax, 20_000);
    assert.ok(commitLogBytes(slave.storeDir, FILE, 0, masterMax).equals(commitLogBytes(master.storeDir, FILE, 0, masterMax)));
    await waitFor('lag 0 on both sides', async () => (await runtimeNumber(m, 'haLagBytes')) === 0, 10_000);
    const si = await runtimeInfo(s);
    assert.equal(si.get('haConnected'), 'true');
    assert.equal(si.get('haMasterAddress'), `127.0.0.1:${opts.masterProps!.haListenPort}`);
  });

  test('a slave stopped while the master took 100 MB catches up after its restart; the lag goes up and back to 0', async () => {
    const before = await runtimeNumber(m, 'commitLogMaxOffset');
    await slave.stop();
    await waitFor('the master noticed', async () => (await runtimeNumber(m, 'haConnectionCount')) === 0, 10_000);
    await sendMany(m, 1600, 64 * 1024, 16);
    const masterMax = await runtimeNumber(m, 'commitLogMaxOffset');
    assert.ok(masterMax - before >= 100 * MiB, `master took ${masterMax - before} bytes`);
    const away = await runtimeInfo(m);
    assert.ok(Number(away.get('slaveFallBehindMuch')) >= 100 * MiB, `lag while away: ${away.get('slaveFallBehindMuch')} bytes`);
    assert.equal(away.get('haLagBytes'), away.get('slaveFallBehindMuch'));
    assert.ok(Number(away.get('haLagMs')) > 0, 'lag in time while away');

    slave = await spawnSlave(opts, slave.dir);
    await s.close();
    s = new TestClient(slave.address);
    // Sampled while it catches up: the figure only goes down.
    const seen: number[] = [];
    await waitFor('slave caught up', async () => {
      seen.push(await runtimeNumber(m, 'haLagBytes'));
      return (await runtimeNumber(s, 'commitLogMaxOffset')) === masterMax;
    }, 60_000, 100);
    await waitFor('lag back to 0', async () => (await runtimeNumber(m, 'haLagBytes')) === 0 && (await runtimeNumber(m, 'haLagMs')) === 0, 10_000);
    assert.ok(seen.every((v, i) => i === 0 || v <= seen[i - 1]!), `lag only went down: ${seen.join(',')}`);
    const si = await runtimeInfo(s);
    assert.deepEqual([si.get('haLagBytes'), si.get('haLagMs'), si.get('haMasterCommitLogMaxOffset')], ['0', '0', String(masterMax)], 'the slave reports the same');
    const conns = JSON.parse((await runtimeInfo(m)).get('haConnectionInfo')!) as Array<{ diff: number; lagMs: number; slaveAckOffset: number }>;
    assert.deepEqual(conns.map((c) => [c.diff, c.lagMs, c.slaveAckOffset]), [[0, 0, masterMax]]);
    assert.ok(commitLogBytes(slave.storeDir, FILE, before, masterMax).equals(commitLogBytes(master.storeDir, FILE, before, masterMax)), 'the 100 MB are byte-identical');
    const q = await m.maxOffset(TOPIC, 3);
    assert.equal(await s.maxOffset(TOPIC, 3), q);
    const [last] = await s.pullAll('reader', TOPIC, 3, q - 1, q);
    assert.equal(last!.body.subarray(0, 8).toString(), '00001599');
  });
});

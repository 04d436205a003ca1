// Helpers for the replication integration tests: a master and its slave as `rocketdeck broker` processes sharing a
// brokerName, runtime info as a map, free ports, and the commit log bytes of a store read from disk.

import { closeSync, openSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RequestCode } from '../../protocol/codes.ts';
import { decodeKVTable } from '../../protocol/bodies/route.ts';
import { spawnBroker, TestClient, type BrokerProcess } from './harness.ts';

export interface PairOptions {
  namesrv: string;
  masterRole: 'SYNC_MASTER' | 'ASYNC_MASTER';
  brokerName?: string;
  /** Extra broker.conf keys for both brokers. */
  props?: Record<string, string | number | boolean>;
  masterProps?: Record<string, string | number | boolean>;
  slaveProps?: Record<string, string | number | boolean>;
}

export const pairProps = (o: PairOptions) => ({
  master: { brokerName: o.brokerName ?? 'broker-ha', brokerId: 0, brokerRole: o.masterRole, ...o.props, ...o.masterProps },
  slave: { brokerName: o.brokerName ?? 'broker-ha', brokerId: 1, brokerRole: 'SLAVE', ...o.props, ...o.slaveProps },
});

export function spawnMaster(o: PairOptions, dir?: string): Promise<BrokerProcess> {
  return spawnBroker({ namesrv: o.namesrv, dir, port: Number(o.masterProps?.listenPort ?? 0), props: pairProps(o).master });
}

export function spawnSlave(o: PairOptions, dir?: string): Promise<BrokerProcess> {
  return spawnBroker({ namesrv: o.namesrv, dir, port: Number(o.slaveProps?.listenPort ?? 0), props: pairProps(o).slave });
}

/** GET_BROKER_RUNTIME_INFO as a map. */
export async function runtimeInfo(c: TestClient): Promise<Map<string, string>> {
  const res = await c.ok(RequestCode.GET_BROKER_RUNTIME_INFO);
  return decodeKVTable(res.body).table;
}

export async function runtimeNumber(c: TestClient, key: string): Promise<number> {
  const v = (await runtimeInfo(c)).get(key);
  if (v === undefined) throw new Error(`runtime info has no ${key}`);
  return Number(v);
}

export { freePort } from '../../common/free-port.ts';

/** Commit log bytes [from, to) of a store directory, read from its segment files. */
export function commitLogBytes(storeDir: string, fileSize: number, from: number, to: number): Buffer {
  const dir = join(storeDir, 'commitlog');
  const files = new Set(readdirSync(dir));
  const out = Buffer.alloc(to - from);
  for (let at = from; at < to;) {
    const start = at - (at % fileSize);
    const name = String(start).padStart(20, '0');
    if (!files.has(name)) throw new Error(`no commit log file ${name} in ${dir}`);
    const fd = openSync(join(dir, name), 'r');
    try {
      const n = Math.min(to - at, start + fileSize - at);
      let done = 0;
      while (done < n) {
        const r = readSync(fd, out, at - from + done, n - done, at - start + done);
        if (r === 0) throw new Error(`short read in ${name}`);
        done += r;
      }
      at += n;
    } finally {
      closeSync(fd);
    }
  }
  return out;
}

/** Commit log offset inside an offset message id (the last 16 hex digits). */
export const offsetOfMsgId = (msgId: string): number => parseInt(msgId.slice(-16), 16);

export { TestClient };

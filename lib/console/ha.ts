// Master/slave replication health read from the keys of a broker's runtime info (AdminClient.brokersRuntimeInfo).

/** One slave connection as its master reports it (haConnectionInfo). `addr` is the slave's HA socket address. */
export interface HaSlaveConnection {
  addr: string;
  slaveAckOffset: number;
  /** Bytes the slave has not acknowledged yet. */
  diff: number;
  /** Age of the oldest byte the slave has not acknowledged; 0 when in sync. */
  lagMs: number;
  inSync: boolean;
}

/** Replication as one broker reports it. Fields are absent when the broker does not report them (real RocketMQ). */
export interface BrokerHa {
  brokerRole?: string;
  commitLogMaxOffset?: number;
  /** On a master. */
  master?: {
    connectionCount: number;
    inSyncSlaveNums?: number;
    lagBytes?: number;
    lagMs?: number;
    connections?: HaSlaveConnection[];
  };
  /** On a slave: whether its HA client is connected to the master, and how far behind the master measures it. */
  slave?: {
    masterAddress?: string;
    connected: boolean;
    /** null when the master could not be asked. */
    lagBytes: number | null;
    lagMs: number | null;
  };
}

const num = (v: string | undefined): number | undefined => {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v.trim().split(/\s+/)[0]);
  return Number.isFinite(n) ? n : undefined;
};

function connections(text: string | undefined): HaSlaveConnection[] | undefined {
  if (!text) return undefined;
  try {
    const arr: unknown = JSON.parse(text);
    if (!Array.isArray(arr)) return undefined;
    return arr.map((c: Record<string, unknown>) => ({
      addr: String(c.addr ?? ''),
      slaveAckOffset: Number(c.slaveAckOffset ?? 0),
      diff: Number(c.diff ?? 0),
      lagMs: Number(c.lagMs ?? 0),
      inSync: c.inSync === true || c.inSync === 'true',
    }));
  } catch {
    return undefined;
  }
}

/** Reads the HA keys out of runtime info; a master without haConnectionCount (real RocketMQ) has no `master` part. */
export function parseHa(kv: Record<string, string>): BrokerHa {
  const out: BrokerHa = {};
  if (kv.brokerRole) out.brokerRole = kv.brokerRole;
  const maxOffset = num(kv.commitLogMaxOffset);
  if (maxOffset !== undefined) out.commitLogMaxOffset = maxOffset;
  const count = num(kv.haConnectionCount);
  if (count !== undefined) {
    out.master = { connectionCount: count };
    const inSync = num(kv.haInSyncSlaveNums);
    if (inSync !== undefined) out.master.inSyncSlaveNums = inSync;
    const lagBytes = num(kv.haLagBytes ?? kv.slaveFallBehindMuch);
    if (lagBytes !== undefined) out.master.lagBytes = lagBytes;
    const lagMs = num(kv.haLagMs);
    if (lagMs !== undefined) out.master.lagMs = lagMs;
    const conns = connections(kv.haConnectionInfo);
    if (conns) out.master.connections = conns;
  }
  if (kv.haConnected !== undefined) {
    const lagBytes = num(kv.haLagBytes);
    const lagMs = num(kv.haLagMs);
    out.slave = {
      connected: kv.haConnected === 'true',
      lagBytes: lagBytes === undefined || lagBytes < 0 ? null : lagBytes,
      lagMs: lagMs === undefined || lagMs < 0 ? null : lagMs,
    };
    if (kv.haMasterAddress) out.slave.masterAddress = kv.haMasterAddress;
  }
  return out;
}

/** Below this a slave counts as caught up (bytes of commit log). */
export const SLAVE_BEHIND_BYTES = 1024 * 1024;

export interface SlaveBehind {
  brokerName: string;
  brokerAddr: string;
  behindBytes: number;
  lagMs: number | null;
  /** false when the slave's HA client is not connected to its master. */
  connected: boolean | null;
}

interface BrokerRef {
  brokerName: string;
  brokerAddr: string;
  brokerId: number;
}

/**
 * Slaves more than SLAVE_BEHIND_BYTES behind or disconnected from their master. A slave's own HA keys are used when
 * it reports them; otherwise the commit log max offsets of master and slave are compared (Apache RocketMQ brokers).
 */
export function slavesBehind(brokers: readonly BrokerRef[], ha: ReadonlyMap<string, BrokerHa>): SlaveBehind[] {
  const out: SlaveBehind[] = [];
  for (const s of brokers.filter((b) => b.brokerId !== 0)) {
    const h = ha.get(s.brokerAddr);
    if (!h) continue;
    if (h.slave) {
      const behind = h.slave.lagBytes ?? 0;
      if (!h.slave.connected || behind > SLAVE_BEHIND_BYTES) {
        out.push({ brokerName: s.brokerName, brokerAddr: s.brokerAddr, behindBytes: behind, lagMs: h.slave.lagMs, connected: h.slave.connected });
      }
      continue;
    }
    const master = brokers.find((b) => b.brokerName === s.brokerName && b.brokerId === 0);
    const m = master && ha.get(master.brokerAddr)?.commitLogMaxOffset;
    const sl = h.commitLogMaxOffset;
    if (m !== undefined && sl !== undefined && m - sl > SLAVE_BEHIND_BYTES) {
      out.push({ brokerName: s.brokerName, brokerAddr: s.brokerAddr, behindBytes: m - sl, lagMs: null, connected: null });
    }
  }
  return out;
}

/**
 * Broker groups whose master has no live slave: the master reports no HA connection (when it reports HA keys),
 * or no slave of the group answers at all.
 */
export function mastersWithoutLiveSlave(brokers: readonly BrokerRef[], alive: ReadonlySet<string>, ha: ReadonlyMap<string, BrokerHa>): string[] {
  const out = new Set<string>();
  for (const m of brokers.filter((b) => b.brokerId === 0)) {
    const slaveAnswers = brokers.some((b) => b.brokerName === m.brokerName && b.brokerId !== 0 && alive.has(b.brokerAddr));
    const reported = ha.get(m.brokerAddr)?.master;
    const connected = reported ? reported.connectionCount > 0 : true;
    if (!slaveAnswers || !connected) out.add(m.brokerName);
  }
  return [...out].sort();
}

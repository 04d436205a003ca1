// The demo cluster's layout: 2 nameservers, broker-a (SYNC_MASTER + slave), broker-b (ASYNC_MASTER + slave), ports and configs.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBrokerConfig } from '../broker/config/broker-config.ts';
import type { NodeSpec } from './supervisor.ts';

export const DEFAULT_BASE_PORT = 9876;
export const DEFAULT_CONSOLE_PORT = 3000;
export const CLUSTER_NAME = 'DefaultCluster';
/** RocketMQ's default broker listenPort (10911) sits 1035 above its default nameserver port (9876); we keep that spacing. */
const BROKER_PORT_OFFSET = 1035;
const GRPC_PORT_OFFSET = DEFAULT_BASE_PORT - 8081;

export interface BrokerNode {
  name: string;
  brokerName: string;
  brokerId: number;
  brokerRole: 'SYNC_MASTER' | 'ASYNC_MASTER' | 'SLAVE';
  flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH';
  listenPort: number;
  haListenPort: number;
  storePathRootDir: string;
  confFile: string;
  /** The gRPC endpoint for 5.x clients served by this broker process (local proxy mode), when set. */
  grpcListenPort?: number;
}

export interface Topology {
  dir: string;
  host: string;
  namesrvPorts: number[];
  namesrvAddr: string;
  brokers: BrokerNode[];
  consolePort?: number;
  /** Extra broker.conf keys for every broker (access control of `up --acl`). */
  brokerProps?: Record<string, string | number | boolean>;
  /** host:port of the gRPC endpoint (in broker-a's master). */
  grpcAddr: string;
}

export interface TopologyOptions {
  dir: string;
  basePort?: number;
  consolePort?: number;
  withConsole?: boolean;
  host?: string;
}

export function planTopology(opts: TopologyOptions): Topology {
  const base = opts.basePort ?? DEFAULT_BASE_PORT;
  const host = opts.host ?? '127.0.0.1';
  const namesrvPorts = [base, base + 1];
  const groups: Array<{ brokerName: string; masterRole: 'SYNC_MASTER' | 'ASYNC_MASTER' }> = [
    { brokerName: 'broker-a', masterRole: 'SYNC_MASTER' },
    { brokerName: 'broker-b', masterRole: 'ASYNC_MASTER' },
  ];
  const brokers: BrokerNode[] = [];
  // 5.x proxies listen on 8081, 1795 below RocketMQ's default nameserver port; keep that spacing from the base port.
  const grpcListenPort = base > GRPC_PORT_OFFSET ? base - GRPC_PORT_OFFSET : base + 2;
  groups.forEach((g, gi) => {
    for (const brokerId of [0, 1]) {
      const listenPort = base + BROKER_PORT_OFFSET + 20 * gi + 10 * brokerId;
      const name = `${g.brokerName}-${brokerId === 0 ? 'master' : 'slave'}`;
      brokers.push({
        name,
        brokerName: g.brokerName,
        brokerId,
        brokerRole: brokerId === 0 ? g.masterRole : 'SLAVE',
        flushDiskType: 'ASYNC_FLUSH',
        listenPort,
        haListenPort: listenPort + 1,
        storePathRootDir: join(opts.dir, 'data', name),
        confFile: join(opts.dir, 'conf', `${name}.conf`),
        ...(gi === 0 && brokerId === 0 ? { grpcListenPort } : {}),
      });
    }
  });
  return {
    dir: opts.dir,
    host,
    namesrvPorts,
    namesrvAddr: namesrvPorts.map((p) => `${host}:${p}`).join(';'),
    brokers,
    grpcAddr: `${host}:${grpcListenPort}`,
    consolePort: opts.withConsole === false ? undefined : (opts.consolePort ?? DEFAULT_CONSOLE_PORT),
  };
}

/** The console's SQLite database (users, audit log, metric history) of a local cluster. */
export const consoleDbPath = (t: Topology) => join(t.dir, 'console.db');

/** broker.conf text in RocketMQ's property names. */
export function brokerConf(t: Topology, b: BrokerNode): string {
  const props: Record<string, string | number | boolean> = {
    brokerClusterName: CLUSTER_NAME,
    brokerName: b.brokerName,
    brokerId: b.brokerId,
    namesrvAddr: t.namesrvAddr,
    brokerIP1: t.host,
    listenPort: b.listenPort,
    haListenPort: b.haListenPort,
    storePathRootDir: b.storePathRootDir,
    brokerRole: b.brokerRole,
    flushDiskType: b.flushDiskType,
    autoCreateTopicEnable: true,
    defaultTopicQueueNums: 4,
    fileReservedTime: 48,
    deleteWhen: '04',
    ...t.brokerProps,
    ...(b.grpcListenPort !== undefined ? { enableGrpcEndpoint: true, grpcListenPort: b.grpcListenPort } : {}),
  };
  return ['# Written by rocketdeck up', ...Object.entries(props).map(([k, v]) => `${k}=${v}`)].join('\n') + '\n';
}

/** Writes broker.conf files and returns the node specs, in start order. */
export function materialize(t: Topology): NodeSpec[] {
  mkdirSync(join(t.dir, 'conf'), { recursive: true });
  const specs: NodeSpec[] = t.namesrvPorts.map((port, i) => ({
    name: `namesrv-${i + 1}`,
    role: 'namesrv',
    args: ['namesrv', '--host', t.host, '--port', String(port), '--data-dir', join(t.dir, 'data', `namesrv-${i + 1}`)],
    readyPort: port,
    host: t.host,
  }));
  for (const b of t.brokers) {
    mkdirSync(b.storePathRootDir, { recursive: true });
    // Access-control keys carry secrets: the file is for its owner only.
    writeFileSync(b.confFile, brokerConf(t, b), { mode: 0o600 });
    // The broker's own config model reads the file now: a bad key or value fails here, named, not in a child.
    loadBrokerConfig({ file: b.confFile });
    specs.push({
      name: b.name, role: 'broker', args: ['broker', '-c', b.confFile], readyPort: b.listenPort, host: t.host,
      ...(b.grpcListenPort !== undefined ? { alsoReadyPorts: [b.grpcListenPort] } : {}),
    });
  }
  if (t.consolePort !== undefined) {
    specs.push({
      name: 'console',
      role: 'console',
      args: ['console', '--port', String(t.consolePort), '--host', t.host, '--namesrv', t.namesrvAddr],
      readyPort: t.consolePort,
      host: t.host,
      env: { ROCKETDECK_CONSOLE_DB: consoleDbPath(t) },
      // The first start may build the console.
      readyTimeoutSec: 240,
    });
  }
  return specs;
}

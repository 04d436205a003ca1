// Shared bits of the broker's unit tests: a silent logger, stand-in connections, temp dirs and a base config.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultBrokerConfig, type BrokerConfig } from './config/broker-config.ts';
import type { Logger } from '../common/log.ts';
import type { RemotingCommand } from '../remoting/command.ts';
import type { RemotingConnection } from '../remoting/connection.ts';

export const silentLog: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLog,
};

export interface FakeConnection extends RemotingConnection {
  oneways: RemotingCommand[];
  closedReason?: string;
}

/** Enough of a RemotingConnection for the managers: an address, a closed flag, close() and invokeOneway(). */
export function fakeConnection(remoteAddr: string): FakeConnection {
  const conn = {
    id: `${remoteAddr}#fake`,
    remoteAddr,
    closed: false,
    oneways: [] as RemotingCommand[],
    closedReason: undefined as string | undefined,
    close(reason: string) {
      conn.closed = true;
      conn.closedReason = reason;
    },
    invokeOneway(req: RemotingCommand) {
      conn.oneways.push(req);
      return Promise.resolve();
    },
  };
  return conn as unknown as FakeConnection;
}

/** Runs `fn` with a fresh temp dir and removes it afterwards (after the promise settles for async `fn`). */
export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rd-broker-unit-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  let result: T;
  try {
    result = fn(dir);
  } catch (err) {
    cleanup();
    throw err;
  }
  if (result instanceof Promise) return result.finally(cleanup) as T;
  cleanup();
  return result;
}

export function testConfig(overrides: Partial<BrokerConfig> = {}): BrokerConfig {
  return { ...defaultBrokerConfig({}), brokerName: 'broker-u', brokerClusterName: 'UnitCluster', ...overrides };
}

// Helpers shared by the store's tests: temp store directories, small configs, broker-like inner messages.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageConst } from '../protocol/message-const.ts';
import type { MessageProperties } from '../protocol/message-properties.ts';
import type { MessageStoreConfig } from './config.ts';
import type { MessageExtBrokerInner } from './types.ts';

export function tempStoreDir(prefix = 'rd-store-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Small files so tests cross file boundaries quickly. */
export function smallConfig(root: string, overrides: Partial<MessageStoreConfig> = {}): Partial<MessageStoreConfig> {
  return {
    storePathRootDir: root,
    mappedFileSizeCommitLog: 64 * 1024,
    mappedFileSizeConsumeQueue: 100 * 20,
    maxHashSlotNum: 1000,
    maxIndexNum: 4000,
    flushIntervalCommitLog: 50,
    flushIntervalConsumeQueue: 100,
    writeBufferSize: 32 * 1024,
    cleanResourceInterval: 3600_000,
    maxMessageSize: 16 * 1024,
    ...overrides,
  };
}

export interface InnerOptions {
  tags?: string;
  keys?: string;
  uniqKey?: string;
  properties?: MessageProperties;
  queueId?: number;
  sysFlag?: number;
  wait?: boolean;
}

export function inner(topic: string, body: Buffer | string, opts: InnerOptions = {}): MessageExtBrokerInner {
  const properties: MessageProperties = {};
  if (opts.tags) properties[MessageConst.PROPERTY_TAGS] = opts.tags;
  if (opts.keys) properties[MessageConst.PROPERTY_KEYS] = opts.keys;
  if (opts.uniqKey) properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] = opts.uniqKey;
  if (opts.wait === false) properties[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] = 'false';
  Object.assign(properties, opts.properties);
  return {
    topic,
    flag: 0,
    properties,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    queueId: opts.queueId ?? 0,
    sysFlag: opts.sysFlag ?? 0,
    bornTimestamp: Date.now(),
    bornHost: { address: '127.0.0.1', port: 50000 },
    storeHost: { address: '127.0.0.1', port: 10911 },
  };
}


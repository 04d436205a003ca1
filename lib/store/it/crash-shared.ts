// Store settings and message shape shared by the crash test and its child process.

import type { MessageStoreConfig } from '../config.ts';
import type { MessageExtBrokerInner } from '../types.ts';

export const CRASH_TOPIC = 'CrashTopic';

export function crashStoreConfig(dir: string): Partial<MessageStoreConfig> {
  return {
    storePathRootDir: dir,
    flushDiskType: 'SYNC_FLUSH',
    // Small files: a run crosses several commit log and consume queue files.
    mappedFileSizeCommitLog: 512 * 1024,
    mappedFileSizeConsumeQueue: 500 * 20,
    maxHashSlotNum: 4096,
    maxIndexNum: 16384,
    maxMessageSize: 64 * 1024,
    flushIntervalConsumeQueue: 200,
    writeBufferSize: 128 * 1024,
  };
}

/** The body starts with the id, so a stored record names its message. */
export function crashMessage(id: string, queueId: number, size: number): MessageExtBrokerInner {
  return {
    topic: CRASH_TOPIC,
    flag: 0,
    properties: { UNIQ_KEY: id, TAGS: `q${queueId}` },
    body: Buffer.from(`${id}|`.padEnd(size, 'd')),
    queueId,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: { address: '127.0.0.1', port: 40000 },
    storeHost: { address: '127.0.0.1', port: 10911 },
  };
}

// Test harness for broker integration tests: `rocketdeck broker` as a child process next to a real nameserver,
// and a small typed client for the requests the tests make (send, pull, offsets, admin).

import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { encodeBatchMessages } from '../../protocol/message-batch.ts';
import { decodeMessages, type DecodeMessageOptions } from '../../protocol/message-codec.ts';
import { messageProperties2String, type MessageProperties } from '../../protocol/message-properties.ts';
import type { MessageExt } from '../../protocol/message.ts';
import { RemotingClient } from '../../remoting/client.ts';
import { createRequest, type HeaderInput, type RemotingCommand } from '../../remoting/command.ts';
import { removeDir, spawnUntilReady, tempDir } from '../../namesrv/it/harness.ts';

export { spawnNamesrv, waitFor, tempDir, removeDir, type NamesrvProcess } from '../../namesrv/it/harness.ts';

export interface BrokerProcess {
  address: string;
  port: number;
  child: ChildProcess;
  /** Directory holding broker.conf and the store. */
  dir: string;
  storeDir: string;
  /** stderr lines so far (JSON log records). */
  logs: string[];
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code; keeps the directory. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Stops the broker and removes its directory. */
  destroy(): Promise<void>;
}

export interface SpawnBrokerOptions {
  namesrv: string;
  /** Reuse a directory (restart); a new temp dir otherwise. */
  dir?: string;
  /** 0 = any free port. */
  port?: number;
  props?: Record<string, string | number | boolean>;
  /** Node options before the CLI (e.g. --cpu-prof: NODE_OPTIONS refuses it). */
  nodeArgs?: string[];
}

/** Writes broker.conf and runs `rocketdeck broker -c broker.conf`; resolves once the ready line is printed. */
export async function spawnBroker(opts: SpawnBrokerOptions): Promise<BrokerProcess> {
  const dir = opts.dir ?? tempDir('broker');
  const storeDir = join(dir, 'store');
  const props: Record<string, string | number | boolean> = {
    brokerClusterName: 'ItCluster',
    brokerName: 'broker-it',
    brokerId: 0,
    namesrvAddr: opts.namesrv,
    brokerIP1: '127.0.0.1',
    brokerIP2: '127.0.0.1',
    bindAddress: '127.0.0.1',
    listenPort: opts.port ?? 0,
    // Any free HA port: a restart on a fixed listenPort must not depend on listenPort + 1 being free.
    haListenPort: 0,
    storePathRootDir: storeDir,
    // Small segment files keep the test's disk footprint low.
    mappedFileSizeCommitLog: 64 * 1024 * 1024,
    mappedFileSizeConsumeQueue: 300000 * 20,
    ...opts.props,
  };
  const conf = join(dir, 'broker.conf');
  writeFileSync(conf, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const { child, logs, exited, address } = await spawnUntilReady(['broker', '-c', conf], 'broker', opts.nodeArgs);
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    address,
    port: Number(address.slice(address.lastIndexOf(':') + 1)),
    child,
    dir,
    storeDir,
    logs,
    stop,
    async destroy() {
      await stop();
      removeDir(dir);
    },
  };
}

export interface SendOptions {
  queueId?: number;
  tags?: string;
  keys?: string;
  properties?: MessageProperties;
  producerGroup?: string;
  /** SEND_MESSAGE (V1 header) instead of SEND_MESSAGE_V2. */
  v1?: boolean;
  reconsumeTimes?: number;
  delayLevel?: number;
}

/** Request helpers over one RemotingClient. */
export class TestClient {
  readonly remoting: RemotingClient;

  constructor(readonly addr: string, remoting = new RemotingClient({ defaultTimeoutMs: 10_000 })) {
    this.remoting = remoting;
  }

  call(code: number, header?: HeaderInput, body?: Buffer, timeoutMs = 10_000): Promise<RemotingCommand> {
    return this.remoting.invoke(this.addr, createRequest(code, header, { body }), timeoutMs);
  }

  async ok(code: number, header?: HeaderInput, body?: Buffer): Promise<RemotingCommand> {
    const res = await this.call(code, header, body);
    if (res.code !== ResponseCode.SUCCESS) throw new Error(`request ${code} answered ${res.code}: ${res.remark}`);
    return res;
  }

  createTopic(topic: string, queues: number, perm = 6): Promise<RemotingCommand> {
    return this.ok(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic, defaultTopic: 'TBW102', readQueueNums: queues, writeQueueNums: queues, perm, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false,
    });
  }

  send(topic: string, body: Buffer | string, o: SendOptions = {}): Promise<RemotingCommand> {
    const props: MessageProperties = { ...(o.properties ?? {}) };
    if (o.keys) props.KEYS = o.keys;
    if (o.tags) props.TAGS = o.tags;
    if (o.delayLevel) props.DELAY = String(o.delayLevel);
    props.WAIT = 'true';
    const v1 = {
      producerGroup: o.producerGroup ?? 'it_producer', topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: o.queueId ?? -1,
      sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: messageProperties2String(props), reconsumeTimes: o.reconsumeTimes ?? 0,
      unitMode: false, batch: false,
    };
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    if (o.v1) return this.call(RequestCode.SEND_MESSAGE, v1, b);
    const v2 = { a: v1.producerGroup, b: topic, c: 'TBW102', d: 4, e: v1.queueId, f: 0, g: v1.bornTimestamp, h: 0, i: v1.properties, j: v1.reconsumeTimes, k: false, m: false };
    return this.call(RequestCode.SEND_MESSAGE_V2, v2, b);
  }

  sendBatch(topic: string, queueId: number, messages: Array<{ body: Buffer; properties: MessageProperties }>): Promise<RemotingCommand> {
    const body = encodeBatchMessages(messages.map((m) => ({ flag: 0, body: m.body, properties: m.properties })));
    return this.call(RequestCode.SEND_BATCH_MESSAGE, {
      a: 'it_producer', b: topic, c: 'TBW102', d: 4, e: queueId, f: 0, g: Date.now(), h: 0, i: 'WAIT\u0001true', j: 0, k: false, m: true,
    }, body);
  }

  pull(group: string, topic: string, queueId: number, queueOffset: number, o: { max?: number; suspendMs?: number; subscription?: string; commitOffset?: number; timeoutMs?: number } = {}): Promise<RemotingCommand> {
    const sysFlag = (o.commitOffset !== undefined ? 1 : 0) | (o.suspendMs ? 2 : 0) | 4;
    return this.call(RequestCode.PULL_MESSAGE, {
      consumerGroup: group, topic, queueId, queueOffset, maxMsgNums: o.max ?? 32, sysFlag, commitOffset: o.commitOffset ?? 0,
      suspendTimeoutMillis: o.suspendMs ?? 0, subscription: o.subscription ?? '*', subVersion: Date.now(), expressionType: 'TAG',
    }, undefined, o.timeoutMs ?? 10_000 + (o.suspendMs ?? 0));
  }

  async maxOffset(topic: string, queueId: number): Promise<number> {
    return Number((await this.ok(RequestCode.GET_MAX_OFFSET, { topic, queueId })).extFields!.offset);
  }

  async queryOffset(group: string, topic: string, queueId: number): Promise<RemotingCommand> {
    return this.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId });
  }

  updateOffset(group: string, topic: string, queueId: number, commitOffset: number): Promise<RemotingCommand> {
    return this.ok(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId, commitOffset });
  }

  /** Pulls a queue from `from` until `until` (exclusive), decoding every message. */
  async pullAll(group: string, topic: string, queueId: number, from: number, until: number, opts: DecodeMessageOptions = {}): Promise<MessageExt[]> {
    const out: MessageExt[] = [];
    let offset = from;
    while (offset < until) {
      const res = await this.pull(group, topic, queueId, offset);
      if (res.code !== ResponseCode.SUCCESS) throw new Error(`pull ${topic}/${queueId}@${offset} answered ${res.code} ${res.remark}`);
      const msgs = decodeMessages(res.body!, opts);
      out.push(...msgs);
      offset = Number(res.extFields!.nextBeginOffset);
    }
    return out;
  }

  close(): Promise<void> {
    return this.remoting.close();
  }
}

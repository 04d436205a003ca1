// The gRPC clients the endpoint knows (by x-mq-client-id): their settings, telemetry stream, and the groups and
// topics registered on the brokers on their behalf (consumer groups as CONSUME_POP, producers by topic as 5.x does).
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { MessageConst } from '../protocol/message-const.ts';
import type { MessageExt } from '../protocol/message.ts';
import { CheckTransactionStateRequestHeader } from '../protocol/headers/message.ts';
import { decodeHeader } from '../protocol/headers/spec.ts';
import { createResponse, LANGUAGE_CODES, type RemotingCommand } from '../remoting/command.ts';
import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { encodeConsumerRunningInfo } from '../protocol/bodies/running-info.ts';
import { MQVersion, mqVersionOrdinal } from '../protocol/constants.ts';
import type { RemoteClientData } from '../protocol/bodies/consumer.ts';
import type { RemotingConnection } from '../remoting/connection.ts';
import type { Logger } from '../common/log.ts';
import type { RemotingBackend } from './backend.ts';
import { encodeTransactionId, toV2Message } from './convert.ts';

export type ClientType = 'PRODUCER' | 'PUSH_CONSUMER' | 'SIMPLE_CONSUMER' | 'PULL_CONSUMER' | 'LITE_PUSH_CONSUMER';
export const CLIENT_TYPES: ReadonlySet<string> = new Set(['PRODUCER', 'PUSH_CONSUMER', 'SIMPLE_CONSUMER', 'PULL_CONSUMER', 'LITE_PUSH_CONSUMER']);

/** A decoded apache.rocketmq.v2.Settings (the parts read here). */
export interface V2Settings {
  clientType?: string;
  accessPoint?: unknown;
  backoffPolicy?: { maxAttempts?: number; exponentialBackoff?: unknown; customizedBackoff?: unknown; strategy?: string } | null;
  requestTimeout?: { seconds: number; nanos: number } | null;
  publishing?: { topics?: Array<{ name: string }>; maxBodySize?: number; validateMessageType?: boolean } | null;
  subscription?: { group?: { name: string } | null; subscriptions?: Array<{ topic?: { name: string } | null; expression?: { type?: string; expression?: string } | null }>; fifo?: boolean | null; receiveBatchSize?: number | null; longPollingTimeout?: unknown } | null;
  userAgent?: { language?: string; version?: string; platform?: string; hostname?: string } | null;
  pubSub?: string;
}

export type TelemetryStream = grpc.ServerDuplexStream<Record<string, unknown>, Record<string, unknown>>;

export interface GrpcClient {
  clientId: string;
  language: string;
  version: string;
  remoteAddr: string;
  clientType?: string;
  settings?: V2Settings;
  telemetry?: TelemetryStream;
  lastSeen: number;
  firstSeen: number;
  /** Topics the client sent to (its settings list only those known at start-up); check-backs for them may go to it. */
  sentTopics: Set<string>;
}

export class ClientRegistry {
  private readonly clients = new Map<string, GrpcClient>();
  private readonly consumerGroups = new Map<string, Map<string, string>>();
  private readonly producerTopics = new Set<string>();

  private readonly sweeper: NodeJS.Timeout;

  /** `expireMs`: a client without a telemetry stream and silent that long is forgotten (5.x channelExpiredTimeout, 120 s). */
  constructor(private readonly backend: RemotingBackend, private readonly log: Logger, private readonly expireMs = 120_000) {
    this.sweeper = setInterval(() => void this.sweep(), Math.min(10_000, expireMs)).unref();
    backend.instance.remoteClients = () => this.remoteClients();
  }

  private heartbeatAgain = false;
  private heartbeating = false;

  /**
   * A client joined, left or named a new group or topic: heartbeat the brokers now (its list of clients is in it),
   * once more after a heartbeat already under way so no change waits for the next 10 s round.
   */
  private requestHeartbeat(): void {
    if (this.heartbeating) {
      this.heartbeatAgain = true;
      return;
    }
    this.heartbeating = true;
    void this.backend.instance.sendHeartbeatToAllBrokers().catch(() => undefined).finally(() => {
      this.heartbeating = false;
      if (!this.heartbeatAgain) return;
      this.heartbeatAgain = false;
      this.requestHeartbeat();
    });
  }

  /** The clients for the brokers' connection lists (HeartbeatData.remoteClients), each with its groups. */
  remoteClients(): RemoteClientData[] {
    const out: RemoteClientData[] = [];
    for (const c of this.clients.values()) {
      if (!c.settings) continue;
      const group = c.settings.subscription?.group?.name;
      const topics = new Set([...(c.settings.publishing?.topics ?? []).map((t) => t.name), ...c.sentTopics]);
      out.push({
        clientID: c.clientId, clientAddr: c.remoteAddr, language: languageOf(c), version: versionOrdinal(c.version),
        clientVersion: c.settings.userAgent?.version || c.version, protocolType: 'grpc_v2',
        consumerGroups: group ? [group] : [], producerGroups: [...topics],
      });
    }
    return out;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  /** Forgets clients that went away without NotifyClientTermination (so random client ids cannot pile up). */
  async sweep(now = Date.now()): Promise<void> {
    for (const c of [...this.clients.values()]) {
      if (c.telemetry || now - c.lastSeen < this.expireMs) continue;
      this.log.info('grpc_client_expired', { clientId: c.clientId, idleMs: now - c.lastSeen });
      await this.remove(c.clientId);
    }
  }

  touch(clientId: string, meta: { language: string; version: string; remoteAddr: string }): GrpcClient {
    let c = this.clients.get(clientId);
    if (!c) {
      c = { clientId, ...meta, lastSeen: Date.now(), firstSeen: Date.now(), sentTopics: new Set() };
      this.clients.set(clientId, c);
      this.log.info('grpc_client_seen', { clientId, language: meta.language, version: meta.version, remoteAddr: meta.remoteAddr });
    }
    c.lastSeen = Date.now();
    c.remoteAddr = meta.remoteAddr; // a client that reconnected is listed at its new address
    return c;
  }

  get(clientId: string): GrpcClient | undefined {
    return this.clients.get(clientId);
  }

  all(): GrpcClient[] {
    return [...this.clients.values()];
  }

  /** Settings from the client's telemetry stream: register what the brokers must know about it. */
  applySettings(c: GrpcClient, s: V2Settings): void {
    c.settings = s;
    c.clientType = s.clientType;
    for (const t of s.publishing?.topics ?? []) this.registerProducerTopic(t.name);
    const group = s.subscription?.group?.name;
    if (group) {
      const subs = new Map<string, string>();
      for (const e of s.subscription?.subscriptions ?? []) if (e.topic?.name) subs.set(e.topic.name, e.expression?.expression || '*');
      this.registerConsumerGroup(group, subs);
    }
    this.requestHeartbeat();
  }

  /** A send from `c` to `topic`: it may be asked about the topic's transactions. */
  notePublish(c: GrpcClient, topic: string): void {
    if (c.sentTopics.has(topic)) return;
    c.sentTopics.add(topic);
    this.registerProducerTopic(topic);
    this.requestHeartbeat();
  }

  private registerProducerTopic(topic: string): void {
    if (this.producerTopics.has(topic)) return;
    this.producerTopics.add(topic);
    this.backend.instance.registerProducer({
      group: topic,
      publishTopics: () => [topic],
      isPublishTopicNeedUpdate: () => false,
      updateTopicPublishInfo: () => undefined,
      checkTransactionState: (msg, req, conn) => this.recoverOrphanedTransaction(topic, msg, req, conn),
    });
  }

  private registerConsumerGroup(group: string, subs: Map<string, string>): void {
    const known = this.consumerGroups.get(group);
    if (known) {
      for (const [t, e] of subs) known.set(t, e);
      return;
    }
    this.consumerGroups.set(group, subs);
    this.backend.instance.registerConsumer({
      group, messageModel: 'CLUSTERING', consumeType: 'CONSUME_POP', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      subscriptions: () => [...subs].map(([topic, exp]) => ({
        topic, subString: exp, tagsSet: [], codeSet: [], subVersion: Date.now(), expressionType: 'TAG', classFilterMode: false,
      })),
      isSubscribeTopicNeedUpdate: (topic) => !this.backend.instance.routes.topicRouteTable.has(topic),
      updateTopicSubscribeInfo: () => undefined,
      doRebalance: async () => {},
      persistConsumerOffset: async () => {},
      handleBrokerRequest: async (req) => this.answerBrokerRequest(group, req),
    });
    for (const t of subs.keys()) void this.backend.route(t).catch(() => undefined);
  }

  /**
   * A broker's question about one of the group's gRPC members (the broker lists them one by one, so it asks them so).
   * GET_CONSUMER_RUNNING_INFO is answered here from the client's settings (a POP client holds no queues; Apache's
   * proxy relays only thread-stack requests and leaves the rest unanswered, which held a console's page for its
   * timeout); CONSUME_MESSAGE_DIRECTLY is refused at once (Apache's VerifyMessageCommand is not relayed here).
   */
  private async answerBrokerRequest(group: string, req: RemotingCommand): Promise<RemotingCommand | undefined> {
    const clientId = req.extFields?.clientId ?? '';
    const c = this.clients.get(clientId);
    if (req.code === RequestCode.GET_CONSUMER_RUNNING_INFO) {
      if (!c || c.settings?.subscription?.group?.name !== group) {
        return createResponse(req, ResponseCode.SYSTEM_ERROR, `The Consumer <${group}> <${clientId}> not online at this gRPC endpoint`);
      }
      const s = c.settings.subscription;
      const properties = new Map<string, string>([
        ['consumerGroup', group], ['messageModel', 'CLUSTERING'], ['PROP_CONSUME_TYPE', 'CONSUME_POP'],
        ['PROP_CONSUMEORDERLY', String(s.fifo === true)], ['PROP_CLIENT_VERSION', c.settings.userAgent?.version || c.version],
        ['PROP_CONSUMER_START_TIMESTAMP', String(c.firstSeen)], ['clientType', c.clientType ?? ''], ['language', languageOf(c)],
        ['protocolType', 'grpc_v2'], ['clientAddr', c.remoteAddr],
      ]);
      const subscriptionSet = (s.subscriptions ?? []).filter((e) => e.topic?.name).map((e) => ({
        topic: e.topic!.name, subString: e.expression?.expression || '*', tagsSet: [], codeSet: [], subVersion: c.firstSeen,
        expressionType: e.expression?.type === 'SQL' ? 'SQL92' : 'TAG', classFilterMode: false,
      }));
      // A thread stack, when asked, comes from the client as 5.x's proxy gets it (PrintThreadStackTraceCommand).
      const jstack = req.extFields?.jstackEnable === 'true' ? await this.askThreadStack(c) : undefined;
      return createResponse(req, ResponseCode.SUCCESS, undefined, undefined, encodeConsumerRunningInfo({
        properties, subscriptionSet, mqTable: [], statusTable: new Map(), ...(jstack !== undefined ? { jstack } : {}),
      }));
    }
    if (req.code === RequestCode.CONSUME_MESSAGE_DIRECTLY) {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, `consuming a message directly is not supported for gRPC client <${clientId}>`);
    }
    return undefined;
  }

  private readonly stackWaiters = new Map<string, (text: string) => void>();

  /** PrintThreadStackTraceCommand on the client's telemetry stream; its ThreadStackTrace, or undefined after `timeoutMs`. */
  askThreadStack(c: GrpcClient, timeoutMs = 3_000): Promise<string | undefined> {
    const stream = c.telemetry;
    if (!stream || stream.cancelled || !stream.writable) return Promise.resolve(undefined);
    const nonce = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.stackWaiters.delete(nonce);
        this.log.info('grpc_thread_stack_timeout', { clientId: c.clientId, nonce });
        resolve(undefined);
      }, timeoutMs);
      this.stackWaiters.set(nonce, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      stream.write({ printThreadStackTraceCommand: { nonce } });
    });
  }

  /** A ThreadStackTrace from a client's telemetry stream: the answer to askThreadStack's command with that nonce. */
  threadStackArrived(nonce: string, text: string): boolean {
    const done = this.stackWaiters.get(nonce);
    if (!done) return false;
    this.stackWaiters.delete(nonce);
    done(text);
    return true;
  }

  /** NotifyClientTermination or a closed telemetry stream: forget the client; the last one of a group unregisters it. */
  async remove(clientId: string, group?: string): Promise<void> {
    const c = this.clients.get(clientId);
    this.clients.delete(clientId);
    if (c?.settings) this.requestHeartbeat();
    const g = group ?? c?.settings?.subscription?.group?.name;
    if (!g || !this.consumerGroups.has(g)) return;
    const others = [...this.clients.values()].some((o) => o.settings?.subscription?.group?.name === g);
    if (others) return;
    this.consumerGroups.delete(g);
    await this.backend.instance.unregisterConsumer(g).catch((err: unknown) => this.log.warn('grpc_unregister_group_failed', { group: g, error: err }));
  }

  /** CHECK_TRANSACTION_STATE from a broker -> RecoverOrphanedTransactionCommand to a producer publishing the topic. */
  private recoverOrphanedTransaction(topic: string, msg: MessageExt, req: RemotingCommand, conn: RemotingConnection): void {
    const candidates = [...this.clients.values()].filter((c) => c.telemetry && (c.sentTopics.has(topic) || c.settings?.publishing?.topics?.some((t) => t.name === topic)));
    if (candidates.length === 0) {
      this.log.warn('grpc_transaction_check_no_producer', { topic, remoteAddr: conn.remoteAddr });
      return;
    }
    let h: CheckTransactionStateRequestHeader;
    try {
      h = decodeHeader(CheckTransactionStateRequestHeader, req.extFields);
    } catch (err) {
      this.log.warn('grpc_transaction_check_bad_header', { topic, remoteAddr: conn.remoteAddr, error: err });
      return;
    }
    const brokerName = h.bname ?? this.backend.instance.routes.allBrokers().find((b) => b.addr === conn.remoteAddr)?.brokerName;
    if (!brokerName) {
      this.log.warn('grpc_transaction_check_unknown_broker', { topic, remoteAddr: conn.remoteAddr });
      return;
    }
    const target = candidates[Math.floor(Math.random() * candidates.length)]!;
    const uniqKey = msg.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] ?? msg.msgId;
    const transactionId = encodeTransactionId({
      brokerName, commitLogOffset: h.commitLogOffset, tranStateTableOffset: h.tranStateTableOffset,
      brokerTransactionId: h.transactionId ?? uniqKey, offsetMsgId: h.msgId ?? msg.msgId,
    });
    target.telemetry!.write({
      status: { code: 'OK', message: 'OK' },
      recoverOrphanedTransactionCommand: { message: toV2Message(msg, msg.topic, undefined, undefined, 1), transactionId },
    });
    this.log.info('grpc_transaction_check_sent', { topic, clientId: target.clientId, msgId: uniqKey });
  }
}

/**
 * The client's LanguageCode name: its user agent's language (NODE_JS for rocketmq-client-nodejs, which sends
 * x-mq-language HTTP because 4.x brokers lack NODE_JS), else the x-mq-language header, else OTHER.
 */
function languageOf(c: GrpcClient): string {
  const raw = c.settings?.userAgent?.language;
  // apache.rocketmq.v2.Language spells two of them differently from RocketMQ's LanguageCode.
  const ua = raw === 'DOT_NET' ? 'DOTNET' : raw === 'GOLANG' ? 'GO' : raw;
  if (ua && ua in LANGUAGE_CODES) return ua;
  return c.language in LANGUAGE_CODES ? c.language : 'OTHER';
}

/**
 * The MQVersion ordinal as the 5.x proxy derives it (ClientActivity.parseClientVersion): the client's version when it
 * names a Version constant ("V5_0_0"), else the proxy's own (here 5.3.3, the version this endpoint answers as).
 */
function versionOrdinal(version: string): number {
  const m = /^V(\d+)_(\d+)_(\d+)(_SNAPSHOT)?$/.exec(version.toUpperCase());
  if (m && Number(m[1]) >= 4) return mqVersionOrdinal(Number(m[1]), Number(m[2]), Number(m[3]), m[4] !== undefined);
  return MQVersion.V5_3_3;
}

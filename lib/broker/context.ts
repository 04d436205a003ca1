// What the broker's request handlers share (BrokerContext), and the wrapper that turns bad headers and bodies
// into an error response naming the field instead of failing the connection.

import type { Logger } from '../common/log.ts';
import type { BrokerConfig } from './config/broker-config.ts';
import { ResponseCode, requestCodeName } from '../protocol/codes.ts';
import { BodyError } from '../protocol/bodies/read.ts';
import { HeaderError } from '../protocol/headers/spec.ts';
import type { TopicConfig } from '../protocol/bodies/topic.ts';
import type { SocketHost } from '../protocol/message-host.ts';
import { MessageDecodeError } from '../protocol/message-errors.ts';
import { createResponse, type HeaderInput, type RemotingCommand } from '../remoting/command.ts';
import type { RemotingConnection, RequestHandler } from '../remoting/connection.ts';
import type { ConsumerManager } from './client/consumer-manager.ts';
import type { ConsumerFilterManager } from './filter/consumer-filter.ts';
import type { ConsumerOffsetManager } from './offset/consumer-offset-manager.ts';
import type { PullRequestHoldService } from './longpolling/long-polling.ts';
import type { ProducerManager } from './client/producer-manager.ts';
import type { RebalanceLockManager } from './client/rebalance-lock-manager.ts';
import type { ScheduleMessageService } from './schedule/schedule-message-service.ts';
import type { BrokerStats } from './stats/stats.ts';
import type { BrokerStore } from './store-port.ts';
import type { SubscriptionGroupManager } from './subscription/subscription-group-manager.ts';
import type { TopicConfigManager } from './topic/topic-config-manager.ts';
import type { TopicProducerTable } from './client/topic-producers.ts';
import { RocketDeckError } from '../common/errors.ts';

export interface BrokerContext {
  /** The live configuration (UPDATE_BROKER_CONFIG replaces it). */
  config(): BrokerConfig;
  readonly store: BrokerStore;
  readonly topics: TopicConfigManager;
  readonly groups: SubscriptionGroupManager;
  readonly offsets: ConsumerOffsetManager;
  readonly consumers: ConsumerManager;
  /** SQL92 subscriptions (RocketMQ's ConsumerFilterManager). */
  readonly filters: ConsumerFilterManager;
  readonly producers: ProducerManager;
  /** (producerGroup, topic) pairs seen in accepted sends, for GET_TOPIC_PRODUCERS. */
  readonly topicProducers: TopicProducerTable;
  readonly locks: RebalanceLockManager;
  readonly pullHold: PullRequestHoldService;
  readonly schedule: ScheduleMessageService;
  readonly stats: BrokerStats;
  readonly log: Logger;
  /** brokerIP1:listenPort, as registered and written into message ids. */
  brokerAddr(): string;
  storeHost(): SocketHost;
  /** Re-registers the whole topic table with the nameservers (soon; changes in a burst share one round). */
  registerBrokerAll(): Promise<void>;
  /** Registers just these created or changed topics with the nameservers; resolves when they were told. */
  registerIncrementBrokerData(topic: TopicConfig): Promise<void>;
  /** Applies UPDATE_BROKER_CONFIG entries; throws BrokerConfigError naming a bad key. */
  updateConfig(entries: Array<{ key: string; value: string; line: number }>): void;
  /** Re-runs a held pull (long polling wake-up); answers through the connection. */
  wakePull(held: import('./longpolling/long-polling.ts').HeldPull): void;
  /** Master/slave replication of this broker (lib/broker/ha); absent in handler tests without a store. */
  readonly ha?: import('./ha/replication.ts').BrokerReplication;
  /** POP consumption (lib/broker/pop); absent in handler tests. */
  readonly pop?: import('./pop/pop-service.ts').PopService;
  /** Timer messages (lib/broker/timer); absent in handler tests. */
  readonly timer?: import('./timer/timer-service.ts').TimerService;
}

export type BrokerHandler = (
  ctx: BrokerContext,
  req: RemotingCommand,
  conn: RemotingConnection,
) => RemotingCommand | undefined | Promise<RemotingCommand | undefined>;

/** A request the handler rejects with a response code (thrown from deep inside a handler). */
export class RequestRejected extends RocketDeckError {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRejected';
  }
}

function badRequest(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection, err: Error): RemotingCommand {
  ctx.log.warn('bad_request', { code: req.code, request: requestCodeName(req.code), remoteAddr: conn.remoteAddr, error: err.message });
  return createResponse(req, ResponseCode.SYSTEM_ERROR, `${requestCodeName(req.code)}: ${err.message}`);
}

const isBadInput = (err: unknown): err is Error =>
  err instanceof HeaderError || err instanceof BodyError || err instanceof MessageDecodeError;

/**
 * Binds a handler to the context. A missing or malformed header field or body is answered with SYSTEM_ERROR and
 * a remark naming the field (RocketMQ answers its RemotingCommandException the same way); RequestRejected
 * becomes its response code. Other errors propagate to the transport (SYSTEM_ERROR with the message, logged).
 */
export function bind(ctx: BrokerContext, handler: BrokerHandler): RequestHandler {
  return (req, conn) => {
    let result: ReturnType<BrokerHandler>;
    try {
      result = handler(ctx, req, conn);
    } catch (err) {
      if (isBadInput(err)) return badRequest(ctx, req, conn, err);
      if (err instanceof RequestRejected) return createResponse(req, err.code, err.message);
      throw err;
    }
    if (result instanceof Promise) {
      return result.catch((err: unknown) => {
        if (isBadInput(err)) return badRequest(ctx, req, conn, err);
        if (err instanceof RequestRejected) return createResponse(req, err.code, err.message);
        throw err;
      });
    }
    return result;
  };
}

/** SUCCESS with no header (extFields absent, as RocketMQ's createResponseCommand(null)). */
export const ok = (req: RemotingCommand, body?: Buffer): RemotingCommand =>
  createResponse(req, ResponseCode.SUCCESS, undefined, undefined, body);

/** SUCCESS carrying a custom header (extFields present, possibly empty, as createResponseCommand(Header.class)). */
export const okWithHeader = (req: RemotingCommand, header: HeaderInput, body?: Buffer, remark?: string): RemotingCommand => {
  const res = createResponse(req, ResponseCode.SUCCESS, remark, header, body);
  res.extFields ??= {};
  return res;
};

export const fail = (req: RemotingCommand, code: number, remark: string): RemotingCommand => createResponse(req, code, remark);

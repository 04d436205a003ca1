// apache.rocketmq.v2.MessagingService: each RPC validates its request, calls the remoting backend and answers
// with an apache.rocketmq.v2.Status (5.x proxy's activities: ClientActivity, SendMessageActivity, ReceiveMessageActivity...).
import * as grpc from '@grpc/grpc-js';
import { MixAll } from '../protocol/codes.ts';
import { PermName } from '../protocol/constants.ts';
import type { Logger } from '../common/log.ts';
import { statusOfError, type RemotingBackend } from './backend.ts';
import {
  acceptMessageTypes, checkMessageType, decodeReceiptHandle, decodeTransactionId, encodeReceiptHandle, fromDuration, fromV2Message,
  toDuration, toV2Message, topicMessageType, type V2Message,
} from './convert.ts';
import { GrpcStatusError, okStatus, type V2Status } from './errors.ts';
import { CLIENT_TYPES, ClientRegistry, type GrpcClient, type TelemetryStream, type V2Settings } from './sessions.ts';

export interface MessagingServiceOptions {
  /** Largest message body accepted (the broker's maxMessageSize; 5.x proxy default 4 MiB). */
  maxBodySize: number;
  /** Shortest invisible duration of a receive, ms (5.x minInvisibleTimeMillsForRecv, 10 s). */
  minInvisibleMs: number;
  /** Longest invisible duration, ms (12 h). */
  maxInvisibleMs: number;
  /** Where clients reach this endpoint when a QueryRoute names none. */
  advertisedAddress: { host: string; port: number };
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Unary = grpc.handleUnaryCall<Obj, Obj>;

const DEFAULT_LONG_POLLING_MS = 20_000;
const DEFAULT_INVISIBLE_MS = 60_000;

const statusOf = (err: unknown): V2Status => statusOfError(err);

export function createMessagingService(backend: RemotingBackend, registry: ClientRegistry, opts: MessagingServiceOptions, log: Logger): grpc.UntypedServiceImplementation {
  const clientOf = (call: grpc.ServerUnaryCall<Obj, Obj> | grpc.ServerWritableStream<Obj, Obj> | TelemetryStream): GrpcClient => {
    const id = String(call.metadata.get('x-mq-client-id')[0] ?? '');
    if (!id) throw new GrpcStatusError('CLIENT_ID_REQUIRED', 'x-mq-client-id header is required');
    return registry.touch(id, {
      language: String(call.metadata.get('x-mq-language')[0] ?? 'UNKNOWN'),
      version: String(call.metadata.get('x-mq-client-version')[0] ?? ''),
      remoteAddr: call.getPeer(),
    });
  };

  /** Runs a unary handler; any failure becomes the response status (never a gRPC error). */
  const unary = (name: string, fn: (req: Obj, call: grpc.ServerUnaryCall<Obj, Obj>) => Promise<Obj>): Unary => (call, cb) => {
    fn(call.request, call).then((res) => cb(null, res), (err: unknown) => {
      const status = statusOf(err);
      if (status.code === 'INTERNAL_SERVER_ERROR' || status.code === 'PROXY_TIMEOUT') log.warn('grpc_request_failed', { rpc: name, code: status.code, error: err });
      cb(null, { status });
    });
  };

  const endpointsOf = (req: Obj): Obj => {
    const e = req.endpoints as Obj | null | undefined;
    if (e && Array.isArray(e.addresses) && e.addresses.length > 0) return e;
    const a = opts.advertisedAddress;
    return { scheme: 'IPv4', addresses: [{ host: a.host, port: a.port }] };
  };

  const requireName = (r: Obj | null | undefined, what: 'topic' | 'group'): string => {
    const name = (r?.name as string | undefined) ?? '';
    if (!name) throw new GrpcStatusError(what === 'topic' ? 'ILLEGAL_TOPIC' : 'ILLEGAL_CONSUMER_GROUP', `${what} name cannot be empty`);
    return name;
  };

  const queuesOf = async (topic: string, endpoints: Obj): Promise<Obj[]> => {
    const route = await backend.route(topic);
    const types = acceptMessageTypes(topicMessageType(await backend.topicAttributes(topic)));
    const out: Obj[] = [];
    for (const q of route.queueDatas) {
      if (!backend.instance.routes.findBrokerAddressInPublish(q.brokerName)) continue;
      const n = Math.max(q.readQueueNums, q.writeQueueNums);
      for (let i = 0; i < n; i++) {
        const r = i < q.readQueueNums && PermName.isReadable(q.perm);
        const w = i < q.writeQueueNums && PermName.isWriteable(q.perm);
        out.push({
          topic: { name: topic, resourceNamespace: '' }, id: i, permission: r && w ? 'READ_WRITE' : r ? 'READ' : w ? 'WRITE' : 'NONE',
          broker: { name: q.brokerName, id: MixAll.MASTER_ID, endpoints }, acceptMessageTypes: types,
        });
      }
    }
    return out;
  };

  const settingsReply = async (c: GrpcClient, s: V2Settings): Promise<Obj> => {
    const base: Obj = { ...s };
    delete base.pubSub;
    if (s.publishing) {
      base.publishing = { ...s.publishing, maxBodySize: opts.maxBodySize, validateMessageType: true };
      base.backoffPolicy = s.backoffPolicy ?? { maxAttempts: 3, exponentialBackoff: { initial: toDuration(100), max: toDuration(1000), multiplier: 2 } };
    } else if (s.subscription) {
      const group = s.subscription.group?.name ?? '';
      const topic = s.subscription.subscriptions?.[0]?.topic?.name;
      let gs = { orderly: false, retryMaxTimes: 16 };
      if (group && topic) {
        try {
          const route = await backend.route(topic);
          const bn = route.brokerDatas[0]?.brokerName;
          if (bn) gs = await backend.groupSettings(group, bn);
        } catch (err) {
          log.warn('grpc_group_settings_failed', { clientId: c.clientId, group, error: err });
        }
      }
      base.subscription = { ...s.subscription, fifo: gs.orderly, receiveBatchSize: 32, longPollingTimeout: toDuration(DEFAULT_LONG_POLLING_MS) };
      base.backoffPolicy = {
        maxAttempts: gs.retryMaxTimes + 1,
        exponentialBackoff: { initial: toDuration(1000), max: toDuration(10_000), multiplier: 2 },
      };
    }
    return { status: okStatus(), settings: base };
  };

  const impl: grpc.UntypedServiceImplementation = {
    QueryRoute: unary('QueryRoute', async (req, call) => {
      clientOf(call);
      const topic = requireName(req.topic, 'topic');
      return { status: okStatus(), messageQueues: await queuesOf(topic, endpointsOf(req)) };
    }),

    Heartbeat: unary('Heartbeat', async (req, call) => {
      const c = clientOf(call);
      if (!CLIENT_TYPES.has(req.clientType)) throw new GrpcStatusError('UNRECOGNIZED_CLIENT_TYPE', `unrecognized client type ${req.clientType}`);
      c.clientType = req.clientType;
      return { status: okStatus() };
    }),

    SendMessage: unary('SendMessage', async (req, call) => {
      const client = clientOf(call);
      const msgs = (req.messages ?? []) as V2Message[];
      if (msgs.length === 0) throw new GrpcStatusError('BAD_REQUEST', 'no message to send');
      const entries: Obj[] = [];
      for (const m of msgs) {
        try {
          const d = fromV2Message(m, opts.maxBodySize);
          checkMessageType(d.topic, topicMessageType(await backend.topicAttributes(d.topic)), d.type);
          registry.notePublish(client, d.topic);
          const r = await backend.send(d);
          entries.push({ status: { code: r.code, message: r.message }, messageId: r.messageId, transactionId: r.transactionId, offset: r.offset, recallHandle: r.recallHandle });
        } catch (err) {
          entries.push({ status: statusOf(err), messageId: m.systemProperties?.messageId ?? '' });
        }
      }
      const codes = new Set(entries.map((e) => e.status.code));
      const status = codes.size === 1 ? entries[0]!.status : { code: 'MULTIPLE_RESULTS', message: 'send message is partially failed' };
      return { status, entries };
    }),

    QueryAssignment: unary('QueryAssignment', async (req, call) => {
      clientOf(call);
      const topic = requireName(req.topic, 'topic');
      requireName(req.group, 'group');
      const route = await backend.route(topic);
      const types = acceptMessageTypes(topicMessageType(await backend.topicAttributes(topic)));
      const endpoints = endpointsOf(req);
      const assignments = route.queueDatas
        .filter((q) => PermName.isReadable(q.perm) && q.readQueueNums > 0 && backend.instance.routes.findBrokerAddressInPublish(q.brokerName))
        .map((q) => ({
          messageQueue: {
            topic: { name: topic, resourceNamespace: '' }, id: -1, permission: 'READ_WRITE',
            broker: { name: q.brokerName, id: MixAll.MASTER_ID, endpoints }, acceptMessageTypes: types,
          },
        }));
      return { status: okStatus(), assignments };
    }),

    ReceiveMessage: (call: grpc.ServerWritableStream<Obj, Obj>) => {
      void receive(call);
    },

    AckMessage: unary('AckMessage', async (req, call) => {
      clientOf(call);
      const group = requireName(req.group, 'group');
      const topic = requireName(req.topic, 'topic');
      const entries: Obj[] = await Promise.all(((req.entries ?? []) as Obj[]).map(async (e) => {
        try {
          await backend.ack(group, topic, decodeReceiptHandle(e.receiptHandle).extraInfo);
          return { messageId: e.messageId, receiptHandle: e.receiptHandle, status: okStatus() };
        } catch (err) {
          return { messageId: e.messageId, receiptHandle: e.receiptHandle, status: statusOf(err) };
        }
      }));
      const codes = new Set(entries.map((e) => e.status.code));
      const status = codes.size <= 1 ? (entries[0]?.status ?? okStatus()) : { code: 'MULTIPLE_RESULTS', message: 'ack message is partially failed' };
      return { status, entries };
    }),

    ChangeInvisibleDuration: unary('ChangeInvisibleDuration', async (req, call) => {
      clientOf(call);
      const group = requireName(req.group, 'group');
      const topic = requireName(req.topic, 'topic');
      const ms = fromDuration(req.invisibleDuration) ?? -1;
      if (ms < 0 || ms > opts.maxInvisibleMs) throw new GrpcStatusError('ILLEGAL_INVISIBLE_TIME', `invisible duration ${ms} ms is out of [0, ${opts.maxInvisibleMs}]`);
      const h = decodeReceiptHandle(req.receiptHandle ?? '');
      const extra = await backend.changeInvisible(group, topic, h.extraInfo, ms);
      return { status: okStatus(), receiptHandle: encodeReceiptHandle(extra, h.commitLogOffset) };
    }),

    ForwardMessageToDeadLetterQueue: unary('ForwardMessageToDeadLetterQueue', async (req, call) => {
      clientOf(call);
      const group = requireName(req.group, 'group');
      const topic = requireName(req.topic, 'topic');
      const h = decodeReceiptHandle(req.receiptHandle ?? '');
      await backend.forwardToDeadLetterQueue(group, topic, h.extraInfo, h.commitLogOffset, req.messageId ?? '', req.maxDeliveryAttempts ?? 16);
      return { status: okStatus() };
    }),

    EndTransaction: unary('EndTransaction', async (req, call) => {
      clientOf(call);
      const topic = requireName(req.topic, 'topic');
      if (req.resolution !== 'COMMIT' && req.resolution !== 'ROLLBACK') throw new GrpcStatusError('BAD_REQUEST', `transaction resolution ${req.resolution} is not COMMIT or ROLLBACK`);
      const ref = decodeTransactionId(req.transactionId ?? '');
      await backend.endTransaction(topic, req.messageId ?? '', ref, req.resolution === 'COMMIT', req.source === 'SOURCE_SERVER_CHECK');
      return { status: okStatus() };
    }),

    NotifyClientTermination: unary('NotifyClientTermination', async (req, call) => {
      const c = clientOf(call);
      await registry.remove(c.clientId, req.group?.name || undefined);
      return { status: okStatus() };
    }),

    RecallMessage: unary('RecallMessage', async (req, call) => {
      clientOf(call);
      const topic = requireName(req.topic, 'topic');
      if (!req.recallHandle) throw new GrpcStatusError('BAD_REQUEST', 'recall handle cannot be empty');
      return { status: okStatus(), messageId: await backend.recall(topic, req.recallHandle) };
    }),

    GetOffset: unary('GetOffset', async (req, call) => {
      clientOf(call);
      const group = requireName(req.group, 'group');
      const mq = req.messageQueue as Obj;
      const topic = requireName(mq?.topic, 'topic');
      await backend.route(topic);
      const offset = await backend.instance.api.queryConsumerOffset(backend.masterAddr(mq.broker?.name ?? ''),
        { consumerGroup: group, topic, queueId: mq.id, bname: mq.broker?.name }, backend.timeoutMs);
      return { status: okStatus(), offset };
    }),

    UpdateOffset: unary('UpdateOffset', async (req, call) => {
      clientOf(call);
      const group = requireName(req.group, 'group');
      const mq = req.messageQueue as Obj;
      const topic = requireName(mq?.topic, 'topic');
      await backend.route(topic);
      await backend.instance.api.updateConsumerOffset(backend.masterAddr(mq.broker?.name ?? ''),
        { consumerGroup: group, topic, queueId: mq.id, commitOffset: Number(req.offset), bname: mq.broker?.name }, false, backend.timeoutMs);
      return { status: okStatus() };
    }),

    QueryOffset: unary('QueryOffset', async (req, call) => {
      clientOf(call);
      const mq = req.messageQueue as Obj;
      const topic = requireName(mq?.topic, 'topic');
      await backend.route(topic);
      const queue = { topic, brokerName: mq.broker?.name ?? '', queueId: mq.id as number };
      const addr = backend.masterAddr(queue.brokerName);
      const api = backend.instance.api;
      const policy = req.queryOffsetPolicy as string;
      const offset = policy === 'BEGINNING' ? await api.getMinOffset(addr, queue, backend.timeoutMs)
        : policy === 'TIMESTAMP' ? await api.searchOffset(addr, queue, fromDuration(req.timestamp) ?? Date.now(), backend.timeoutMs)
          : await api.getMaxOffset(addr, queue, backend.timeoutMs);
      return { status: okStatus(), offset };
    }),

    PullMessage: (call: grpc.ServerWritableStream<Obj, Obj>) => {
      call.write({ status: { code: 'NOT_IMPLEMENTED', message: 'PullMessage is not served by this endpoint' } });
      call.end();
    },

    SyncLiteSubscription: unary('SyncLiteSubscription', async () => {
      throw new GrpcStatusError('NOT_IMPLEMENTED', 'lite topics are not served by this endpoint');
    }),

    Telemetry: (call: TelemetryStream) => telemetry(call),
  };

  async function receive(call: grpc.ServerWritableStream<Obj, Obj>): Promise<void> {
    const req = call.request;
    const finish = (status: V2Status): void => {
      if (!call.cancelled) call.write({ status });
      call.end();
    };
    try {
      clientOf(call);
      const group = requireName(req.group, 'group');
      const mq = req.messageQueue as Obj | undefined;
      const topic = requireName(mq?.topic, 'topic');
      const batchSize = Number(req.batchSize ?? 0);
      if (batchSize < 1 || batchSize > 32) throw new GrpcStatusError('BAD_REQUEST', `batch size ${batchSize} is out of [1, 32]`);
      let invisibleMs = fromDuration(req.invisibleDuration);
      if (invisibleMs === undefined) {
        if (!req.autoRenew) throw new GrpcStatusError('ILLEGAL_INVISIBLE_TIME', 'invisible duration is required');
        invisibleMs = DEFAULT_INVISIBLE_MS;
      }
      if (invisibleMs < opts.minInvisibleMs || invisibleMs > opts.maxInvisibleMs) {
        throw new GrpcStatusError('ILLEGAL_INVISIBLE_TIME', `invisible duration ${invisibleMs} ms is out of [${opts.minInvisibleMs}, ${opts.maxInvisibleMs}]`);
      }
      const filter = (req.filterExpression ?? {}) as Obj;
      const expType = filter.type === 'SQL' ? 'SQL92' : 'TAG';
      const exp = (filter.expression as string) || '*';
      let pollMs = fromDuration(req.longPollingTimeout) ?? DEFAULT_LONG_POLLING_MS;
      const deadline = call.getDeadline();
      const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number(deadline);
      // Answer before the client's deadline (the 5.x proxy keeps the same margin below it).
      if (Number.isFinite(deadlineMs) && deadlineMs > 0) pollMs = Math.max(0, Math.min(pollMs, deadlineMs - Date.now() - 1_000));
      const route = await backend.route(topic);
      const brokerName = (mq?.broker?.name as string | undefined) || route.queueDatas.find((q) => PermName.isReadable(q.perm))?.brokerName;
      if (!brokerName) throw new GrpcStatusError('FORBIDDEN', `topic ${topic} has no readable queue`);
      const gs = await backend.groupSettings(group, brokerName);
      const msgs = await backend.pop({ group, topic, brokerName, batchSize, invisibleMs, pollTimeMs: pollMs, expType, exp, orderly: gs.orderly });
      if (msgs.length === 0) return finish({ code: 'MESSAGE_NOT_FOUND', message: 'no new message' });
      if (call.cancelled) return; // the client left; the messages come back after their invisible time
      call.write({ status: okStatus() });
      for (const m of msgs) {
        const handle = encodeReceiptHandle(m.extraInfo, m.ext.commitLogOffset);
        call.write({ message: toV2Message(m.ext, topic, handle, invisibleMs, m.deliveryAttempt) });
      }
      call.end();
    } catch (err) {
      const status = statusOf(err);
      if (status.code === 'INTERNAL_SERVER_ERROR' || status.code === 'PROXY_TIMEOUT') log.warn('grpc_request_failed', { rpc: 'ReceiveMessage', code: status.code, error: err });
      finish(status);
    }
  }

  function telemetry(call: TelemetryStream): void {
    let c: GrpcClient | undefined;
    try {
      c = clientOf(call);
    } catch (err) {
      call.write({ status: statusOf(err) });
      call.end();
      return;
    }
    const client = c;
    client.telemetry = call;
    call.on('data', (cmd: Obj) => {
      if (cmd.settings) {
        const s = cmd.settings as V2Settings;
        if (!s.clientType || !CLIENT_TYPES.has(s.clientType)) {
          call.write({ status: { code: 'UNRECOGNIZED_CLIENT_TYPE', message: `unrecognized client type ${s.clientType}` } });
          return;
        }
        registry.applySettings(client, s);
        settingsReply(client, s).then((reply) => { if (!call.cancelled && call.writable) call.write(reply); },
          (err: unknown) => log.warn('grpc_settings_reply_failed', { clientId: client.clientId, error: err }));
      } else if (cmd.threadStackTrace && registry.threadStackArrived(cmd.threadStackTrace.nonce, cmd.threadStackTrace.threadStackTrace ?? '')) {
        // the answer to a broker's running-info request with a thread stack
      } else if (cmd.threadStackTrace || cmd.verifyMessageResult) {
        log.info('grpc_telemetry_result', { clientId: client.clientId, nonce: (cmd.threadStackTrace ?? cmd.verifyMessageResult).nonce });
      }
    });
    const close = (): void => {
      if (client.telemetry === call) client.telemetry = undefined;
      client.lastSeen = Date.now();
    };
    call.on('end', () => {
      close();
      call.end();
    });
    call.on('error', (err: unknown) => {
      close();
      log.info('grpc_telemetry_closed', { clientId: client.clientId, error: err });
    });
    call.on('cancelled', close);
  }

  return impl;
}

// PULL_MESSAGE (11): group/topic/queue checks, the subscription (from the request or the heartbeat), the store
// read with tag filtering, long polling of empty pulls, PULL_OFFSET_MOVED events and the offset committed on
// the pull. Found messages go out as the store's raw records back to back, in the body the store read them into.

import { ResponseCode } from '../../protocol/codes.ts';
import { MixAll, PermName, TopicValidator } from '../../protocol/constants.ts';
import type { SubscriptionData } from '../../protocol/bodies/consumer.ts';
import { PullMessageRequestHeader } from '../../protocol/headers/message.ts';
import { decodeHeader, defineHeader, type HeaderOf } from '../../protocol/headers/spec.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { tagsHashCode } from '../../protocol/message.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import type { GetMessageResult, MessageFilter } from '../../store/types.ts';
import type { BrokerContext } from '../context.ts';
import { SubscriptionParseError, buildSubscriptionData, isTagType, retryFilter, sqlFilter, tagFilter, type FilterSlot } from '../filter/filter.ts';
import { compileExpression } from '../filter/consumer-filter.ts';
import type { Sql92Filter } from '../../filter/index.ts';
import type { HeldPull } from '../longpolling/long-polling.ts';
import { putInternal } from '../put-message.ts';

/** PullSysFlag bits of the request's sysFlag. */
export const PullSysFlag = { COMMIT_OFFSET: 0x1, SUSPEND: 0x2, SUBSCRIPTION: 0x4, CLASS_FILTER: 0x8, LITE_PULL: 0x10 } as const;

/**
 * The PullMessageRequestHeader fields a pull reads (the others - maxMsgBytes, requestSource, the RPC fields - are
 * not decoded on every pull); missing or malformed ones fail as the whole header's decoding does.
 */
const PullFields = defineHeader(PullMessageRequestHeader.name, {
  consumerGroup: PullMessageRequestHeader.fields.consumerGroup,
  topic: PullMessageRequestHeader.fields.topic,
  queueId: PullMessageRequestHeader.fields.queueId,
  queueOffset: PullMessageRequestHeader.fields.queueOffset,
  maxMsgNums: PullMessageRequestHeader.fields.maxMsgNums,
  sysFlag: PullMessageRequestHeader.fields.sysFlag,
  commitOffset: PullMessageRequestHeader.fields.commitOffset,
  suspendTimeoutMillis: PullMessageRequestHeader.fields.suspendTimeoutMillis,
  subscription: PullMessageRequestHeader.fields.subscription,
  subVersion: PullMessageRequestHeader.fields.subVersion,
  expressionType: PullMessageRequestHeader.fields.expressionType,
});
type PullHeader = HeaderOf<typeof PullFields>;

/** The filter of a group's subscription, made once per SubscriptionData (a heartbeat that changes it makes a new one). */
const tagFilters = new WeakMap<SubscriptionData, MessageFilter>();

function tagFilterOf(sub: SubscriptionData): MessageFilter {
  let f = tagFilters.get(sub);
  if (!f) tagFilters.set(sub, (f = tagFilter(sub)));
  return f;
}

/** Pull answers always carry a PullMessageResponseHeader, empty on errors (extFields {}). */
function fail(req: RemotingCommand, code: number, remark: string): RemotingCommand {
  const res = createResponse(req, code, remark);
  res.extFields = {};
  return res;
}

export function handlePullMessage(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand | undefined> {
  return processPull(ctx, req, conn, true);
}

/** Runs a pull; `allowSuspend` false when a held pull is re-run (it is answered whatever it finds). */
export async function processPull(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection, allowSuspend: boolean): Promise<RemotingCommand | undefined> {
  const h = decodeHeader(PullFields, req.extFields);
  const c = ctx.config();
  if (!PermName.isReadable(c.brokerPermission)) {
    return fail(req, ResponseCode.NO_PERMISSION, `the broker[${c.brokerIP1}] pulling message is forbidden`);
  }
  const sg = ctx.groups.findSubscriptionGroupConfig(h.consumerGroup);
  if (!sg) return fail(req, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group [${h.consumerGroup}] does not exist`);
  if (!sg.consumeEnable) return fail(req, ResponseCode.NO_PERMISSION, `subscription group no permission, ${h.consumerGroup}`);
  const hasSuspend = (h.sysFlag & PullSysFlag.SUSPEND) !== 0;
  const hasCommitOffset = (h.sysFlag & PullSysFlag.COMMIT_OFFSET) !== 0;
  const hasSubscription = (h.sysFlag & PullSysFlag.SUBSCRIPTION) !== 0;
  const tc = ctx.topics.selectTopicConfig(h.topic);
  if (!tc) return fail(req, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!`);
  if (!PermName.isReadable(tc.perm)) return fail(req, ResponseCode.NO_PERMISSION, `the topic[${h.topic}] pulling message is forbidden`);
  if (h.queueId < 0 || h.queueId >= tc.readQueueNums) {
    return fail(req, ResponseCode.SYSTEM_ERROR,
      `queueId[${h.queueId}] is illegal, topic:[${h.topic}] topicConfig.readQueueNums:[${tc.readQueueNums}] consumer:[${conn.remoteAddr}]`);
  }

  let sub: SubscriptionData | undefined;
  // a SQL92 subscription's compiled expression and, from a group's heartbeat, its filter bits slot
  let sql: { filter: Sql92Filter; slot?: FilterSlot } | undefined;
  if (hasSubscription) {
    try {
      sub = buildSubscriptionData(h.topic, h.subscription, h.expressionType, h.subVersion);
      if (!isTagType(sub.expressionType)) {
        const compiled = compileExpression(sub.expressionType, sub.subString);
        if (!compiled.ok) throw new SubscriptionParseError(compiled.message);
        sql = { filter: compiled, slot: ctx.filters.slotFor(h.topic, sub.subString) };
      }
    } catch (err) {
      if (!(err instanceof SubscriptionParseError)) throw err;
      return fail(req, ResponseCode.SUBSCRIPTION_PARSE_FAILED, "parse the consumer's subscription failed");
    }
  } else {
    const g = ctx.consumers.getConsumerGroupInfo(h.consumerGroup);
    if (!g) return fail(req, ResponseCode.SUBSCRIPTION_NOT_EXIST, "the consumer's group info not exist");
    if (!sg.consumeBroadcastEnable && g.messageModel === 'BROADCASTING') {
      return fail(req, ResponseCode.NO_PERMISSION, `the consumer group[${h.consumerGroup}] can not consume by broadcast way`);
    }
    sub = g.subscriptionTable.get(h.topic);
    if (!sub) return fail(req, ResponseCode.SUBSCRIPTION_NOT_EXIST, "the consumer's subscription not exist");
    if (sub.subVersion < h.subVersion) return fail(req, ResponseCode.SUBSCRIPTION_NOT_LATEST, "the consumer's subscription not latest");
    if (!isTagType(sub.expressionType)) {
      const data = ctx.filters.get(h.topic, h.consumerGroup);
      if (!data) return fail(req, ResponseCode.FILTER_DATA_NOT_EXIST, "The broker's consumer filter data is not exist!Your expression may be wrong!");
      if (data.clientVersion < h.subVersion) return fail(req, ResponseCode.FILTER_DATA_NOT_LATEST, "the consumer's consumer filter data not latest");
      sql = { filter: data.filter, slot: data.slot };
    }
  }
  if (!isTagType(sub.expressionType) && !c.enablePropertyFilter) {
    return fail(req, ResponseCode.SYSTEM_ERROR, `The broker does not support consumer to filter message by ${sub.expressionType}`);
  }
  let filter = sql ? sqlFilter(sql.filter, sql.slot) : hasSubscription ? tagFilter(sub) : tagFilterOf(sub);
  if (!sql && c.filterSupportRetry && h.topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)) {
    filter = retryFilter(sub, filter, (topic, group) => ctx.filters.get(topic, group)?.filter);
  }

  // Commit the offset carried by the pull before awaiting the store: a later UPDATE_CONSUMER_OFFSET on the same
  // connection may be handled while this pull waits, and must not be overwritten by this older value.
  if (allowSuspend && hasCommitOffset && c.store.brokerRole !== 'SLAVE') {
    ctx.offsets.commitOffset(conn.remoteAddr, h.consumerGroup, h.topic, h.queueId, h.commitOffset);
  }
  const r = await ctx.store.getMessage(h.consumerGroup, h.topic, h.queueId, h.queueOffset, h.maxMsgNums, filter);
  // RocketMQ creates a consume queue when a pull looks for it, so a known topic's unwritten queue reads as empty.
  if (r.status === 'NO_MATCHED_LOGIC_QUEUE') r.status = 'NO_MESSAGE_IN_QUEUE';
  let res: RemotingCommand | undefined = answer(ctx, req, h, r, sg.whichBrokerWhenConsumeSlowly, sg.brokerId);

  if (res.code === ResponseCode.SUCCESS) {
    ctx.stats.incGet(h.consumerGroup, h.topic, r.queueOffsets.length, r.bufferTotalSize);
  } else {
    ctx.stats.incGetMiss();
    if (res.code === ResponseCode.PULL_NOT_FOUND && allowSuspend && hasSuspend) {
      const held: HeldPull = {
        req,
        conn,
        topic: h.topic,
        queueId: h.queueId,
        pullFromThisOffset: h.queueOffset,
        subscription: sub,
        filter,
        suspendTimestamp: Date.now(),
        timeoutMillis: c.longPollingEnable ? h.suspendTimeoutMillis : c.shortPollingTimeMills,
      };
      ctx.pullHold.suspend(held);
      res = undefined;
    } else if (res.code === ResponseCode.PULL_OFFSET_MOVED) {
      await offsetMoved(ctx, h, r, res);
    }
  }

  return res;
}

/** The answer for a store result (GetMessageStatus -> response code, as PullMessageProcessor maps them). */
function answer(ctx: BrokerContext, req: RemotingCommand, h: PullHeader, r: GetMessageResult, slowBrokerId: number, groupBrokerId: number): RemotingCommand {
  const c = ctx.config();
  let code: number;
  switch (r.status) {
    case 'FOUND':
      code = ResponseCode.SUCCESS;
      break;
    case 'MESSAGE_WAS_REMOVING':
    case 'NO_MATCHED_MESSAGE':
      code = ResponseCode.PULL_RETRY_IMMEDIATELY;
      break;
    case 'NO_MATCHED_LOGIC_QUEUE':
    case 'NO_MESSAGE_IN_QUEUE':
      code = h.queueOffset !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND;
      break;
    case 'OFFSET_FOUND_NULL':
    case 'OFFSET_OVERFLOW_ONE':
      code = ResponseCode.PULL_NOT_FOUND;
      break;
    case 'OFFSET_OVERFLOW_BADLY':
    case 'OFFSET_TOO_SMALL':
      code = ResponseCode.PULL_OFFSET_MOVED;
      break;
    default:
      code = ResponseCode.SYSTEM_ERROR;
  }
  let suggest: number = MixAll.MASTER_ID;
  // A slave without slaveReadEnable still serves the pull and suggests the master (4.9.8 sets
  // PULL_RETRY_IMMEDIATELY there, but its status switch overwrites the code right after), so consumers keep
  // reading from a slave while the master is down.
  if (c.slaveReadEnable) suggest = r.suggestPullingFromSlave ? slowBrokerId : groupBrokerId;
  if (code === ResponseCode.PULL_OFFSET_MOVED && c.store.brokerRole === 'SLAVE') {
    code = ResponseCode.PULL_RETRY_IMMEDIATELY;
    suggest = groupBrokerId;
  }
  const res = createResponse(req, code, r.status, {
    suggestWhichBrokerId: suggest,
    nextBeginOffset: r.nextBeginOffset,
    minOffset: r.minOffset,
    maxOffset: r.maxOffset,
  });
  if (code === ResponseCode.SUCCESS) {
    // the store read the records into a buffer of their own: it goes to the socket as is
    res.body = r.body ?? (r.buffers.length === 1 ? r.buffers[0] : Buffer.concat(r.buffers, r.bufferTotalSize));
    res.bodyImmutable = true;
  }
  return res;
}

/** PULL_OFFSET_MOVED: an OffsetMovedEvent goes to OFFSET_MOVED_EVENT (tags and keys = group) for operators. */
async function offsetMoved(ctx: BrokerContext, h: PullHeader, r: GetMessageResult, res: RemotingCommand): Promise<void> {
  const c = ctx.config();
  ctx.log.warn('pull_offset_moved', {
    topic: h.topic, group: h.consumerGroup, queueId: h.queueId, requestOffset: h.queueOffset, newOffset: r.nextBeginOffset,
    suggestWhichBrokerId: res.extFields?.suggestWhichBrokerId,
  });
  const event = {
    consumerGroup: h.consumerGroup,
    messageQueue: { brokerName: c.brokerName, queueId: h.queueId, topic: h.topic },
    offsetNew: r.nextBeginOffset,
    offsetRequest: h.queueOffset,
  };
  const addr = ctx.storeHost();
  try {
    await putInternal(ctx, {
      topic: TopicValidator.RMQ_SYS_OFFSET_MOVED_EVENT,
      queueId: 0,
      flag: 0,
      body: Buffer.from(JSON.stringify(event), 'utf8'),
      properties: { [MessageConst.PROPERTY_TAGS]: h.consumerGroup, [MessageConst.PROPERTY_KEYS]: h.consumerGroup },
      tagsCode: tagsHashCode(h.consumerGroup),
      sysFlag: 0,
      bornTimestamp: Date.now(),
      bornHost: addr,
      storeHost: addr,
      reconsumeTimes: 0,
    });
  } catch (err) {
    ctx.log.warn('offset_moved_event_failed', { topic: h.topic, group: h.consumerGroup, error: err });
  }
}

/** Long polling wake-up: re-runs the held pull without suspending and sends whatever it finds. */
export function wakeHeldPull(ctx: BrokerContext, held: HeldPull): void {
  processPull(ctx, held.req, held.conn, false).then(
    (res) => {
      if (res && !held.conn.closed) held.conn.send(res);
    },
    (err: unknown) => {
      ctx.log.error('held_pull_failed', { topic: held.topic, queueId: held.queueId, remoteAddr: held.conn.remoteAddr, error: err });
      if (!held.conn.closed) held.conn.send(fail(held.req, ResponseCode.SYSTEM_ERROR, (err as Error).message));
    },
  );
}

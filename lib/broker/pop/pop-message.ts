// POP_MESSAGE (200050): checks as 5.x's PopMessageProcessor, then reads the group's retry topic (popFromRetry-
// Probability % first, else when the topic gave too few) and one queue or all (queueId -1), writes a checkpoint
// per queue read, and answers with the offset infos the client turns into receipts. Empty pops are held up to
// pollTime (long polling) and re-run when messages arrive.
import { ResponseCode } from '../../protocol/codes.ts';
import { PermName } from '../../protocol/constants.ts';
import { PopMessageRequestHeader } from '../../protocol/headers/pop.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { decodeMessage, encodeStoredMessage } from '../../protocol/message-codec.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { POP_ORDER_REVIVE_QUEUE, appendInfo, buildExtraInfo, retryMark } from '../../protocol/pop-extra-info.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import type { MessageFilter } from '../../store/types.ts';
import type { BrokerContext } from '../context.ts';
import { SubscriptionParseError, buildSubscriptionData, isTagType, sqlFilter, tagFilter } from '../filter/filter.ts';
import { compileExpression } from '../filter/consumer-filter.ts';
import { popConfig } from './config.ts';
import type { PopService } from './pop-service.ts';

type PopHeader = PopMessageRequestHeader;

interface PopRun {
  h: PopHeader;
  filter: MessageFilter;
  popTime: number;
  reviveQid: number;
  buffers: Buffer[];
  size: number;
  restNum: number;
  startOffsetInfo: string[];
  msgOffsetInfo: string[];
  orderCountInfo: string[];
}

function fail(req: RemotingCommand, code: number, remark: string): RemotingCommand {
  return createResponse(req, code, remark);
}

export async function processPop(svc: PopService, ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection, expireAt?: number): Promise<RemotingCommand | undefined> {
  const h = decodeHeader(PopMessageRequestHeader, req.extFields);
  const c = ctx.config();
  if (!PermName.isReadable(c.brokerPermission)) return fail(req, ResponseCode.NO_PERMISSION, `the broker[${c.brokerIP1}] peeking message is forbidden`);
  if (h.maxMsgNums > 32) return fail(req, ResponseCode.INVALID_PARAMETER, `the broker[${c.brokerIP1}] pop message is illegal, maxMsgNums ${h.maxMsgNums} > 32`);
  if (h.maxMsgNums <= 0) return fail(req, ResponseCode.INVALID_PARAMETER, `maxMsgNums ${h.maxMsgNums} must be positive`);
  const tc = ctx.topics.selectTopicConfig(h.topic);
  if (!tc) return fail(req, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!`);
  if (!PermName.isReadable(tc.perm)) return fail(req, ResponseCode.NO_PERMISSION, `the topic[${h.topic}] peeking message is forbidden`);
  if (h.queueId >= tc.readQueueNums) {
    return fail(req, ResponseCode.INVALID_PARAMETER,
      `queueId[${h.queueId}] is illegal, topic:[${h.topic}] topicConfig.readQueueNums:[${tc.readQueueNums}] consumer:[${conn.remoteAddr}]`);
  }
  const sg = ctx.groups.findSubscriptionGroupConfig(h.consumerGroup);
  if (!sg) return fail(req, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group [${h.consumerGroup}] does not exist`);
  if (!sg.consumeEnable) return fail(req, ResponseCode.NO_PERMISSION, `subscription group no permission, ${h.consumerGroup}`);
  let filter: MessageFilter;
  try {
    // no expression: every message, whatever the type (RocketMQ builds TAG "*" then)
    const sub = h.exp && h.exp.length > 0 ? buildSubscriptionData(h.topic, h.exp, h.expType ?? 'TAG') : buildSubscriptionData(h.topic, '*', 'TAG');
    if (isTagType(sub.expressionType)) {
      filter = tagFilter(sub);
    } else {
      // As RocketMQ 5.x's PopMessageProcessor: a SQL92 expression filters the topic and its retry topic alike, with
      // or without enablePropertyFilter (only pulls and CHECK_CLIENT_CONFIG look at that key).
      const compiled = compileExpression(sub.expressionType, sub.subString);
      if (!compiled.ok) {
        ctx.log.warn('pop_subscription_parse_failed', { group: h.consumerGroup, topic: h.topic, expression: h.exp, error: compiled.message });
        return fail(req, ResponseCode.SUBSCRIPTION_PARSE_FAILED, "parse the consumer's subscription failed");
      }
      filter = sqlFilter(compiled, ctx.filters.slotFor(h.topic, sub.subString));
    }
  } catch (err) {
    if (!(err instanceof SubscriptionParseError)) throw err;
    return fail(req, ResponseCode.SUBSCRIPTION_PARSE_FAILED, "parse the consumer's subscription failed");
  }

  const popTime = Date.now();
  const run: PopRun = {
    h, filter, popTime, reviveQid: h.order ? POP_ORDER_REVIVE_QUEUE : svc.state.nextReviveQid(), buffers: [], size: 0, restNum: 0,
    startOffsetInfo: [], msgOffsetInfo: [], orderCountInfo: [],
  };
  const pc = popConfig(c);
  const randomQ = Math.floor(Math.random() * 100);
  const needRetry = randomQ < pc.popFromRetryProbability;
  const retryTopic = svc.state.retryTopicOf(h.topic, h.consumerGroup);
  if (needRetry && !h.order) await popTopic(svc, ctx, run, retryTopic, true, randomQ);
  if (h.queueId < 0) await popTopic(svc, ctx, run, h.topic, false, randomQ);
  else await popQueue(svc, ctx, run, h.topic, h.queueId, false);
  if (!needRetry && !h.order && run.buffers.length < h.maxMsgNums) await popTopic(svc, ctx, run, retryTopic, true, randomQ);

  let code: number = ResponseCode.SUCCESS;
  let remark = 'FOUND';
  if (run.buffers.length > 0) {
    ctx.stats.incGet(h.consumerGroup, h.topic, run.buffers.length, run.size);
    svc.countPop(h.consumerGroup, h.topic, run.buffers.length);
  } else {
    const deadline = expireAt ?? h.bornTime + h.pollTime;
    if (h.pollTime > 0 && Date.now() < deadline) {
      const held = svc.polling.hold(h.topic, h.consumerGroup, { req, conn, expireAt: deadline }, pc.popPollingSize);
      if (held) return undefined;
      code = ResponseCode.POLLING_FULL;
    } else {
      code = ResponseCode.POLLING_TIMEOUT;
    }
    remark = 'NO_MESSAGE_IN_QUEUE';
    ctx.stats.incGetMiss();
  }
  const res = createResponse(req, code, remark, {
    popTime, invisibleTime: h.invisibleTime, reviveQid: run.reviveQid, restNum: run.restNum,
    startOffsetInfo: run.startOffsetInfo.join(';'), msgOffsetInfo: run.msgOffsetInfo.join(';'),
    orderCountInfo: h.order ? run.orderCountInfo.join(';') : undefined,
  });
  if (code === ResponseCode.SUCCESS) res.body = Buffer.concat(run.buffers, run.size);
  return res;
}

async function popTopic(svc: PopService, ctx: BrokerContext, run: PopRun, topic: string, isRetry: boolean, randomQ: number): Promise<void> {
  const tc = ctx.topics.selectTopicConfig(topic);
  if (!tc) return;
  const n = tc.readQueueNums;
  for (let i = 0; i < n; i++) await popQueue(svc, ctx, run, topic, (randomQ + i) % n, isRetry);
}

async function popQueue(svc: PopService, ctx: BrokerContext, run: PopRun, topic: string, queueId: number, isRetry: boolean): Promise<void> {
  const { h } = run;
  const st = svc.state;
  const group = h.consumerGroup;
  const want = h.maxMsgNums - run.buffers.length;
  const maxOffset = ctx.store.getMaxOffsetInQueue(topic, queueId);
  if (want <= 0) {
    if (!h.order) run.restNum += Math.max(0, maxOffset - st.popOffset(topic, group, queueId, h.initMode));
    return;
  }
  if (!st.tryLock(topic, group, queueId)) {
    if (!h.order) run.restNum += Math.max(0, maxOffset - st.popOffset(topic, group, queueId, h.initMode));
    return;
  }
  try {
    if (h.order && st.orderBlocked(topic, group, queueId, run.popTime)) return;
    let offset = h.order ? st.orderOffset(topic, group, queueId, h.initMode) : st.popOffset(topic, group, queueId, h.initMode);
    let r = await ctx.store.getMessage(group, topic, queueId, offset, want, run.filter);
    if (r.status === 'OFFSET_TOO_SMALL' || r.status === 'OFFSET_OVERFLOW_BADLY' || r.status === 'OFFSET_FOUND_NULL') {
      // The stored offset is outside the queue: move to what the store suggests, as 5.x does.
      ctx.offsets.commitOffset('PopOffsetMoved', group, topic, queueId, r.nextBeginOffset);
      st.advance(topic, group, queueId, r.nextBeginOffset);
      offset = r.nextBeginOffset;
      r = await ctx.store.getMessage(group, topic, queueId, offset, want, run.filter);
    }
    if (r.buffers.length === 0) {
      if (r.nextBeginOffset > offset && (r.status === 'NO_MATCHED_MESSAGE' || r.status === 'OFFSET_FOUND_NULL' || r.status === 'MESSAGE_WAS_REMOVING')) {
        if (h.order) ctx.offsets.commitOffset('PopOrder', group, topic, queueId, r.nextBeginOffset);
        else st.advance(topic, group, queueId, r.nextBeginOffset);
      }
      if (!h.order) run.restNum += Math.max(0, r.maxOffset - r.nextBeginOffset);
      return;
    }
    let buffers = r.buffers;
    let offsets = r.queueOffsets;
    const brokerName = ctx.config().brokerName;
    if (h.order) {
      const ackedBefore = st.orderAckedBefore(topic, group, queueId);
      const keep = offsets.map((o) => !ackedBefore.has(o));
      buffers = buffers.filter((_, i) => keep[i]);
      offsets = offsets.filter((_, i) => keep[i]);
      const counts = st.orderPopped(topic, group, queueId, offsets, new Set([...ackedBefore].filter((o) => o >= offset && o < r.nextBeginOffset)),
        run.popTime, h.invisibleTime, r.nextBeginOffset);
      offsets.forEach((o, i) => run.orderCountInfo.push(`${retryMark(topic)} qo${queueId}%${o} ${counts[i]}`));
      if (offsets.length === 0) return;
    } else {
      await st.addCheckPoint({
        startOffset: offset, popTime: run.popTime, invisibleTime: h.invisibleTime, queueId, topic, group, brokerName, offsets,
      }, run.reviveQid);
      st.advance(topic, group, queueId, r.nextBeginOffset);
      run.restNum += Math.max(0, r.maxOffset - r.nextBeginOffset);
    }
    appendInfo(run.startOffsetInfo, topic, queueId, offset);
    appendInfo(run.msgOffsetInfo, topic, queueId, offsets.join(','));
    for (let i = 0; i < buffers.length; i++) {
      let buf = buffers[i]!;
      if (isRetry) {
        // Messages of the retry topic go out under the topic the consumer asked for, with their receipt
        // (5.x's default popResponseReturnActualRetryTopic=false).
        const m = decodeMessage(buf, 0, { decompressBody: false });
        m.properties[MessageConst.PROPERTY_POP_CK] ??= buildExtraInfo({
          ckQueueOffset: offset, popTime: run.popTime, invisibleTime: h.invisibleTime, reviveQid: run.reviveQid, topic,
          brokerName, queueId, queueOffset: m.queueOffset,
        });
        buf = encodeStoredMessage({ ...m, topic: h.topic, propertiesString: undefined });
      }
      run.buffers.push(buf);
      run.size += buf.length;
    }
  } finally {
    st.unlock(topic, group, queueId);
  }
}

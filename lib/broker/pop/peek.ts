// PEEK_MESSAGE (200052): messages a POP group would get next, without handing them out (no checkpoint, no offset
// move): the group's retry topic (one peek in five first, else when the topic gave too few) and one queue or all.
import { ResponseCode } from '../../protocol/codes.ts';
import { PermName } from '../../protocol/constants.ts';
import { PeekMessageRequestHeader } from '../../protocol/headers/pop.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { BrokerContext } from '../context.ts';
import type { PopService } from './pop-service.ts';

export async function handlePeekMessage(svc: PopService, ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> {
  const h = decodeHeader(PeekMessageRequestHeader, req.extFields);
  const c = ctx.config();
  const fail = (code: number, remark: string) => createResponse(req, code, remark);
  if (!PermName.isReadable(c.brokerPermission)) return fail(ResponseCode.NO_PERMISSION, `the broker[${c.brokerIP1}] peeking message is forbidden`);
  const tc = ctx.topics.selectTopicConfig(h.topic);
  if (!tc) return fail(ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!`);
  if (!PermName.isReadable(tc.perm)) return fail(ResponseCode.NO_PERMISSION, `the topic[${h.topic}] peeking message is forbidden`);
  if (h.queueId >= tc.readQueueNums) return fail(ResponseCode.INVALID_PARAMETER, `queueId[${h.queueId}] is illegal, topic:[${h.topic}] topicConfig.readQueueNums:[${tc.readQueueNums}]`);
  const sg = ctx.groups.findSubscriptionGroupConfig(h.consumerGroup);
  if (!sg) return fail(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group [${h.consumerGroup}] does not exist`);
  if (!sg.consumeEnable) return fail(ResponseCode.NO_PERMISSION, `subscription group no permission, ${h.consumerGroup}`);

  const randomQ = Math.floor(Math.random() * 100);
  const buffers: Buffer[] = [];
  let restNum = 0;
  const peekQueue = async (topic: string, queueId: number): Promise<void> => {
    const stored = ctx.offsets.queryOffset(h.consumerGroup, topic, queueId);
    const offset = stored >= 0 ? stored : ctx.store.getMinOffsetInQueue(topic, queueId);
    const want = h.maxMsgNums - buffers.length;
    if (want <= 0) {
      restNum += Math.max(0, ctx.store.getMaxOffsetInQueue(topic, queueId) - offset);
      return;
    }
    const r = await ctx.store.getMessage(h.consumerGroup, topic, queueId, offset, want);
    buffers.push(...r.buffers);
    restNum += Math.max(0, r.maxOffset - r.nextBeginOffset);
  };
  const peekTopic = async (topic: string): Promise<void> => {
    const t = ctx.topics.selectTopicConfig(topic);
    for (let i = 0; t && i < t.readQueueNums; i++) await peekQueue(topic, (randomQ + i) % t.readQueueNums);
  };
  const retryTopic = svc.state.retryTopicOf(h.topic, h.consumerGroup);
  const retryFirst = randomQ % 5 === 0;
  if (retryFirst) await peekTopic(retryTopic);
  if (h.queueId < 0) await peekTopic(h.topic);
  else await peekQueue(h.topic, h.queueId);
  if (!retryFirst && buffers.length < h.maxMsgNums) await peekTopic(retryTopic);

  const found = buffers.length > 0;
  const res = createResponse(req, found ? ResponseCode.SUCCESS : ResponseCode.PULL_NOT_FOUND, found ? 'FOUND' : 'NO_MESSAGE_IN_QUEUE',
    { popTime: 0, invisibleTime: 0, reviveQid: 0, restNum });
  if (found) res.body = Buffer.concat(buffers);
  return res;
}

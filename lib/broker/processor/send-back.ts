// CONSUMER_SEND_MSG_BACK (36): a message the consumer failed goes to %RETRY%<group> with the delay level of its
// reconsume count (level 3 + times when the client leaves it to the broker), or to %DLQ%<group> once it has been
// retried maxReconsumeTimes times (or the client asks for a negative level).

import { ResponseCode } from '../../protocol/codes.ts';
import { PermName, TopicSysFlag, getDLQTopic, getRetryTopic } from '../../protocol/constants.ts';
import { ConsumerSendMsgBackRequestHeader } from '../../protocol/headers/message.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { messageProperties2String } from '../../protocol/message-properties.ts';
import { tagsHashCode } from '../../protocol/message.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { BrokerContext } from '../context.ts';
import { ok } from '../context.ts';
import { putInternal, randomQueueId } from '../put-message.ts';

/** RocketMQ keeps one DLQ queue per group. */
const DLQ_NUMS_PER_GROUP = 1;

export async function handleConsumerSendMsgBack(ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> {
  const h = decodeHeader(ConsumerSendMsgBackRequestHeader, req.extFields);
  const c = ctx.config();
  const sg = ctx.groups.findSubscriptionGroupConfig(h.group);
  if (!sg) return createResponse(req, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${h.group}`);
  if (!PermName.isWriteable(c.brokerPermission)) {
    return createResponse(req, ResponseCode.NO_PERMISSION, `the broker[${c.brokerIP1}] sending message is forbidden`);
  }
  if (sg.retryQueueNums <= 0) return ok(req);

  let topic = getRetryTopic(h.group);
  let queueId = randomQueueId(sg.retryQueueNums);
  const retry = ctx.topics.createTopicInSendMessageBackMethod(topic, sg.retryQueueNums, PermName.PERM_WRITE | PermName.PERM_READ,
    h.unitMode ? TopicSysFlag.buildSysFlag(false, true) : 0);
  if (retry.created) ctx.registerIncrementBrokerData(retry.topicConfig);
  if (!PermName.isWriteable(retry.topicConfig.perm)) {
    return createResponse(req, ResponseCode.NO_PERMISSION, `the topic[${topic}] sending message is forbidden`);
  }
  const msg = await ctx.store.lookMessageByOffset(h.offset);
  if (!msg) return createResponse(req, ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${h.offset}`);

  const props = msg.properties;
  props[MessageConst.PROPERTY_RETRY_TOPIC] ??= msg.topic;
  props[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] = 'false';
  let delayLevel = h.delayLevel;
  const maxReconsumeTimes = h.maxReconsumeTimes ?? sg.retryMaxTimes;
  if (msg.reconsumeTimes >= maxReconsumeTimes || delayLevel < 0) {
    topic = getDLQTopic(h.group);
    queueId = randomQueueId(DLQ_NUMS_PER_GROUP);
    const dlq = ctx.topics.createTopicInSendMessageBackMethod(topic, DLQ_NUMS_PER_GROUP, PermName.PERM_WRITE | PermName.PERM_READ, 0);
    if (dlq.created) ctx.registerIncrementBrokerData(dlq.topicConfig);
    delete props[MessageConst.PROPERTY_DELAY_TIME_LEVEL];
    ctx.log.info('message_to_dlq', { group: h.group, topic: msg.topic, msgId: msg.msgId, reconsumeTimes: msg.reconsumeTimes });
  } else {
    if (delayLevel === 0) delayLevel = 3 + msg.reconsumeTimes;
    props[MessageConst.PROPERTY_DELAY_TIME_LEVEL] = String(delayLevel);
  }
  if (!props[MessageConst.PROPERTY_ORIGIN_MESSAGE_ID]?.trim()) props[MessageConst.PROPERTY_ORIGIN_MESSAGE_ID] = msg.msgId;
  const tags = props[MessageConst.PROPERTY_TAGS];

  const r = await putInternal(ctx, {
    topic,
    queueId,
    flag: msg.flag,
    body: msg.body,
    properties: props,
    propertiesString: messageProperties2String(props),
    tagsCode: tags ? tagsHashCode(tags) : 0,
    sysFlag: msg.sysFlag,
    bornTimestamp: msg.bornTimestamp,
    bornHost: msg.bornHost,
    storeHost: msg.storeHost,
    reconsumeTimes: msg.reconsumeTimes + 1,
  });
  if (r.appendResult) {
    ctx.stats.incSendBack(h.group, props[MessageConst.PROPERTY_RETRY_TOPIC] ?? msg.topic);
    return ok(req);
  }
  return createResponse(req, ResponseCode.SYSTEM_ERROR, r.status);
}

// GET_TOPIC_CONFIG (351) and GET_SUBSCRIPTIONGROUP_CONFIG (352): one topic's or group's config, as a 5.x proxy
// asks a broker for a topic's message.type attribute and a group's consumeMessageOrderly.
import { ResponseCode } from '../../protocol/codes.ts';
import { encodeTopicConfig } from '../../protocol/bodies/topic.ts';
import { encodeSubscriptionGroupConfig } from '../../protocol/bodies/subscription-group.ts';
import { GetSubscriptionGroupConfigRequestHeader, GetTopicConfigRequestHeader } from '../../protocol/headers/admin.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import { ok, type BrokerContext } from '../context.ts';

/** The body is 5.x's TopicConfigAndQueueMapping: the TopicConfig fields (no static-topic mapping here). */
export function handleGetTopicConfig(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const h = decodeHeader(GetTopicConfigRequestHeader, req.extFields);
  const tc = ctx.topics.selectTopicConfig(h.topic);
  if (!tc) return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `No topic in this broker. topic: ${h.topic}`);
  return ok(req, encodeTopicConfig(tc));
}

export function handleGetSubscriptionGroupConfig(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const h = decodeHeader(GetSubscriptionGroupConfigRequestHeader, req.extFields);
  const c = ctx.groups.get(h.group);
  if (!c) return createResponse(req, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `No subscription group in this broker. group: ${h.group}`);
  return ok(req, encodeSubscriptionGroupConfig(c));
}

/**
 * "+message.type=FIFO,+k=v" (UPDATE_AND_CREATE_TOPIC's attributes header) -> map keyed "message.type", as a 5.3.3
 * broker stores it (AttributeUtil.alterCurrentAttributes drops the sign; lib/admin/fixtures/apache-5.3.3/topic-config.json).
 */
export function parseTopicAttributes(text: string | undefined): Map<string, string> | undefined {
  if (!text) return undefined;
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const kv = part.trim();
    if (!kv) continue;
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    if (!key.startsWith('+')) continue; // "-key" deletes; a new config has nothing to delete
    out.set(key.slice(1), eq < 0 ? '' : kv.slice(eq + 1));
  }
  return out.size ? out : undefined;
}

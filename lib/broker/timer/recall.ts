// RECALL_MESSAGE (370, 5.3): cancels a pending timer message by the recall handle its send answered.
//
// handle = base64url("v1 <topic> <brokerName> <TIMER_OUT_MS + 1> <UNIQ_KEY>") (5.x RecallMessageHandle.HandleV1).
// A recall is stored as a marker message in rmq_sys_wheel_timer queue 1 (TIMER_DEL_UNIQKEY = "<topic>+<uniqKey>"),
// read back at start, and the timer service skips a due timer whose key was recalled.
import { ResponseCode } from '../../protocol/codes.ts';
import { PermName } from '../../protocol/constants.ts';
import { RecallMessageRequestHeader } from '../../protocol/headers/message.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { messageProperties2String } from '../../protocol/message-properties.ts';
import { tagsHashCode } from '../../protocol/message.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import type { MessageExtBrokerInner } from '../../store/types.ts';
import type { BrokerContext } from '../context.ts';
import { timerConfig } from '../pop/config.ts';
import { bornHostOf, mapPutStatus } from '../put-message.ts';

export const RECALL_QUEUE_ID = 1;
const RECALL_MESSAGE_TAG = '_RECALL_TAG_';

export const buildDeleteKey = (realTopic: string, uniqKey: string): string => `${realTopic}+${uniqKey}`;

export function buildRecallHandle(topic: string, brokerName: string, timestampStr: string, uniqKey: string): string {
  return Buffer.from(['v1', topic, brokerName, timestampStr, uniqKey].join(' '), 'utf8').toString('base64url');
}

export interface RecallHandle {
  topic: string;
  brokerName: string;
  timestampStr: string;
  messageId: string;
}

export function decodeRecallHandle(handle: string): RecallHandle | undefined {
  if (!handle || !/^[A-Za-z0-9_=-]+$/.test(handle)) return undefined;
  const items = Buffer.from(handle, 'base64url').toString('utf8').split(' ');
  if (items[0] !== 'v1' || items.length < 5) return undefined;
  return { topic: items[1]!, brokerName: items[2]!, timestampStr: items[3]!, messageId: items[4]! };
}

/** The recall handle a send of a timer message is answered with (5.x attachRecallHandle). */
export function recallHandleOf(ctx: BrokerContext, msg: MessageExtBrokerInner): string | undefined {
  const out = msg.properties[MessageConst.PROPERTY_TIMER_OUT_MS];
  const real = msg.properties[MessageConst.PROPERTY_REAL_TOPIC];
  const uniq = msg.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX];
  if (!out || !real || !uniq || real.startsWith('%RETRY%')) return undefined;
  return buildRecallHandle(real, ctx.config().brokerName, String(Number(out) + 1), uniq);
}

const recallEnabled = (ctx: BrokerContext): boolean => ctx.config().passive.get('recallMessageEnable')?.trim().toLowerCase() === 'true';

export async function handleRecallMessage(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand> {
  const h = decodeHeader(RecallMessageRequestHeader, req.extFields);
  const c = ctx.config();
  const fail = (code: number, remark: string) => createResponse(req, code, remark);
  if (!recallEnabled(ctx)) return fail(ResponseCode.NO_PERMISSION, 'recall failed, operation is forbidden');
  if (!PermName.isWriteable(c.brokerPermission)) return fail(ResponseCode.SERVICE_NOT_AVAILABLE, 'recall failed, broker service not available');
  if (!ctx.topics.selectTopicConfig(h.topic)) return fail(ResponseCode.TOPIC_NOT_EXIST, `recall failed, the topic[${h.topic}] not exist`);
  const handle = decodeRecallHandle(h.recallHandle);
  if (!handle) return fail(ResponseCode.ILLEGAL_OPERATION, 'recall handle is invalid');
  if (handle.topic !== h.topic) return fail(ResponseCode.ILLEGAL_OPERATION, 'recall failed, topic not match');
  if (handle.brokerName !== c.brokerName) return fail(ResponseCode.ILLEGAL_OPERATION, 'recall failed, broker service not available');
  const ts = /^\d+$/.test(handle.timestampStr) ? Number(handle.timestampStr) : -1;
  const left = ts - Date.now();
  if (left <= 0 || left >= timerConfig(c).timerMaxDelaySec * 1000) return fail(ResponseCode.ILLEGAL_OPERATION, 'recall failed, timestamp invalid');
  const timer = ctx.timer;
  if (!timer) return fail(ResponseCode.SERVICE_NOT_AVAILABLE, 'recall failed, broker service not available');
  const props: Record<string, string> = {
    [MessageConst.PROPERTY_TAGS]: RECALL_MESSAGE_TAG,
    [MessageConst.PROPERTY_TIMER_DEL_UNIQKEY]: buildDeleteKey(handle.topic, handle.messageId),
    [MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX]: handle.messageId,
    [MessageConst.PROPERTY_TIMER_DELIVER_MS]: handle.timestampStr,
  };
  if (h.producerGroup) props[MessageConst.PROPERTY_PRODUCER_GROUP] = h.producerGroup;
  const r = await timer.storeRecall({
    topic: '', queueId: RECALL_QUEUE_ID, flag: 0, body: Buffer.from('0'), properties: props, propertiesString: messageProperties2String(props),
    tagsCode: tagsHashCode(RECALL_MESSAGE_TAG), sysFlag: 0, bornTimestamp: Date.now(), bornHost: bornHostOf(conn), storeHost: ctx.storeHost(), reconsumeTimes: 0,
  });
  const out = mapPutStatus(ctx, r);
  if (!out.sendOK) return fail(out.code, out.remark ?? r.status);
  ctx.log.info('timer_message_recalled', { topic: handle.topic, uniqKey: handle.messageId });
  return createResponse(req, ResponseCode.SUCCESS, undefined, { msgId: handle.messageId });
}

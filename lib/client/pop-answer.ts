// The messages of a POP_MESSAGE answer with their receipts ("extra info"), as 5.x clients read them: a message
// without a POP_CK property gets one built from the answer's start/msg offset infos; an orderly pop's attempt count
// comes from its order count info. Shared by the SimpleConsumer and the gRPC endpoint.
import { ResponseCode, RequestCode } from '../protocol/codes.ts';
import { PopMessageResponseHeader } from '../protocol/headers/pop.ts';
import { decodeHeader } from '../protocol/headers/spec.ts';
import { decodeMessages } from '../protocol/message-codec.ts';
import { MessageConst } from '../protocol/message-const.ts';
import type { MessageExt } from '../protocol/message.ts';
import {
  buildExtraInfo, infoKey, parseMsgOffsetInfo, parseOrderCountInfo, parseStartOffsetInfo, queueOffsetInfoKey,
} from '../protocol/pop-extra-info.ts';
import type { RemotingCommand } from '../remoting/command.ts';
import { ResponseCodeError } from '../remoting/errors.ts';
import { MQClientError } from './errors.ts';

export interface PoppedRecord {
  ext: MessageExt;
  /** The receipt to ack or change the invisible time with. */
  extraInfo: string;
  /** 1 for a first delivery. */
  deliveryAttempt: number;
}

/** The popped messages of `res` from broker `brokerName` at `addr`; none for the "nothing to pop" answers. */
export function decodePopAnswer(res: RemotingCommand, addr: string, brokerName: string, orderly: boolean): PoppedRecord[] {
  if (res.code === ResponseCode.POLLING_TIMEOUT || res.code === ResponseCode.PULL_NOT_FOUND || res.code === ResponseCode.POLLING_FULL) return [];
  if (res.code !== ResponseCode.SUCCESS) throw new ResponseCodeError(addr, res.code, res.remark, RequestCode.POP_MESSAGE);
  const h = decodeHeader(PopMessageResponseHeader, res.extFields);
  const start = parseStartOffsetInfo(h.startOffsetInfo);
  const offs = parseMsgOffsetInfo(h.msgOffsetInfo);
  const counts = parseOrderCountInfo(h.orderCountInfo);
  const msgs = res.body ? decodeMessages(res.body) : [];
  return msgs.map((m) => {
    let extraInfo = m.properties[MessageConst.PROPERTY_POP_CK];
    const key = infoKey(m.topic, m.queueId);
    if (!extraInfo) {
      const so = start.get(key);
      if (so === undefined || !offs.get(key)?.includes(m.queueOffset)) {
        throw new MQClientError(`pop answer from ${addr} has no offset info for ${key} offset ${m.queueOffset}`);
      }
      extraInfo = buildExtraInfo({
        ckQueueOffset: so, popTime: h.popTime, invisibleTime: h.invisibleTime, reviveQid: h.reviveQid, topic: m.topic, brokerName,
        queueId: m.queueId, queueOffset: m.queueOffset,
      });
    }
    let reconsumeTimes = m.reconsumeTimes;
    if (orderly) {
      const c = counts.get(queueOffsetInfoKey(m.topic, m.queueId, m.queueOffset)) ?? counts.get(key);
      if (c !== undefined && c > 0) reconsumeTimes = c;
    }
    return { ext: m, extraInfo, deliveryAttempt: reconsumeTimes + 1 };
  });
}

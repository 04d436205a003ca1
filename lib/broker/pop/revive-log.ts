// The revive log (5.x: rmq_sys_REVIVE_LOG_<cluster>): every POP checkpoint and ack is a message in one of its
// queues before the request is answered, so the pop state can be rebuilt after a crash by reading them back.
//
// Records (tag, fastjson body with 5.x's short names):
//   "ck"   PopCheckPoint {so startOffset, pt popTime, it invisibleTime, bm bitMap, n num, q queueId, t topic,
//          c consumerGroup, ro reviveOffset, d [queue offset - startOffset], bn brokerName}
//   "ack"  AckMsg {ao ackOffset, so startOffset, c group, t topic, q queueId, pt popTime, bn brokerName}
//   "bAck" BatchAckMsg: AckMsg with "aol" [ackOffsets] instead of "ao" (also written when a checkpoint is
//          revived, so a replay does not revive it twice)
import { decodeWith, Fields } from '../../protocol/bodies/read.ts';
import { encodeFastJson } from '../../protocol/fastjson.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { messageProperties2String } from '../../protocol/message-properties.ts';
import type { SocketHost } from '../../protocol/message-host.ts';
import { tagsHashCode } from '../../protocol/message.ts';
import type { MessageExtBrokerInner } from '../../store/types.ts';

export const REVIVE_TOPIC_PREFIX = 'rmq_sys_REVIVE_LOG_';
export const REVIVE_GROUP = 'CID_RMQ_SYS_REVIVE_GROUP';
export const CK_TAG = 'ck';
export const ACK_TAG = 'ack';
export const BATCH_ACK_TAG = 'bAck';

export const reviveTopicOf = (cluster: string): string => `${REVIVE_TOPIC_PREFIX}${cluster}`;

export interface CheckPointRecord {
  startOffset: number;
  popTime: number;
  invisibleTime: number;
  queueId: number;
  topic: string;
  group: string;
  brokerName: string;
  /** Queue offsets of the popped messages. */
  offsets: number[];
}

export interface AckRecord {
  startOffset: number;
  popTime: number;
  queueId: number;
  topic: string;
  group: string;
  brokerName: string;
  ackOffsets: number[];
}

export function encodeCheckPoint(ck: CheckPointRecord): Buffer {
  return encodeFastJson({
    bm: 0, bn: ck.brokerName, c: ck.group, d: ck.offsets.map((o) => o - ck.startOffset), it: ck.invisibleTime,
    n: ck.offsets.length, pt: ck.popTime, q: ck.queueId, ro: 0, so: ck.startOffset, t: ck.topic,
  });
}

export function decodeCheckPoint(body: Buffer): CheckPointRecord {
  return decodeWith(body, 'PopCheckPoint', (v, p) => {
    const f = Fields.of(v, p);
    const so = f.num('so');
    const d = f.list('d', (x) => Number(x));
    return {
      startOffset: so, popTime: f.num('pt'), invisibleTime: f.num('it'), queueId: f.num('q'), topic: f.strOr('t', ''),
      group: f.strOr('c', ''), brokerName: f.strOr('bn', ''), offsets: d.length > 0 ? d.map((x) => so + x) : [so],
    };
  });
}

export function encodeAck(a: AckRecord): Buffer {
  const base = { bn: a.brokerName, c: a.group, pt: a.popTime, q: a.queueId, so: a.startOffset, t: a.topic };
  return a.ackOffsets.length === 1 ? encodeFastJson({ ao: a.ackOffsets[0], ...base }) : encodeFastJson({ aol: a.ackOffsets, ...base });
}

export function decodeAck(body: Buffer): AckRecord {
  return decodeWith(body, 'AckMsg', (v, p) => {
    const f = Fields.of(v, p);
    const list = f.has('aol') ? f.list('aol', (x) => Number(x)) : [f.num('ao')];
    return {
      startOffset: f.num('so'), popTime: f.num('pt'), queueId: f.num('q'), topic: f.strOr('t', ''), group: f.strOr('c', ''),
      brokerName: f.strOr('bn', ''), ackOffsets: list,
    };
  });
}

export function reviveMessage(topic: string, queueId: number, tag: string, body: Buffer, host: SocketHost): MessageExtBrokerInner {
  const props = { [MessageConst.PROPERTY_TAGS]: tag };
  return {
    topic, queueId, flag: 0, body, properties: props, propertiesString: messageProperties2String(props),
    tagsCode: tagsHashCode(tag), sysFlag: 0, bornTimestamp: Date.now(), bornHost: host, storeHost: host, reconsumeTimes: 0,
  };
}

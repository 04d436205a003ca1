// Bodies of the 5.x POP requests: BATCH_ACK_MESSAGE (200151), SET_MESSAGE_REQUEST_MODE (401),
// GET_ALL_MESSAGE_REQUEST_MODE (402) and QUERY_ASSIGNMENT (400).
import type { FJValue } from '../fastjson.ts';
import {
  Fields, decodeWith, encodeWith, readMessageQueue, writeMessageQueue, type BodyInput, type MessageQueue,
} from './read.ts';

/**
 * One ack batch (Java BatchAck). fastjson writes the short names ("c", "t", "r", "so", "q", "rq", "pt", "it", "b")
 * and reads either; `bitSet` travels as base64 of java.util.BitSet.toByteArray() (little-endian bit order):
 * bit i set = the message at startOffset + i is acked. `retry` is "0" normal topic, "1" retry v1, "2" retry v2.
 */
export interface BatchAck {
  consumerGroup: string;
  topic: string;
  retry: string;
  startOffset: number;
  queueId: number;
  reviveQueueId: number;
  popTime: number;
  invisibleTime: number;
  /** Offsets relative to startOffset that are acked. */
  bitSet: number[];
}

export interface BatchAckMessageRequestBody {
  brokerName: string;
  acks: BatchAck[];
}

/** java.util.BitSet.toByteArray(): little-endian, trailing zero bytes dropped. */
export function bitSetToBytes(bits: number[]): Buffer {
  if (bits.length === 0) return Buffer.alloc(0);
  const max = Math.max(...bits);
  const out = Buffer.alloc((max >> 3) + 1);
  for (const b of bits) {
    if (!Number.isInteger(b) || b < 0) throw new RangeError(`bit index ${b} is not a non-negative integer`);
    out[b >> 3]! |= 1 << (b & 7);
  }
  return out;
}

export function bitSetFromBytes(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const v = bytes[i]!;
    for (let j = 0; j < 8; j++) if (v & (1 << j)) out.push(i * 8 + j);
  }
  return out;
}

function pick(f: Fields, short: string, long: string): FJValue | undefined {
  return f.raw(short) ?? f.raw(long);
}

function readBatchAck(v: FJValue, path: string): BatchAck {
  const f = Fields.of(v, path);
  const str = (s: string, l: string): string => {
    const x = pick(f, s, l);
    return x === undefined ? '' : String(x);
  };
  const num = (s: string, l: string): number => (f.has(s) ? f.num(s) : f.num(l));
  const b = pick(f, 'b', 'bitSet');
  let bitSet: number[] = [];
  if (typeof b === 'string') bitSet = bitSetFromBytes(Buffer.from(b, 'base64'));
  else if (Array.isArray(b)) bitSet = bitSetFromBytes(Uint8Array.from(b.map((x) => Number(x) & 0xff)));
  return {
    consumerGroup: str('c', 'consumerGroup'),
    topic: str('t', 'topic'),
    retry: str('r', 'retry') || '0',
    startOffset: num('so', 'startOffset'),
    queueId: num('q', 'queueId'),
    reviveQueueId: num('rq', 'reviveQueueId'),
    popTime: num('pt', 'popTime'),
    invisibleTime: num('it', 'invisibleTime'),
    bitSet,
  };
}

const writeBatchAck = (a: BatchAck): Record<string, unknown> => ({
  b: bitSetToBytes(a.bitSet),
  c: a.consumerGroup,
  it: a.invisibleTime,
  pt: a.popTime,
  q: a.queueId,
  r: a.retry,
  rq: a.reviveQueueId,
  so: a.startOffset,
  t: a.topic,
});

export const decodeBatchAckMessageRequestBody = (body: BodyInput | undefined): BatchAckMessageRequestBody =>
  decodeWith(body, 'BatchAckMessageRequestBody', (v, p) => {
    const f = Fields.of(v, p);
    return { brokerName: f.strOr('brokerName', ''), acks: f.list('acks', readBatchAck) };
  });

export const encodeBatchAckMessageRequestBody = (b: BatchAckMessageRequestBody): Buffer =>
  encodeWith({ acks: b.acks.map(writeBatchAck), brokerName: b.brokerName });

/** MessageRequestMode: how a group consumes a topic (PULL = 4.x rebalance + pull, POP = broker hands out). */
export type MessageRequestMode = 'PULL' | 'POP';

export interface SetMessageRequestModeRequestBody {
  topic: string;
  consumerGroup: string;
  mode: MessageRequestMode;
  /** A POP consumer may also pop the queues assigned to the N consumers after it in the client id list. */
  popShareQueueNum: number;
}

function readMode(v: FJValue, path: string): SetMessageRequestModeRequestBody {
  const f = Fields.of(v, path);
  const mode = f.strOr('mode', 'PULL');
  return {
    topic: f.strOr('topic', ''),
    consumerGroup: f.strOr('consumerGroup', ''),
    mode: mode === 'POP' ? 'POP' : 'PULL',
    popShareQueueNum: f.num('popShareQueueNum'),
  };
}

const writeMode = (b: SetMessageRequestModeRequestBody): Record<string, unknown> => ({
  consumerGroup: b.consumerGroup, mode: b.mode, popShareQueueNum: b.popShareQueueNum, topic: b.topic,
});

export const decodeSetMessageRequestModeRequestBody = (body: BodyInput | undefined): SetMessageRequestModeRequestBody =>
  decodeWith(body, 'SetMessageRequestModeRequestBody', readMode);
export const encodeSetMessageRequestModeRequestBody = (b: SetMessageRequestModeRequestBody): Buffer => encodeWith(writeMode(b));

/** MessageRequestModeSerializeWrapper: topic -> group -> mode (GET_ALL_MESSAGE_REQUEST_MODE's body, and the file). */
export type MessageRequestModeTable = Map<string, Map<string, SetMessageRequestModeRequestBody>>;

export const decodeMessageRequestModeSerializeWrapper = (body: BodyInput | undefined): MessageRequestModeTable =>
  decodeWith(body, 'MessageRequestModeSerializeWrapper', (v, p) =>
    Fields.of(v, p).stringMap('messageRequestModeMap', readGroupMap));

function readGroupMap(v: FJValue, path: string): Map<string, SetMessageRequestModeRequestBody> {
  const out = new Map<string, SetMessageRequestModeRequestBody>();
  const f = Fields.of(v, path);
  for (const [k, x] of f.obj) out.set(String(k), readMode(x, `${path}.${String(k)}`));
  return out;
}

export const encodeMessageRequestModeSerializeWrapper = (t: MessageRequestModeTable): Buffer => {
  const outer = new Map<string, unknown>();
  for (const [topic, groups] of t) {
    const inner = new Map<string, unknown>();
    for (const [g, b] of groups) inner.set(g, writeMode(b));
    outer.set(topic, inner);
  }
  return encodeWith({ messageRequestModeMap: outer });
};

export interface QueryAssignmentRequestBody {
  topic: string;
  consumerGroup: string;
  clientId: string;
  strategyName: string;
  messageModel: string;
}

export const decodeQueryAssignmentRequestBody = (body: BodyInput | undefined): QueryAssignmentRequestBody =>
  decodeWith(body, 'QueryAssignmentRequestBody', (v, p) => {
    const f = Fields.of(v, p);
    return {
      topic: f.strOr('topic', ''), consumerGroup: f.strOr('consumerGroup', ''), clientId: f.strOr('clientId', ''),
      strategyName: f.strOr('strategyName', ''), messageModel: f.strOr('messageModel', 'CLUSTERING'),
    };
  });
export const encodeQueryAssignmentRequestBody = (b: QueryAssignmentRequestBody): Buffer =>
  encodeWith({ clientId: b.clientId, consumerGroup: b.consumerGroup, messageModel: b.messageModel, strategyName: b.strategyName, topic: b.topic });

export interface MessageQueueAssignment {
  messageQueue: MessageQueue;
  mode: MessageRequestMode;
  attachments?: Map<string, string>;
}

export const decodeQueryAssignmentResponseBody = (body: BodyInput | undefined): MessageQueueAssignment[] =>
  decodeWith(body, 'QueryAssignmentResponseBody', (v, p) =>
    Fields.of(v, p).list('messageQueueAssignments', (x, q) => {
      const f = Fields.of(x, q);
      const mq = f.bean('messageQueue', readMessageQueue);
      if (!mq) throw new Error(`${q}.messageQueue: missing`);
      return { messageQueue: mq, mode: f.strOr('mode', 'PULL') === 'POP' ? 'POP' : 'PULL' } as MessageQueueAssignment;
    }));

export const encodeQueryAssignmentResponseBody = (list: MessageQueueAssignment[]): Buffer =>
  encodeWith({
    messageQueueAssignments: list.map((a) => ({ messageQueue: writeMessageQueue(a.messageQueue), mode: a.mode })),
  });

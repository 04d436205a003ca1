// Offset bodies: ConsumerOffsetSerializeWrapper (43), delay offsets (45), ResetOffsetBody (220/222), GetConsumerStatusBody (221/223).
import type { FJValue } from '../fastjson.ts';
import { readDataVersion, writeDataVersion, type DataVersion } from './topic.ts';
import {
  Fields, decodeWith, encodeWith, readNumber, writeMqEntries, asObject, asNumber, type BodyInput, type MessageQueueEntries,
} from './read.ts';

/**
 * GET_ALL_CONSUMER_OFFSET answer (and consumerOffset.json): "topic@group" -> queueId -> committed offset.
 * Integer keys are written bare: {"offsetTable":{"VecTopic@vec_cg":{0:224,1:224}}}.
 */
export interface ConsumerOffsetSerializeWrapper {
  offsetTable: Map<string, Map<number, number>>;
  /** 5.x only */
  dataVersion?: DataVersion;
}

const readQueueOffsets = (v: FJValue, path: string): Map<number, number> => {
  const out = new Map<number, number>();
  for (const [k, x] of asObject(v, path)) out.set(asNumber(k as FJValue, `${path} key`), asNumber(x, `${path}.${String(k)}`));
  return out;
};

export function readConsumerOffsetSerializeWrapper(v: FJValue, path: string): ConsumerOffsetSerializeWrapper {
  const f = Fields.of(v, path);
  const out: ConsumerOffsetSerializeWrapper = { offsetTable: f.stringMap('offsetTable', readQueueOffsets) };
  const dv = f.bean('dataVersion', readDataVersion);
  if (dv) out.dataVersion = dv;
  return out;
}

export const decodeConsumerOffsetSerializeWrapper = (body: BodyInput | undefined): ConsumerOffsetSerializeWrapper =>
  decodeWith(body, 'ConsumerOffsetSerializeWrapper', readConsumerOffsetSerializeWrapper);
export const encodeConsumerOffsetSerializeWrapper = (w: ConsumerOffsetSerializeWrapper): Buffer =>
  encodeWith({
    offsetTable: new Map([...w.offsetTable].map(([k, m]) => [k, new Map(m)])),
    dataVersion: w.dataVersion ? writeDataVersion(w.dataVersion) : undefined,
  });

/** GET_ALL_DELAY_OFFSET answer (and delayOffset.json): delay level -> schedule queue offset. */
export interface DelayOffsetSerializeWrapper {
  offsetTable: Map<number, number>;
  /** 5.x only */
  dataVersion?: DataVersion;
}

export const decodeDelayOffsetSerializeWrapper = (body: BodyInput | undefined): DelayOffsetSerializeWrapper =>
  decodeWith(body, 'DelayOffsetSerializeWrapper', (v, p) => {
    const f = Fields.of(v, p);
    const out: DelayOffsetSerializeWrapper = { offsetTable: f.numberMap('offsetTable', readNumber) };
    const dv = f.bean('dataVersion', readDataVersion);
    if (dv) out.dataVersion = dv;
    return out;
  });
export const encodeDelayOffsetSerializeWrapper = (w: DelayOffsetSerializeWrapper): Buffer =>
  encodeWith({ offsetTable: new Map(w.offsetTable), dataVersion: w.dataVersion ? writeDataVersion(w.dataVersion) : undefined });

/** RESET_CONSUMER_CLIENT_OFFSET request body and INVOKE_BROKER_TO_RESET_OFFSET answer: queue -> new offset. */
export interface ResetOffsetBody {
  offsetTable: MessageQueueEntries<number>;
}

export const decodeResetOffsetBody = (body: BodyInput | undefined): ResetOffsetBody =>
  decodeWith(body, 'ResetOffsetBody', (v, p) => ({ offsetTable: Fields.of(v, p).mqMap('offsetTable', readNumber) }));
export const encodeResetOffsetBody = (b: ResetOffsetBody): Buffer =>
  encodeWith({ offsetTable: writeMqEntries(b.offsetTable, (n) => n) });

/** GET_CONSUMER_STATUS_FROM_CLIENT answer (messageQueueTable) / INVOKE_BROKER_TO_GET_CONSUMER_STATUS (consumerTable). */
export interface GetConsumerStatusBody {
  messageQueueTable: MessageQueueEntries<number>;
  /** clientId -> queue -> offset */
  consumerTable: Map<string, MessageQueueEntries<number>>;
}

export const decodeGetConsumerStatusBody = (body: BodyInput | undefined): GetConsumerStatusBody =>
  decodeWith(body, 'GetConsumerStatusBody', (v, p) => {
    const f = Fields.of(v, p);
    return {
      messageQueueTable: f.mqMap('messageQueueTable', readNumber),
      consumerTable: f.stringMap('consumerTable', (x, q) => new Fields(asObject(x, q), q).mqMapOf(readNumber)),
    };
  });
export const encodeGetConsumerStatusBody = (b: GetConsumerStatusBody): Buffer =>
  encodeWith({
    consumerTable: new Map([...b.consumerTable].map(([k, e]) => [k, writeMqEntries(e, (n) => n)])),
    messageQueueTable: writeMqEntries(b.messageQueueTable, (n) => n),
  });

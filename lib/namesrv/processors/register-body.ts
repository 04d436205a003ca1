// REGISTER_BROKER bodies as the registry takes them: JSON (lib/protocol/bodies), the pre-3.0.11 bare wrapper,
// and the deflated binary form a broker sends with compressedRegister=true (not covered by lib/protocol/bodies).
//
// Compressed layout (RocketMQ RegisterBrokerBody.encode(true)), all of it deflated (zlib) as one stream:
//   int32 len | DataVersion JSON
//   int32 topicCount | { int32 len | "topicName readQueueNums writeQueueNums perm topicFilterType" }*
//   int32 len | filterServerList JSON array
// The per-topic text has no topicSysFlag, so compressed registrations carry topicSysFlag 0 (as in RocketMQ).

import { inflateSync } from 'node:zlib';
import {
  BodyError,
  decodeDataVersion,
  decodeRegisterBrokerBody,
  decodeTopicConfigSerializeWrapper,
  type DataVersion,
} from '../../protocol/bodies/index.ts';
import { parseFastJson } from '../../protocol/fastjson.ts';
import type { TopicConfigLike } from '../route-types.ts';

export interface RegisterBody {
  topicConfigSerializeWrapper: { dataVersion: DataVersion; topicConfigTable: TopicConfigLike[] };
  /** undefined for the pre-3.0.11 body, which has no such list. */
  filterServerList?: string[];
}

/** MQVersion V3_0_11: brokers from this version on send RegisterBrokerBody, older ones a bare wrapper. */
const V3_0_11 = 37;

export function readRegisterBody(body: Buffer, compressed: boolean, version: number): RegisterBody {
  if (compressed) return decodeCompressed(body);
  if (version < V3_0_11) {
    const w = decodeTopicConfigSerializeWrapper(body);
    return { topicConfigSerializeWrapper: { dataVersion: w.dataVersion, topicConfigTable: [...w.topicConfigTable.values()] } };
  }
  const b = decodeRegisterBrokerBody(body);
  const w = b.topicConfigSerializeWrapper;
  return {
    topicConfigSerializeWrapper: { dataVersion: w.dataVersion, topicConfigTable: [...w.topicConfigTable.values()] },
    filterServerList: b.filterServerList,
  };
}

export const readDataVersion = (body: Buffer | undefined): DataVersion => decodeDataVersion(body);

const NAME = 'RegisterBrokerBody(compressed)';

function decodeCompressed(body: Buffer): RegisterBody {
  let raw: Buffer;
  try {
    raw = inflateSync(body);
  } catch (err) {
    throw new BodyError(NAME, `${NAME}: not a deflate stream: ${(err as Error).message}`);
  }
  let pos = 0;
  const int = (what: string): number => {
    if (pos + 4 > raw.length) throw new BodyError(NAME, `${NAME}: truncated before ${what}`);
    const v = raw.readInt32BE(pos);
    pos += 4;
    if (v < 0) throw new BodyError(NAME, `${NAME}: negative ${what}`);
    return v;
  };
  const text = (what: string): string => {
    const len = int(`${what} length`);
    if (pos + len > raw.length) throw new BodyError(NAME, `${NAME}: truncated ${what}`);
    const s = raw.toString('utf8', pos, pos + len);
    pos += len;
    return s;
  };
  const dataVersion = decodeDataVersion(text('dataVersion'));
  const count = int('topic count');
  const topicConfigTable: TopicConfigLike[] = [];
  for (let i = 0; i < count; i++) {
    const parts = text(`topic config ${i}`).split(' ');
    const nums = parts.slice(1, 4).map(Number);
    if (parts.length !== 5 || !nums.every(Number.isInteger)) {
      throw new BodyError(NAME, `${NAME}: topic config ${i} is not "name read write perm filterType": ${parts.join(' ')}`);
    }
    topicConfigTable.push({ topicName: parts[0], readQueueNums: nums[0], writeQueueNums: nums[1], perm: nums[2], topicSysFlag: 0 });
  }
  let filterServerList: string[] = [];
  if (pos < raw.length) {
    const listText = text('filterServerList');
    let v;
    try {
      v = parseFastJson(listText);
    } catch (err) {
      throw new BodyError(NAME, `${NAME}: filterServerList does not parse: ${(err as Error).message}`);
    }
    if (Array.isArray(v)) filterServerList = v.filter((s): s is string => typeof s === 'string');
  }
  return { topicConfigSerializeWrapper: { dataVersion, topicConfigTable }, filterServerList };
}

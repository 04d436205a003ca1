// GET_ALL_PRODUCER_INFO (328) answer body, RocketMQ's ProducerTableInfo: every online producer of a broker by group.
// Wire shape (fastjson, bean fields sorted):
//   {"data":{"<group>":[{"clientId":"..","language":"JAVA","lastUpdateTimestamp":1700000000000,
//                        "remoteIP":"/127.0.0.1:52000","version":409}]}}
// remoteIP is Java's InetSocketAddress.toString() of the producer's connection, hence the leading '/'.
import { Fields, asArray, decodeWith, encodeWith, writeStringMap, type BodyInput } from './read.ts';
import type { FJValue } from '../fastjson.ts';

export interface ProducerInfo {
  clientId: string;
  remoteIP: string;
  /** LanguageCode name (JAVA, CPP, GO, ...). */
  language: string;
  version: number;
  lastUpdateTimestamp: number;
}

export interface ProducerTableInfo {
  data: Map<string, ProducerInfo[]>;
}

function readProducerInfo(v: FJValue, path: string): ProducerInfo {
  const f = Fields.of(v, path);
  return {
    clientId: f.strOr('clientId', ''),
    remoteIP: f.strOr('remoteIP', ''),
    language: f.strOr('language', ''),
    version: f.num('version'),
    lastUpdateTimestamp: f.num('lastUpdateTimestamp'),
  };
}

export const decodeProducerTableInfo = (body: BodyInput | undefined): ProducerTableInfo =>
  decodeWith(body, 'ProducerTableInfo', (v, p) => ({
    data: Fields.of(v, p).stringMap('data', (lv, lp) => asArray(lv, lp).map((x, i) => readProducerInfo(x, `${lp}[${i}]`))),
  }));

export const encodeProducerTableInfo = (t: ProducerTableInfo): Buffer =>
  encodeWith({ data: writeStringMap(t.data, (list) => list.map((p) => ({ ...p }))) });

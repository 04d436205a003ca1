// Message properties string codec (MessageDecoder.messageProperties2String / string2messageProperties, 4.9.x)
// and Java's String.hashCode / HashMap iteration order, which decide the exact bytes Java writes.
//
// Layout: name \u0001 value \u0002 name \u0001 value ... (4.9.x drops the trailing \u0002; 5.x keeps it).
// Entries are written in the iteration order of the Java map, a HashMap, so their order is a function of the
// keys' hash codes and the table capacity; `javaHashMapOrder` reproduces it.

import { NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } from './message-const.ts';

/** Properties as a record; iteration order is the order written on the wire. */
export type MessageProperties = Record<string, string>;

function setProperty(target: MessageProperties, key: string, value: string): void {
  // "__proto__" must become an own key, not the object's prototype.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Properties string as RocketMQ 4.9.x writes it; entries whose value is null/undefined are skipped, and so is the
 * entry named `leaveOut`.
 * Note: JS objects list integer-like keys ("1", "42") first, whatever the insertion order.
 */
export function messageProperties2String(properties: Record<string, string | null | undefined> | undefined | null, leaveOut?: string): string {
  if (!properties) return '';
  let out = '';
  for (const key of Object.keys(properties)) {
    if (key === leaveOut) continue;
    const value = properties[key];
    if (value === undefined || value === null) continue;
    if (out.length > 0) out += PROPERTY_SEPARATOR;
    out += key + NAME_VALUE_SEPARATOR + value;
  }
  return out;
}

/**
 * Parses a properties string the way Java does: entries shorter than 3 chars, without a name or without a value
 * are ignored; a repeated name keeps its first position and its last value.
 */
export function string2messageProperties(text: string | null | undefined): MessageProperties {
  const map: MessageProperties = {};
  if (!text) return map;
  const len = text.length;
  let index = 0;
  while (index < len) {
    let next = text.indexOf(PROPERTY_SEPARATOR, index);
    if (next < 0) next = len;
    if (next - index >= 3) {
      const kv = text.indexOf(NAME_VALUE_SEPARATOR, index);
      if (kv > index && kv < next - 1) setProperty(map, text.slice(index, kv), text.slice(kv + 1, next));
    }
    index = next + 1;
  }
  return map;
}

/** Java's String.hashCode (int32 over UTF-16 code units). */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Capacity a java.util.HashMap ends with: initial capacity rounded to a power of two, doubled past 0.75 load. */
function javaHashMapCapacity(initialCapacity: number, maxSize: number): number {
  let cap = 1;
  while (cap < initialCapacity) cap *= 2;
  while (maxSize > cap * 0.75) cap *= 2;
  return cap;
}

export interface JavaHashMapOrderOptions {
  /** `new HashMap<>(n)` capacity; 16 is `new HashMap<>()` (4.9.x string2messageProperties and Message). */
  initialCapacity?: number;
  /** Largest size the map ever had, when entries were removed after being added (default: current size). */
  maxSize?: number;
}

/**
 * Reorders `properties` into the iteration order of a java.util.HashMap into which they were put in their current
 * order: by bucket (hash ^ hash>>>16) & (capacity-1), then insertion order within a bucket. Bins treeified by more than
 * 8 colliding keys are not modelled. Example: a 4.9.8 broker stores a message sent with
 * {TAGS, KEYS, WAIT, UNIQ_KEY} + CLUSTER - WAIT as "KEYS, UNIQ_KEY, CLUSTER, TAGS".
 */
export function javaHashMapOrder(properties: MessageProperties, opts: JavaHashMapOrderOptions = {}): MessageProperties {
  const keys = Object.keys(properties);
  const cap = javaHashMapCapacity(opts.initialCapacity ?? 16, Math.max(opts.maxSize ?? 0, keys.length));
  const ranked = keys.map((key, i) => {
    const h = javaStringHashCode(key);
    return { key, i, bucket: (h ^ (h >>> 16)) & (cap - 1) };
  });
  ranked.sort((a, b) => a.bucket - b.bucket || a.i - b.i);
  const out: MessageProperties = {};
  for (const r of ranked) setProperty(out, r.key, properties[r.key]!);
  return out;
}

// 5.x topic attributes: the message type a topic takes (`message.type`: NORMAL, FIFO, DELAY, TRANSACTION; 5.x
// TopicAttributes), read from the brokers' topic configs and written as mqadmin's attribute text ("+k=v,-k").

import type { AdminClient, TopicPlacement } from '../admin/index.ts';
import { bad, HttpError, type Body } from './http.ts';
import { describe as describeError } from './errors.ts';

export const MESSAGE_TYPES = ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
export const MESSAGE_TYPE_KEY = 'message.type';

/** The attributes of a topic as its first broker group with attributes has them; null when no broker keeps any (4.x). */
export function attributesOf(placements: readonly TopicPlacement[]): Record<string, string> | null {
  const a = placements.find((p) => p.attributes !== undefined)?.attributes;
  // older RocketDeck brokers kept the "+" of the write's attribute text in the key
  return a ? Object.fromEntries(Object.entries(a).map(([k, v]) => [k.replace(/^\+/, ''), v])) : null;
}

/** `message.type`, NORMAL when a 5.x broker has none set (its default); null on 4.x brokers. */
export function messageTypeOf(placements: readonly TopicPlacement[]): string | null {
  const a = attributesOf(placements);
  return a === null ? null : (a[MESSAGE_TYPE_KEY] ?? 'NORMAL');
}

const ATTR_KEY = /^[A-Za-z0-9._-]+$/;

/**
 * The attribute text of a topic write from a request body: `messageType` and `attributes` ({key: value}, null or ''
 * removes the key). Undefined when the body sets neither.
 */
export function attributesTextOf(body: Body): string | undefined {
  const parts: string[] = [];
  if (body.messageType !== undefined && body.messageType !== null && body.messageType !== '') {
    const t = String(body.messageType).toUpperCase();
    if (!(MESSAGE_TYPES as readonly string[]).includes(t)) throw bad('messageType', `must be one of ${MESSAGE_TYPES.join(', ')}`);
    parts.push(`+${MESSAGE_TYPE_KEY}=${t}`);
  }
  if (body.attributes !== undefined && body.attributes !== null) {
    if (typeof body.attributes !== 'object' || Array.isArray(body.attributes)) throw bad('attributes', 'must be an object of key: value');
    for (const [k, v] of Object.entries(body.attributes as Record<string, unknown>)) {
      if (!ATTR_KEY.test(k)) throw bad('attributes', `key '${k}' may hold letters, digits, '.', '_' and '-' only`);
      if (k === MESSAGE_TYPE_KEY && parts.length) throw bad('attributes', `give the message type once (messageType or attributes['${MESSAGE_TYPE_KEY}'])`);
      if (v === null || v === '') parts.push(`-${k}`);
      else if (typeof v === 'string' && !/[,=+]/.test(v)) parts.push(`+${k}=${v}`);
      else throw bad('attributes', `value of '${k}' must be a string without ',', '=' or '+'`);
    }
  }
  return parts.length ? parts.join(',') : undefined;
}

export interface AttributeEditResult {
  topic: string;
  /** The attribute text written to each broker group (the whole set, so one write states the topic's attributes). */
  attributes: string;
  done: Array<{ brokerName: string; brokerAddr: string }>;
  errors: Array<{ brokerName: string; brokerAddr: string; error: string }>;
}

/**
 * Changes a topic's attributes on every broker group holding it, keeping each group's queue counts, permission and
 * order: the current attributes merged with `messageType` / `attributes` from the body ('' or null removes a key).
 */
export async function editTopicAttributes(admin: AdminClient, topic: string, body: Body): Promise<AttributeEditResult> {
  const change = attributesTextOf(body);
  if (!change) throw bad('attributes', 'give messageType or attributes to change');
  const [map, view] = await Promise.all([admin.topicBrokerMap(), admin.clusterInfo()]);
  const placements = map.topics.find((t) => t.topic === topic)?.brokers ?? [];
  if (!placements.length) throw new HttpError(404, `topic: no broker holds topic '${topic}'`, 'topic');
  const merged = new Map(Object.entries(attributesOf(placements) ?? {}));
  for (const part of change.split(',')) {
    if (part.startsWith('-')) merged.delete(part.slice(1));
    else {
      const eq = part.indexOf('=');
      merged.set(part.slice(1, eq), part.slice(eq + 1));
    }
  }
  const text = [...merged].map(([k, v]) => `+${k}=${v}`).join(',');
  const out: AttributeEditResult = { topic, attributes: text, done: [], errors: [] };
  await Promise.all(placements.map(async (p) => {
    const brokerAddr = view.brokers.find((b) => b.brokerName === p.brokerName)?.brokerAddrs['0'] ?? '';
    if (!brokerAddr) {
      out.errors.push({ brokerName: p.brokerName, brokerAddr, error: 'no master registered to take the change' });
      return;
    }
    const r = await admin.createOrUpdateTopic({ brokerAddrs: [brokerAddr] }, {
      topic, readQueueNums: p.readQueueNums, writeQueueNums: p.writeQueueNums, perm: p.perm, order: p.order, attributes: text,
    }).catch((err: unknown) => ({ done: [], errors: [{ brokerName: p.brokerName, brokerAddr, error: describeError(err) }] }));
    if (r.errors.length) out.errors.push(...r.errors.map((e) => ({ brokerName: p.brokerName, brokerAddr, error: e.error })));
    else out.done.push({ brokerName: p.brokerName, brokerAddr });
  }));
  return out;
}

// SQL92 subscriptions of consumer groups (RocketMQ's ConsumerFilterManager): compiled from heartbeats, looked up by
// pulls without a subscription of their own, and the filter bits slots that let a pull skip consume queue entries
// that cannot match (the role of RocketMQ's bloom filter bit map, CommitLogDispatcherCalcBitMap): each distinct
// expression of a topic gets one bit, evaluated once per message at dispatch instead of once per pull.

import type { Logger } from '../../common/log.ts';
import { compileSql92, type Sql92Filter } from '../../filter/index.ts';
import type { SubscriptionData } from '../../protocol/bodies/consumer.ts';
import { FILTER_BITS_RECORDED, isTagType, type FilterSlot } from './filter.ts';

/** RocketMQ's ConsumerFilterData, for one group and topic. */
export interface ConsumerFilterData {
  group: string;
  topic: string;
  expression: string;
  expressionType: string;
  /** the subscription's subVersion (RocketMQ's clientVersion) */
  clientVersion: number;
  bornTime: number;
  filter: Sql92Filter;
  slot: FilterSlot | undefined;
}

export interface ConsumerFilterManagerOptions {
  log: Logger;
  /** The store's dispatched commit log offset (MessageStore.getDispatchedOffset). */
  dispatchedOffset: () => number;
  /** enableCalcFilterBitMap. */
  bitMapEnabled: () => boolean;
  now?: () => number;
}

/** Slots per topic (bits 0..30). */
export const MAX_SLOTS_PER_TOPIC = 31;

export class ConsumerFilterManager {
  /** topic -> group -> data */
  private readonly table = new Map<string, Map<string, ConsumerFilterData>>();
  /** topic -> slots by index */
  private readonly slots = new Map<string, Array<FilterSlot | undefined>>();
  private readonly opts: ConsumerFilterManagerOptions;

  constructor(opts: ConsumerFilterManagerOptions) {
    this.opts = opts;
  }

  /** A heartbeat's subscriptions of `group`: SQL92 ones compiled and kept, others (and topics left) dropped. */
  register(group: string, subs: readonly SubscriptionData[]): void {
    const sqlTopics = new Set<string>();
    for (const sub of subs) {
      if (isTagType(sub.expressionType)) continue;
      sqlTopics.add(sub.topic);
      this.registerOne(group, sub);
    }
    for (const [topic, groups] of this.table) {
      if (groups.has(group) && !sqlTopics.has(topic)) this.remove(topic, group);
    }
  }

  /** The group has no member left. */
  unregister(group: string): void {
    for (const topic of [...this.table.keys()]) this.remove(topic, group);
  }

  get(topic: string, group: string): ConsumerFilterData | undefined {
    return this.table.get(topic)?.get(group);
  }

  /** The live slot of an expression on a topic, if a group registered it and the bit map is on. */
  slotFor(topic: string, expression: string): FilterSlot | undefined {
    if (!this.opts.bitMapEnabled()) return undefined;
    return this.slots.get(topic)?.find((s) => s !== undefined && s.expression === expression.trim());
  }

  /** The store's filter bits calculator: one bit per slot of the topic that the message matches, 0 for none kept. */
  calculate(topic: string, properties: Readonly<Record<string, string>>): number {
    if (!this.opts.bitMapEnabled()) return 0;
    const slots = this.slots.get(topic);
    if (!slots) return 0;
    const lookup = (name: string): string | undefined => properties[name];
    let bits = FILTER_BITS_RECORDED;
    for (const s of slots) if (s && s.filter.evaluate(lookup)) bits |= 1 << s.index;
    return bits >>> 0;
  }

  private registerOne(group: string, sub: SubscriptionData): void {
    const expression = sub.subString.trim();
    const old = this.get(sub.topic, group);
    if (old && old.expression === expression && old.expressionType === sub.expressionType) {
      if (sub.subVersion > old.clientVersion) old.clientVersion = sub.subVersion;
      return;
    }
    const compiled = compileExpression(sub.expressionType, expression);
    if (!compiled.ok) {
      // as RocketMQ: the heartbeat is taken, the filter is not (pulls then get FILTER_DATA_NOT_EXIST)
      this.opts.log.warn('consumer_filter_compile_failed', { group, topic: sub.topic, expression, error: compiled.message });
      if (old) this.remove(sub.topic, group);
      return;
    }
    if (old) this.remove(sub.topic, group);
    const data: ConsumerFilterData = {
      group,
      topic: sub.topic,
      expression,
      expressionType: sub.expressionType,
      clientVersion: sub.subVersion,
      bornTime: (this.opts.now ?? Date.now)(),
      filter: compiled,
      slot: this.acquireSlot(sub.topic, expression, compiled, group),
    };
    let groups = this.table.get(sub.topic);
    if (!groups) {
      groups = new Map();
      this.table.set(sub.topic, groups);
    }
    groups.set(group, data);
    this.opts.log.info('consumer_filter_registered', { group, topic: sub.topic, expression, slot: data.slot?.index });
  }

  private remove(topic: string, group: string): void {
    const groups = this.table.get(topic);
    const data = groups?.get(group);
    if (!groups || !data) return;
    groups.delete(group);
    if (groups.size === 0) this.table.delete(topic);
    if (data.slot) this.releaseSlot(topic, data.slot, group);
  }

  private acquireSlot(topic: string, expression: string, filter: Sql92Filter, group: string): FilterSlot | undefined {
    let slots = this.slots.get(topic);
    if (!slots) {
      slots = [];
      this.slots.set(topic, slots);
    }
    const same = slots.find((s) => s !== undefined && s.expression === expression);
    if (same) {
      same.groups.add(group);
      return same;
    }
    let index = slots.findIndex((s) => s === undefined);
    if (index < 0) {
      if (slots.length >= MAX_SLOTS_PER_TOPIC) return undefined; // beyond 31 expressions a topic's pulls read and check
      index = slots.length;
    }
    const slot: FilterSlot = {
      index, expression, filter, validFromPhy: this.opts.dispatchedOffset(), alive: true, groups: new Set([group]),
    };
    slots[index] = slot;
    return slot;
  }

  private releaseSlot(topic: string, slot: FilterSlot, group: string): void {
    slot.groups.delete(group);
    if (slot.groups.size > 0) return;
    slot.alive = false;
    const slots = this.slots.get(topic);
    if (!slots) return;
    slots[slot.index] = undefined;
    if (slots.every((s) => s === undefined)) this.slots.delete(topic);
  }
}

const COMPILE_CACHE_SIZE = 100;
const compileCache = new Map<string, ReturnType<typeof compileSql92>>();

/**
 * compileSql92 with RocketMQ's parse cache (SelectorParser keeps the last 100 texts): pulls and POPs that carry
 * their expression compile it once. Only SQL92 is a known non-TAG type (FilterFactory has no other).
 */
export function compileExpression(expressionType: string, expression: string): ReturnType<typeof compileSql92> {
  if (expressionType !== 'SQL92') {
    return { ok: false, message: `no filter for expression type ${expressionType}`, position: { line: 1, column: 1, offset: 0 } };
  }
  const hit = compileCache.get(expression);
  if (hit) return hit;
  const compiled = compileSql92(expression);
  if (compileCache.size >= COMPILE_CACHE_SIZE) compileCache.delete(compileCache.keys().next().value as string);
  compileCache.set(expression, compiled);
  return compiled;
}

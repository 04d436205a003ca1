// Properties string codec and Java HashMap ordering, checked against properties captured from RocketMQ 4.9.8.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { decodeFrameWithLength } from '../remoting/codec.ts';
import { decodeMessages } from './message-codec.ts';
import { javaHashMapOrder, javaStringHashCode, messageProperties2String, string2messageProperties } from './message-properties.ts';

const VECTORS = new URL('./fixtures/vectors/', import.meta.url);
const frame = (dir: string, file: string) =>
  decodeFrameWithLength(Buffer.from(readFileSync(new URL(`${dir}/${file}`, VECTORS), 'utf8').trim(), 'hex'));

describe('properties string codec', () => {
  test('writes name\\u0001value pairs separated by \\u0002 without a trailing separator (4.9.x)', () => {
    assert.equal(messageProperties2String({ KEYS: 'K', TAGS: 'T' }), 'KEYS\u0001K\u0002TAGS\u0001T');
    assert.equal(messageProperties2String({}), '');
    assert.equal(messageProperties2String(undefined), '');
    assert.equal(messageProperties2String({ a: 'x', b: undefined, c: null, d: 'y' }), 'a\u0001x\u0002d\u0001y');
  });

  test('leaves out the entry it is told to, wherever it stands (WAIT, which the broker does not store)', () => {
    assert.equal(messageProperties2String({ WAIT: 'true', KEYS: 'K', TAGS: 'T' }, 'WAIT'), 'KEYS\u0001K\u0002TAGS\u0001T');
    assert.equal(messageProperties2String({ KEYS: 'K', WAIT: 'true', TAGS: 'T' }, 'WAIT'), 'KEYS\u0001K\u0002TAGS\u0001T');
    assert.equal(messageProperties2String({ KEYS: 'K', TAGS: 'T', WAIT: 'true' }, 'WAIT'), 'KEYS\u0001K\u0002TAGS\u0001T');
    assert.equal(messageProperties2String({ WAIT: 'true' }, 'WAIT'), '');
    assert.equal(messageProperties2String({ KEYS: 'K' }, 'WAIT'), 'KEYS\u0001K');
  });

  test('parses like Java: short, nameless and valueless entries are dropped, a trailing separator is fine', () => {
    assert.deepEqual(string2messageProperties('KEYS\u0001K\u0002TAGS\u0001T\u0002'), { KEYS: 'K', TAGS: 'T' });
    assert.deepEqual(string2messageProperties('\u0001v\u0002k\u0001\u0002ab\u0002x\u0001y'), { x: 'y' });
    assert.deepEqual(string2messageProperties('a\u0001b\u0001c'), { a: 'b\u0001c' });
    assert.deepEqual(string2messageProperties(''), {});
    assert.deepEqual(string2messageProperties(null), {});
  });

  test('a repeated name keeps its first position and its last value', () => {
    const p = string2messageProperties('A\u00011\u0002B\u00012\u0002A\u00013');
    assert.deepEqual(Object.entries(p), [['A', '3'], ['B', '2']]);
  });

  test('a property named __proto__ is an ordinary own property', () => {
    const p = string2messageProperties('__proto__\u0001x\u0002k\u0001v');
    assert.equal(Object.getPrototypeOf(p), Object.prototype);
    assert.deepEqual(Object.keys(p), ['__proto__', 'k']);
    assert.equal(messageProperties2String(p), '__proto__\u0001x\u0002k\u0001v');
  });

  test('the SEND_MESSAGE_V2 header properties string parses and re-serializes verbatim', () => {
    const i = frame('310-SEND_MESSAGE_V2', 'request.hex').extFields!.i!;
    const p = string2messageProperties(i);
    assert.deepEqual(Object.keys(p), ['demoIndex', 'KEYS', 'UNIQ_KEY', 'WAIT', 'TAGS']);
    assert.equal(messageProperties2String(p), i);
  });

  test('random properties round trip (names that are not integer-like keep their order)', () => {
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).filter((s) => !/[\u0001\u0002]/.test(s));
    const name = text.map((s) => `k${s}`);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, text), { selector: (t) => t[0], maxLength: 12 }), (entries) => {
        const props = Object.fromEntries(entries);
        const s = messageProperties2String(props);
        const back = string2messageProperties(s);
        assert.deepEqual(Object.entries(back), entries);
        assert.equal(messageProperties2String(back), s);
      }),
    );
  });
});

describe('Java HashMap order', () => {
  test('javaStringHashCode matches known Java values', () => {
    assert.equal(javaStringHashCode('KEYS'), 2303476);
    assert.equal(javaStringHashCode('hello'), 99162322);
    assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
  });

  test('a Java producer writes {TAGS, KEYS, WAIT, demoIndex, UNIQ_KEY} in the captured order', () => {
    const i = frame('310-SEND_MESSAGE_V2', 'request.hex').extFields!.i!;
    const p = string2messageProperties(i);
    const insertionOrder = { TAGS: p.TAGS!, KEYS: p.KEYS!, WAIT: p.WAIT!, demoIndex: p.demoIndex!, UNIQ_KEY: p.UNIQ_KEY! };
    assert.equal(messageProperties2String(javaHashMapOrder(insertionOrder)), i);
  });

  test('a 4.9.8 broker stores sent properties + CLUSTER - WAIT in the captured order', () => {
    const sent = string2messageProperties(frame('310-SEND_MESSAGE_V2', 'request.hex').extFields!.i!);
    const stored = decodeMessages(frame('33-VIEW_MESSAGE_BY_ID', 'response.hex').body!)[0]!;
    const props: Record<string, string> = { ...sent, CLUSTER: 'DefaultCluster' };
    delete props.WAIT;
    const ordered = javaHashMapOrder(props, { maxSize: Object.keys(sent).length + 1 });
    assert.deepEqual(Object.keys(ordered), Object.keys(stored.properties));
    assert.deepEqual(ordered, stored.properties);
  });

  test('the batch entries of the captured SEND_BATCH_MESSAGE are in HashMap order', () => {
    const body = frame('320-SEND_BATCH_MESSAGE', 'request.hex').body!;
    const propsLength = body.readInt16BE(20 + body.readInt32BE(16));
    const raw = body.toString('utf8', 22 + body.readInt32BE(16), 22 + body.readInt32BE(16) + propsLength);
    const p = string2messageProperties(raw);
    const constructorOrder = { TAGS: p.TAGS!, KEYS: p.KEYS!, WAIT: p.WAIT!, UNIQ_KEY: p.UNIQ_KEY! };
    assert.equal(messageProperties2String(javaHashMapOrder(constructorOrder)), raw);
  });

  test('capacity grows past 0.75 load, and an initial capacity rounds up to a power of two', () => {
    // With 13 keys a 16-bucket map has resized to 32 buckets; order must be by bucket in a 32-bucket table.
    const keys = Array.from({ length: 13 }, (_, i) => `key${i}`);
    const props = Object.fromEntries(keys.map((k) => [k, 'v']));
    const bucket = (k: string, cap: number): number => {
      const h = javaStringHashCode(k);
      return (h ^ (h >>> 16)) & (cap - 1);
    };
    const order = Object.keys(javaHashMapOrder(props));
    for (let i = 1; i < order.length; i++) assert.ok(bucket(order[i - 1]!, 32) <= bucket(order[i]!, 32));
    const order128 = Object.keys(javaHashMapOrder(props, { initialCapacity: 100 }));
    for (let i = 1; i < order128.length; i++) assert.ok(bucket(order128[i - 1]!, 128) <= bucket(order128[i]!, 128));
  });
});

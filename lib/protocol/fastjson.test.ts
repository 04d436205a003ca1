// Tests for the fastjson-compatible reader/writer, including byte-exact round trips of every captured JSON body.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  parseFastJson, stringifyFastJson, FJObject, FJDouble, fjDouble, fjEquals, toPlain, fromPlain,
  javaDoubleToString, quoteFastJson, FastJsonError, type FJValue, type FJKey,
} from './fastjson.ts';
import { listVectorDirs, loadVector } from './fixtures/vectors.ts';

describe('parseFastJson', () => {
  test('reads object keys that are JSON objects (MessageQueue keys)', () => {
    const v = parseFastJson('{"offsetTable":{{"brokerName":"broker-a","queueId":3,"topic":"VecTopic"}:0}}');
    assert.ok(v instanceof FJObject);
    const table = v.get('offsetTable');
    assert.ok(table instanceof FJObject);
    const [key, value] = table.entries[0];
    assert.ok(key instanceof FJObject);
    assert.equal(key.get('queueId'), 3);
    assert.equal(value, 0);
    const lookup = new FJObject([['brokerName', 'broker-a'], ['queueId', 3], ['topic', 'VecTopic']]);
    assert.equal(table.get(lookup), 0);
  });

  test('reads bare integer keys as numbers', () => {
    const v = parseFastJson('{0:"127.0.0.1:20911",1:"127.0.0.1:20921"}') as FJObject;
    assert.deepEqual(v.keys(), [0, 1]);
    assert.equal(v.get(1), '127.0.0.1:20921');
    assert.equal(v.get('1'), undefined);
  });

  test('keeps integer-looking string keys in their order', () => {
    const v = parseFastJson('{"1":"a","0":"b"}') as FJObject;
    assert.deepEqual(v.keys(), ['1', '0']);
  });

  test('longs beyond 2^53 become bigint, safe integers stay numbers', () => {
    const v = parseFastJson('[9007199254740991,9007199254740993,-9223372036854775808]') as unknown[];
    assert.equal(v[0], 9007199254740991);
    assert.equal(v[1], 9007199254740993n);
    assert.equal(v[2], -9223372036854775808n);
  });

  test('decimals are numbers, or FJDouble when asked to keep their form', () => {
    assert.equal(parseFastJson('100.0'), 100);
    const d = parseFastJson('100.0', { doubles: 'wrap' });
    assert.ok(d instanceof FJDouble && d.value === 100);
  });

  test('accepts unquoted and single-quoted field names and escapes', () => {
    const v = parseFastJson("{a:1,'b':'x\\'y',\"c\":\"\\u00e9\\/\\n\"}") as FJObject;
    assert.deepEqual(toPlain(v), { a: 1, b: "x'y", c: 'é/\n' });
  });

  test('rejects malformed text with a position', () => {
    assert.throws(() => parseFastJson('{"a":}'), FastJsonError);
    assert.throws(() => parseFastJson('{"a":1'), /position/);
    assert.throws(() => parseFastJson('[1,2] x'), /trailing/);
    assert.throws(() => parseFastJson('"abc'), /unterminated/);
  });

  test('agrees with JSON.parse on random standard JSON', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const ours = toPlain(parseFastJson(text));
        const theirs = JSON.parse(text);
        // JSON.parse loses precision on big integers, which we keep as bigint
        assert.ok(fjEquals(fromPlain(ours), fromPlain(theirs)) || containsBigint(ours), text);
      }),
      { numRuns: 300 },
    );
  });

  test('a "__proto__" key stays an own data key and never sets a prototype', () => {
    const plain = toPlain(parseFastJson('{"":{"__proto__":false},"__proto__":{"polluted":1}}')) as Record<string, unknown>;
    assert.deepEqual(plain, JSON.parse('{"":{"__proto__":false},"__proto__":{"polluted":1}}'));
    assert.equal(Object.getPrototypeOf(plain), Object.prototype);
    assert.equal((plain as { polluted?: number }).polluted, undefined);
  });

  test('standard JSON written by JSON.stringify parses to the same tree', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const ours = parseFastJson(text);
        // integers beyond 2^53 are read as exact bigints of the written digits, which JSON.parse rounds
        assert.ok(fjEquals(ours, fromPlain(JSON.parse(text))) || containsBigint(toPlain(ours)), text);
      }),
      { numRuns: 200 },
    );
  });
});

function containsBigint(v: unknown): boolean {
  if (typeof v === 'bigint') return true;
  if (Array.isArray(v)) return v.some(containsBigint);
  if (v && typeof v === 'object') return Object.values(v).some(containsBigint);
  return false;
}

describe('stringifyFastJson', () => {
  test('plain objects are beans: fields sorted, nulls left out', () => {
    assert.equal(stringifyFastJson({ topic: 'T', queueId: 1, brokerName: 'b', x: null, y: undefined }),
      '{"brokerName":"b","queueId":1,"topic":"T"}');
  });

  test('Maps keep their order; number keys bare, bean keys as objects, null values skipped', () => {
    const mq = { topic: 'VecTopic', brokerName: 'broker-a', queueId: 3 };
    assert.equal(stringifyFastJson(new Map<unknown, unknown>([[1, 'b'], [0, 'a'], [2, null]])), '{1:"b",0:"a"}');
    assert.equal(stringifyFastJson(new Map([[mq, 0]])),
      '{{"brokerName":"broker-a","queueId":3,"topic":"VecTopic"}:0}');
    assert.equal(stringifyFastJson(new Map([['z', 1], ['a', 2]])), '{"z":1,"a":2}');
  });

  test('standard mode quotes non-string keys and sorts map keys (BrowserCompatible + MapSortField)', () => {
    assert.equal(stringifyFastJson(new Map([[1, 'b'], [0, 'a']]), { standard: true }), '{"0":"a","1":"b"}');
    assert.equal(stringifyFastJson(new Map([[10, 'x'], [9, 'y']]), { standard: true }), '{"9":"y","10":"x"}');
    assert.equal(stringifyFastJson(new Map([[{ a: 1 }, 0]]), { standard: true }), '{"{\\"a\\":1}":0}');
    assert.equal(stringifyFastJson(['a/é'], { standard: true }), '["a\\/\\u00E9"]');
    assert.equal(stringifyFastJson([2n ** 60n], { standard: true }), '["1152921504606846976"]');
    assert.equal(stringifyFastJson([2n ** 60n]), '[1152921504606846976]');
  });

  test('doubles in Java form', () => {
    assert.equal(stringifyFastJson({ a: fjDouble(100), b: 0.28, c: fjDouble(0), d: 9.78125 }),
      '{"a":100.0,"b":0.28,"c":0.0,"d":9.78125}');
    assert.equal(javaDoubleToString(1e7), '1.0E7');
    assert.equal(javaDoubleToString(1.5e-4), '1.5E-4');
    assert.equal(javaDoubleToString(0.001), '0.001');
    assert.equal(javaDoubleToString(123456.789), '123456.789');
    assert.equal(javaDoubleToString(-2.5e20), '-2.5E20');
    assert.equal(javaDoubleToString(Number.NaN), 'null');
  });

  test('string escaping follows fastjson', () => {
    assert.equal(quoteFastJson('a"b\\c\n\u0001\u000b\u007f/é\u2028'), '"a\\"b\\\\c\\n\\u0001\\u000B\\u007F/é\\u2028"');
  });

  test('sets and byte arrays', () => {
    assert.equal(stringifyFastJson(new Set(['a', 'b'])), '["a","b"]');
    assert.equal(stringifyFastJson({ b: new Uint8Array([1, 2, 3]) }), '{"b":"AQID"}');
  });

  test('random standard JSON survives write-then-read', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const tree = fromPlain(JSON.parse(JSON.stringify(value)));
        assert.ok(fjEquals(parseFastJson(stringifyFastJson(tree)), tree));
      }),
      { numRuns: 200 },
    );
  });
});

describe('fastjson-only forms', () => {
  // trees with the key kinds fastjson writes: strings, bare integers (incl. longs) and bean objects
  const { tree } = fc.letrec<{ tree: FJValue; leaf: FJValue; key: FJKey; obj: FJObject }>((tie) => ({
    leaf: fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n }),
      fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => new FJDouble(d))),
    key: fc.oneof(fc.string(), fc.integer({ min: -1000, max: 100000 }), tie('obj') as fc.Arbitrary<FJObject>),
    obj: fc.array(fc.tuple(tie('key'), tie('tree')), { maxLength: 4 })
      .map((entries) => new FJObject(entries as Array<[FJKey, FJValue]>)),
    tree: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('tree'), { maxLength: 4 }), tie('obj')),
  }));

  test('write-then-read gives back the same tree, non-string keys included', () => {
    fc.assert(
      fc.property(tree, (t) => {
        assert.ok(fjEquals(parseFastJson(stringifyFastJson(t), { doubles: 'wrap' }), t));
      }),
      { numRuns: 300 },
    );
  });
});

describe('captured bodies', () => {
  const bodies: Array<{ name: string; text: string }> = [];
  for (const dir of listVectorDirs()) {
    const v = loadVector(dir);
    for (const [which, cmd] of [['request', v.request], ['response', v.response]] as const) {
      const text = cmd?.body?.toString('utf8');
      if (text && (text.startsWith('{') || text.startsWith('['))) bodies.push({ name: `${dir}/${which}`, text });
    }
  }

  test('there are JSON bodies to check', () => {
    assert.ok(bodies.length >= 30, `found ${bodies.length}`);
  });

  for (const { name, text } of bodies) {
    test(`${name}: parse then write gives the captured bytes`, () => {
      const tree = parseFastJson(text, { doubles: 'wrap' });
      const standard = !text.includes('{{') && !/[{,]\d+:/.test(text) && name.startsWith('105-');
      assert.equal(stringifyFastJson(tree, standard ? { standard: true } : {}), text);
      assert.equal(stringifyFastJson(tree), text);
    });
  }
});

// ConsumeStatsList's direct writer against the generic fastjson writer: the same text for every shape.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { stringifyFastJson } from '../fastjson.ts';
import { consumeStatsListForWriter, decodeConsumeStatsList, readConsumeStatsList, stringifyConsumeStatsList, type ConsumeStatsList } from './stats.ts';
import { fastDecodeConsumeStatsList, standardizeObjectKeys } from './consume-stats-list-fast.ts';
import { decodeWith } from './read.ts';

const generic = (text: string): ConsumeStatsList => decodeWith(text, 'ConsumeStatsList', readConsumeStatsList);

const VECTORS = new URL('../fixtures/vectors/', import.meta.url);

function sample(): ConsumeStatsList {
  return {
    brokerAddr: '10.0.0.1:10911',
    consumeStatsList: [
      new Map([['TOOLS_CONSUMER', []]]),
      new Map([['g "quoted" \u00e9\u2028/', [
        { consumeTps: 0, offsetTable: [] },
        {
          consumeTps: 12.5,
          offsetTable: [
            [{ topic: 'T\\1', brokerName: 'b', queueId: 0 }, { brokerOffset: 5, consumerOffset: 2, lastTimestamp: 1_700_000_000_000 }],
            [{ topic: 'T\\1', brokerName: 'b', queueId: 1 }, { brokerOffset: 2 ** 50, consumerOffset: -1, lastTimestamp: 0, pullOffset: 7 }],
          ],
        },
      ]]]),
      new Map(),
      new Map([['a', [{ consumeTps: 1e-4, offsetTable: [] }]], ['b', [{ consumeTps: 3e9, offsetTable: [] }]]]),
    ],
    totalDiff: 3,
  };
}

describe('stringifyConsumeStatsList', () => {
  test('writes what the generic fastjson writer writes', () => {
    const c = sample();
    assert.equal(stringifyConsumeStatsList(c), stringifyFastJson(consumeStatsListForWriter(c)));
  });

  test('writes totalInflightDiff (5.x) and an empty list like the generic writer', () => {
    const c: ConsumeStatsList = { brokerAddr: '', consumeStatsList: [], totalDiff: 0, totalInflightDiff: 4 };
    assert.equal(stringifyConsumeStatsList(c), stringifyFastJson(consumeStatsListForWriter(c)));
  });

  test('a captured GET_BROKER_CONSUME_STATS body decodes and writes back to the same text', () => {
    const body = readFileSync(new URL('317-GET_BROKER_CONSUME_STATS/response.body.txt', VECTORS), 'utf8').trimEnd();
    const decoded = decodeConsumeStatsList(Buffer.from(body));
    assert.equal(stringifyConsumeStatsList(decoded), stringifyFastJson(consumeStatsListForWriter(decoded)));
    assert.equal(stringifyConsumeStatsList(decoded), body);
  });
});

describe('fastDecodeConsumeStatsList', () => {
  test('reads what the generic reader reads: a sample with escapes, doubles, pullOffset and a captured body', () => {
    const captured = readFileSync(new URL('317-GET_BROKER_CONSUME_STATS/response.body.txt', VECTORS), 'utf8');
    for (const text of [stringifyConsumeStatsList(sample()), captured, stringifyConsumeStatsList({ brokerAddr: 'x', consumeStatsList: [], totalDiff: 0, totalInflightDiff: 2 })]) {
      const fast = fastDecodeConsumeStatsList(text);
      assert.ok(fast, 'the plain shape takes the fast path');
      assert.deepEqual(fast, generic(text));
      assert.deepEqual(decodeConsumeStatsList(Buffer.from(text)), generic(text));
    }
  });

  test('turns bean keys into strings and leaves strings holding braces alone', () => {
    const text = '{"a{":{{"k":"}\\"{"}:[1,{"b":2}]}}';
    assert.deepEqual(JSON.parse(standardizeObjectKeys(text)!), { 'a{': { '{"k":"}\\"{"}': [1, { b: 2 }] } });
    assert.deepEqual(JSON.parse(standardizeObjectKeys('{"m":{{"k":1}:2}}')!), { m: { '{"k":1}': 2 } });
  });

  test('leaves other shapes to the generic reader: bare keys, non-standard escapes, numbers as strings, longs past 2^53', () => {
    assert.equal(standardizeObjectKeys('{"m":{0:1}}'), undefined);
    assert.equal(fastDecodeConsumeStatsList(`{"brokerAddr":'a',"consumeStatsList":[],"totalDiff":0}`), undefined);
    assert.equal(fastDecodeConsumeStatsList('{"brokerAddr":"a","consumeStatsList":[],"totalDiff":"3"}'), undefined);
    const big = '{"brokerAddr":"a","consumeStatsList":[{"g":[{"consumeTps":0.0,"offsetTable":{{"brokerName":"b","queueId":0,"topic":"t"}:{"brokerOffset":9007199254740993,"consumerOffset":0,"lastTimestamp":0}}}]}],"totalDiff":0}';
    assert.equal(fastDecodeConsumeStatsList(big), undefined);
    assert.throws(() => decodeConsumeStatsList(Buffer.from(big)), /beyond 2\^53/);
    assert.deepEqual(decodeConsumeStatsList('{"brokerAddr":"a","consumeStatsList":[],"totalDiff":"3"}').totalDiff, 3);
  });

  test('several groups in one map with index-like names keep their written order (generic reader)', () => {
    const text = '{"brokerAddr":"a","consumeStatsList":[{"b":[],"10":[]}],"totalDiff":0}';
    assert.equal(fastDecodeConsumeStatsList(text), undefined);
    assert.deepEqual([...decodeConsumeStatsList(text).consumeStatsList[0]!.keys()], ['b', '10']);
  });
});


import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageQueue } from '../protocol/bodies/read.ts';
import {
  allocateAveragely, allocateAveragelyByCircle, allocateConsistentHash, md5Hash, messageQueueToString, resolveAllocateStrategy,
  type AllocateMessageQueueStrategy,
} from './allocate.ts';

const queues = (n: number, topic = 'topic', broker = 'brokerName'): MessageQueue[] =>
  Array.from({ length: n }, (_, i) => ({ topic, brokerName: broker, queueId: i }));
const cids = (n: number): string[] => Array.from({ length: n }, (_, i) => `CID_PREFIX${i}`).sort();
const ids = (mqs: MessageQueue[]): number[] => mqs.map((q) => q.queueId);

function split(s: AllocateMessageQueueStrategy, mqs: MessageQueue[], members: string[]): Map<string, MessageQueue[]> {
  return new Map(members.map((c) => [c, s.allocate('g', c, mqs, members)]));
}

describe('allocateAveragely', () => {
  test('10 queues over 4 members give 3,3,2,2 contiguous queues (Java AllocateMessageQueueAveragelyTest)', () => {
    const m = split(allocateAveragely, queues(10), cids(4));
    assert.deepEqual([...m.values()].map(ids), [[0, 1, 2], [3, 4, 5], [6, 7], [8, 9]]);
  });

  test('more members than queues: the first members get one queue each, the rest none', () => {
    const m = split(allocateAveragely, queues(2), cids(4));
    assert.deepEqual([...m.values()].map(ids), [[0], [1], [], []]);
  });

  test('8 queues over 3 members give 3,3,2', () => {
    assert.deepEqual([...split(allocateAveragely, queues(8), cids(3)).values()].map(ids), [[0, 1, 2], [3, 4, 5], [6, 7]]);
  });
});

describe('allocateAveragelyByCircle', () => {
  test('10 queues over 4 members deal queues round the circle (Java AllocateMessageQueueAveragelyByCircleTest)', () => {
    const m = split(allocateAveragelyByCircle, queues(10), cids(4));
    assert.deepEqual([...m.values()].map(ids), [[0, 4, 8], [1, 5, 9], [2, 6], [3, 7]]);
  });
});

describe('allocateConsistentHash', () => {
  test('md5Hash is the first four digest bytes read unsigned', () => {
    // md5("a") = 0cc175b9c0f1b6a831c399e269772661
    assert.equal(md5Hash('a'), 0x0cc175b9);
    // md5("abc") = 900150983cd24fb0d6963f7d28e17f72: top bit set, still positive
    assert.equal(md5Hash('abc'), 0x90015098);
  });

  test('MessageQueue keys are hashed in MessageQueue.toString form', () => {
    assert.equal(messageQueueToString({ topic: 'T', brokerName: 'b', queueId: 3 }), 'MessageQueue [topic=T, brokerName=b, queueId=3]');
  });

  test('each queue goes to the owner of the first ring point at or after its hash (reference search)', () => {
    const members = cids(3);
    const mqs = queues(20, 'topic_test');
    const points: Array<[number, string]> = [];
    for (const c of members) for (let i = 0; i < 10; i++) points.push([md5Hash(`${c}-${i}`), c]);
    const owner = (mq: MessageQueue): string => {
      const h = md5Hash(messageQueueToString(mq));
      const after = points.filter(([p]) => p >= h).sort((a, b) => a[0] - b[0]);
      return (after[0] ?? [...points].sort((a, b) => a[0] - b[0])[0]!)[1];
    };
    const s = allocateConsistentHash();
    for (const c of members) assert.deepEqual(ids(s.allocate('g', c, mqs, members)), ids(mqs.filter((q) => owner(q) === c)), c);
  });

  test('removing a member moves only that member\'s queues', () => {
    const s = allocateConsistentHash();
    const mqs = queues(32);
    const before = split(s, mqs, cids(4));
    const after = split(s, mqs, cids(4).filter((c) => c !== 'CID_PREFIX2'));
    for (const c of ['CID_PREFIX0', 'CID_PREFIX1', 'CID_PREFIX3']) {
      for (const q of before.get(c)!) assert.ok(after.get(c)!.some((x) => x.queueId === q.queueId), `${c} keeps queue ${q.queueId}`);
    }
  });

  test('a negative virtual node count is refused', () => {
    assert.throws(() => allocateConsistentHash(-1), RangeError);
  });
});

describe('every strategy', () => {
  const strategies = [allocateAveragely, allocateAveragelyByCircle, allocateConsistentHash()];

  test('assigns every queue to exactly one member for 1..12 queues and 1..6 members', () => {
    for (const s of strategies) {
      for (let q = 1; q <= 12; q++) {
        for (let c = 1; c <= 6; c++) {
          const all = [...split(s, queues(q), cids(c)).values()].flat().map((x) => x.queueId).sort((a, b) => a - b);
          assert.deepEqual(all, ids(queues(q)), `${s.name} q=${q} c=${c}`);
        }
      }
    }
  });

  test('gives nothing to a client that is not in the member list, and refuses empty inputs', () => {
    for (const s of strategies) {
      assert.deepEqual(s.allocate('g', 'stranger', queues(4), cids(2)), []);
      assert.throws(() => s.allocate('g', '', queues(4), cids(2)), RangeError);
      assert.throws(() => s.allocate('g', 'CID_PREFIX0', [], cids(2)), RangeError);
      assert.throws(() => s.allocate('g', 'CID_PREFIX0', queues(4), []), RangeError);
    }
  });

  test('are found by their RocketMQ names', () => {
    assert.equal(resolveAllocateStrategy(undefined).name, 'AVG');
    assert.equal(resolveAllocateStrategy('AVG_BY_CIRCLE').name, 'AVG_BY_CIRCLE');
    assert.equal(resolveAllocateStrategy('CONSISTENT_HASH').name, 'CONSISTENT_HASH');
  });
});

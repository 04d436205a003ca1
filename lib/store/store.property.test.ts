import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { setLogLevel } from '../common/log.ts';
import { encodeBatchMessages } from '../protocol/message-batch.ts';
import { decodeMessage } from '../protocol/message-codec.ts';
import { tagsHashCode } from '../protocol/message.ts';
import { MessageStore } from './message-store.ts';
import { inner, removeDir, smallConfig, tempStoreDir } from './store-test-util.ts';

setLogLevel('error');

type Op =
  | { kind: 'put'; topic: string; queueId: number; size: number; tag: string; await: boolean }
  | { kind: 'batch'; topic: string; queueId: number; sizes: number[] }
  | { kind: 'restart'; crash: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('put' as const), topic: fc.constantFrom('A', 'B'), queueId: fc.integer({ min: 0, max: 2 }), size: fc.integer({ min: 0, max: 3000 }), tag: fc.constantFrom('x', 'y', 'z'), await: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('batch' as const), topic: fc.constantFrom('A', 'B'), queueId: fc.integer({ min: 0, max: 2 }), sizes: fc.array(fc.integer({ min: 1, max: 900 }), { minLength: 1, maxLength: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), crash: fc.boolean() }) },
);

/** Expected content of each queue: bodies with their tags, in queue order. */
type Model = Map<string, Array<{ body: string; tag: string }>>;

async function checkAgainst(store: MessageStore, model: Model): Promise<void> {
  for (const [key, expected] of model) {
    const [topic, q] = key.split('/') as [string, string];
    const queueId = Number(q);
    assert.equal(store.getMaxOffsetInQueue(topic, queueId), expected.length, `${key} max offset`);
    const got: Array<{ body: string; tag: string }> = [];
    for (let offset = 0; offset < expected.length; ) {
      const r = await store.getMessage('g', topic, queueId, offset, 32);
      assert.equal(r.status, 'FOUND');
      for (const b of r.buffers) {
        const m = decodeMessage(b);
        got.push({ body: m.body.toString(), tag: m.properties.TAGS ?? '' });
      }
      offset = r.nextBeginOffset;
    }
    assert.deepEqual(got, expected, key);
    // Tag filtering agrees with the model.
    const want = expected.filter((e) => e.tag === 'y').map((e) => e.body);
    const filtered: string[] = [];
    const code = tagsHashCode('y');
    for (let offset = 0; offset < expected.length; ) {
      const r = await store.getMessage('g', topic, queueId, offset, 32, { isMatchedByConsumeQueue: (c) => c === code });
      for (const b of r.buffers) filtered.push(decodeMessage(b).body.toString());
      if (r.nextBeginOffset === offset) break;
      offset = r.nextBeginOffset;
    }
    assert.deepEqual(filtered, want, `${key} filtered by tag`);
  }
}

describe('store properties', () => {
  test('any sequence of appends, batches, clean restarts and crashes reads back exactly what was acknowledged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), async (ops) => {
        let dir = tempStoreDir();
        const dirs = [dir];
        const cfg = (d: string) => smallConfig(d, { mappedFileSizeCommitLog: 16 * 1024, mappedFileSizeConsumeQueue: 8 * 20, maxIndexNum: 30 });
        let store = await MessageStore.open(cfg(dir));
        const model: Model = new Map();
        let n = 0;
        // Appends not awaited right away run concurrently; the queue order is still the call order.
        let inFlight: Array<Promise<{ status: string }>> = [];
        const settle = async () => {
          const results = await Promise.all(inFlight);
          inFlight = [];
          for (const r of results) assert.equal(r.status, 'PUT_OK');
        };
        try {
          for (const op of ops) {
            if (op.kind !== 'put' || op.await) await settle();
            if (op.kind === 'restart') {
              if (op.crash) {
                const copy = tempStoreDir('rd-crash-');
                fs.cpSync(dir, copy, { recursive: true });
                fs.rmSync(path.join(copy, 'lock'));
                await store.shutdown();
                dirs.push(copy);
                dir = copy;
              } else {
                await store.shutdown();
              }
              store = await MessageStore.open(cfg(dir));
              continue;
            }
            const key = `${op.topic}/${op.queueId}`;
            if (!model.has(key)) model.set(key, []);
            if (op.kind === 'put') {
              const body = `${n++}:`.padEnd(op.size, 'b');
              inFlight.push(store.putMessage(inner(op.topic, body, { queueId: op.queueId, tags: op.tag })));
              model.get(key)!.push({ body, tag: op.tag });
            } else {
              const bodies = op.sizes.map((s) => `${n++}:`.padEnd(s, 'c'));
              const r = await store.putMessages({
                topic: op.topic,
                queueId: op.queueId,
                body: encodeBatchMessages(bodies.map((b) => ({ flag: 0, body: Buffer.from(b), properties: { TAGS: 'z' } }))),
                sysFlag: 0,
                bornTimestamp: Date.now(),
                bornHost: { address: '127.0.0.1', port: 1 },
                storeHost: { address: '127.0.0.1', port: 2 },
              });
              assert.equal(r.status, 'PUT_OK');
              for (const body of bodies) model.get(key)!.push({ body, tag: 'z' });
            }
          }
          await settle();
          await checkAgainst(store, model);
        } finally {
          await store.shutdown();
          dirs.forEach(removeDir);
        }
      }),
      { numRuns: 25 },
    );
  });
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../common/log.ts';
import { LocalFileOffsetStore, OFFSET_NOT_FOUND } from './offset-store.ts';

const mq = (queueId: number) => ({ topic: 'T', brokerName: 'broker-a', queueId });
const logger = createLogger('test');

describe('LocalFileOffsetStore', () => {
  test('persists offsets as OffsetSerializeWrapper JSON and reads them back after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-offsets-'));
    try {
      const a = new LocalFileOffsetStore(dir, '127.0.0.1@DEFAULT', 'g', logger);
      await a.load();
      assert.equal(await a.readOffset(mq(0), 'MEMORY'), OFFSET_NOT_FOUND);
      assert.equal(await a.readOffset(mq(0), 'STORE'), OFFSET_NOT_FOUND);
      a.updateOffset(mq(0), 10, false);
      a.updateOffset(mq(1), 3, false);
      await a.persistAll([mq(0), mq(1)]);
      const text = readFileSync(join(dir, '127.0.0.1@DEFAULT', 'g', 'offsets.json'), 'utf8');
      assert.equal(text, '{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:10,{"brokerName":"broker-a","queueId":1,"topic":"T"}:3}}');
      a.updateOffset(mq(0), 11, false);
      await a.persistAll([mq(0), mq(1)]);

      const b = new LocalFileOffsetStore(dir, '127.0.0.1@DEFAULT', 'g', logger);
      await b.load();
      assert.equal(await b.readOffset(mq(0), 'MEMORY'), 11);
      assert.equal(await b.readOffset(mq(1), 'STORE'), 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('increaseOnly never moves an offset back, a frozen offset ignores updates until removed', async () => {
    const s = new LocalFileOffsetStore(tmpdir(), 'x', 'g', logger);
    s.updateOffset(mq(0), 5, true);
    s.updateOffset(mq(0), 3, true);
    assert.equal(await s.readOffset(mq(0), 'MEMORY'), 5);
    s.updateOffset(mq(0), 3, false);
    assert.equal(await s.readOffset(mq(0), 'MEMORY'), 3);
    s.updateAndFreezeOffset(mq(0), 100);
    s.updateOffset(mq(0), 200, false);
    assert.equal(await s.readOffset(mq(0), 'MEMORY'), 100);
    s.removeOffset(mq(0));
    s.updateOffset(mq(0), 7, false);
    assert.equal(await s.readOffset(mq(0), 'MEMORY'), 7);
    assert.deepEqual(s.offsets('T'), [[mq(0), 7]]);
  });
});

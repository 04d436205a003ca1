import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConsumerOffsetManager, splitOffsetKey } from './consumer-offset-manager.ts';
import { silentLog, withTempDir } from '../test-util.ts';

describe('consumer offsets', () => {
  test('commits answer queries; unknown queues answer -1', () => withTempDir((dir) => {
    const m = new ConsumerOffsetManager(path.join(dir, 'consumerOffset.json'), silentLog);
    m.commitOffset('127.0.0.1:1', 'g1', 'T', 0, 10);
    m.commitOffset('127.0.0.1:1', 'g1', 'T', 0, 12);
    assert.equal(m.queryOffset('g1', 'T', 0), 12);
    assert.equal(m.queryOffset('g1', 'T', 1), -1);
    assert.equal(m.queryOffset('g2', 'T', 0), -1);
  }));

  test('cloneOffset copies one topic\'s offsets to another group, replacing its own; an unknown source clones nothing', () => withTempDir((dir) => {
    const m = new ConsumerOffsetManager(path.join(dir, 'consumerOffset.json'), silentLog);
    m.commitOffset('a', 'src', 'T', 0, 4);
    m.commitOffset('a', 'src', 'T', 1, 6);
    m.commitOffset('a', 'src', 'U', 0, 9);
    m.commitOffset('a', 'dst', 'T', 2, 1);
    assert.equal(m.cloneOffset('src', 'dst', 'T'), true);
    assert.deepEqual([...m.queryOffsets('dst', 'T')!].sort(), [[0, 4], [1, 6]]);
    assert.equal(m.queryOffset('dst', 'U', 0), -1, 'only the named topic');
    m.commitOffset('a', 'src', 'T', 0, 5);
    assert.equal(m.queryOffset('dst', 'T', 0), 4, 'a copy, not a shared table');
    assert.equal(m.cloneOffset('nobody', 'dst', 'T'), false);
    assert.equal(m.queryOffset('dst', 'T', 1), 6);
  }));

  test('persists in RocketMQ\'s consumerOffset.json layout and loads it back', async () => withTempDir(async (dir) => {
    const file = path.join(dir, 'consumerOffset.json');
    const m = new ConsumerOffsetManager(file, silentLog);
    m.commitOffset('a', 'g1', 'T', 0, 5);
    m.commitOffset('a', 'g1', 'T', 1, 7);
    m.commitOffset('a', 'g2', 'U', 3, 9);
    await m.persistIfDirty();
    await m.flush();
    assert.equal(readFileSync(file, 'utf8'), '{"offsetTable":{"T@g1":{0:5,1:7},"U@g2":{3:9}}}');
    const again = new ConsumerOffsetManager(file, silentLog);
    again.load();
    assert.equal(again.queryOffset('g1', 'T', 1), 7);
    assert.deepEqual([...again.whichTopicByConsumer('g1')], ['T']);
    assert.deepEqual([...again.whichGroupByTopic('U')], ['g2']);
  }));

  test('removing a group drops all its topics', () => withTempDir((dir) => {
    const m = new ConsumerOffsetManager(path.join(dir, 'o.json'), silentLog);
    m.commitOffset('a', 'g1', 'T', 0, 5);
    m.commitOffset('a', 'g1', 'U', 0, 5);
    m.commitOffset('a', 'g2', 'T', 0, 5);
    m.removeGroup('g1');
    assert.equal(m.queryOffset('g1', 'T', 0), -1);
    assert.equal(m.queryOffset('g2', 'T', 0), 5);
  }));

  test('keys split at the first @ (topics cannot contain one)', () => {
    assert.deepEqual(splitOffsetKey('%RETRY%g@g'), { topic: '%RETRY%g', group: 'g' });
    assert.equal(splitOffsetKey('nogroup'), undefined);
  });
});

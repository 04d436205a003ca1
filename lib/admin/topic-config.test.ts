import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeOrderConf } from './topic-config.ts';

describe('order topic config', () => {
  test("a broker's entry replaces its old one and the other brokers' entries stay", () => {
    assert.equal(mergeOrderConf(undefined, ['broker-a:8', 'broker-b:8']), 'broker-a:8;broker-b:8');
    assert.equal(mergeOrderConf('broker-a:4;broker-b:4', ['broker-a:8']), 'broker-a:8;broker-b:4');
    assert.equal(mergeOrderConf('', ['broker-c:2']), 'broker-c:2');
  });
});

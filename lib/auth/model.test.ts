import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decidingEntry, entriesFromInfo, ipInRange, literal, parseResource, resourceKey, type PolicyEntry } from './model.ts';

test('resource keys parse as 5.x Resource.of does and print back', () => {
  assert.deepEqual(parseResource('*'), { type: 'Any', pattern: 'ANY' });
  assert.deepEqual(parseResource('Topic:*'), { type: 'Topic', pattern: 'ANY' });
  assert.deepEqual(parseResource('Topic:order-*'), { type: 'Topic', name: 'order-', pattern: 'PREFIXED' });
  assert.deepEqual(parseResource('Group:g1'), { type: 'Group', name: 'g1', pattern: 'LITERAL' });
  assert.equal(parseResource('Queue:x'), undefined);
  for (const k of ['*', 'Topic:*', 'Topic:order-*', 'Cluster:c1']) assert.equal(resourceKey(parseResource(k)!), k);
});

const e = (resource: string, decision: 'Allow' | 'Deny', actions: PolicyEntry['actions'] = ['Pub'], sourceIps: string[] = []): PolicyEntry =>
  ({ resource: parseResource(resource)!, actions, decision, sourceIps });

test('the most specific matching entry decides; at equal specificity Deny wins', () => {
  const t = literal('Topic', 'order-1');
  assert.equal(decidingEntry([e('Topic:*', 'Allow'), e('Topic:order-1', 'Deny')], t, ['Pub'], '1.1.1.1')?.decision, 'Deny');
  assert.equal(decidingEntry([e('Topic:*', 'Deny'), e('Topic:order-*', 'Allow')], t, ['Pub'], '1.1.1.1')?.decision, 'Allow');
  assert.equal(decidingEntry([e('Topic:order-*', 'Allow'), e('Topic:order-*', 'Deny')], t, ['Pub'], '1.1.1.1')?.decision, 'Deny');
  assert.equal(decidingEntry([e('Topic:order-*', 'Deny'), e('Topic:order-*', 'Allow')], t, ['Pub'], '1.1.1.1')?.decision, 'Deny');
  assert.equal(decidingEntry([e('Topic:order-1', 'Allow', ['Sub'])], t, ['Pub'], '1.1.1.1'), undefined, 'other action');
  assert.equal(decidingEntry([e('*', 'Allow', ['All'])], t, ['Pub'], '1.1.1.1')?.decision, 'Allow');
  assert.equal(decidingEntry([e('Topic:order-1', 'Allow', ['Pub'], ['10.0.0.0/8'])], t, ['Pub'], '11.0.0.1'), undefined, 'source ip');
  assert.equal(decidingEntry([e('Topic:order-1', 'Allow', ['Pub'], ['10.0.0.0/8'])], t, ['Pub'], '10.9.0.1')?.decision, 'Allow');
});

test('source IPs: exact, CIDR and 1.0 patterns', () => {
  assert.ok(ipInRange('192.168.1.7', '192.168.1.7'));
  assert.ok(ipInRange('192.168.1.7', '192.168.0.0/16'));
  assert.ok(!ipInRange('192.169.1.7', '192.168.0.0/16'));
  assert.ok(ipInRange('192.168.1.7', '192.168.*.*'));
  assert.ok(ipInRange('192.168.1.7', '192.168.1.1-9'));
  assert.ok(!ipInRange('192.168.1.10', '192.168.1.1-9'));
  assert.ok(ipInRange('192.168.1.7', '192.168.1.{5,7}'));
});

test('AclInfo bodies are checked with 5.x messages', () => {
  assert.throws(() => entriesFromInfo({ policies: [] }), /The policies is empty\./);
  assert.throws(() => entriesFromInfo({ policies: [{ entries: [{ resource: 'Topic:a', actions: ['Any'], decision: 'Allow' }] }] }), /can not be Any/);
  assert.throws(() => entriesFromInfo({ policies: [{ entries: [{ resource: 'Topic:a', actions: ['Pub'], decision: 'Maybe' }] }] }), /decision is null or illegal/);
  assert.throws(() => entriesFromInfo({ policies: [{ entries: [{ resource: 'Topic:a', actions: ['Pub'], sourceIps: ['nope'], decision: 'Allow' }] }] }), /source ip is invalid/);
  const [entry] = entriesFromInfo({ policies: [{ entries: [{ resource: 'Topic:a*', actions: ['pub', 'SUB'], decision: 'allow' }] }] });
  assert.deepEqual(entry, { resource: { type: 'Topic', name: 'a', pattern: 'PREFIXED' }, actions: ['Pub', 'Sub'], sourceIps: [], decision: 'Allow' });
});

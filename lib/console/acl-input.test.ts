import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSubject, globalWhiteAddrsOf, plainAccountOf, policyEntriesOf, userInputOf, withoutSecrets } from './acl-input.ts';

const field = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as { field?: string }).field;
  }
  return undefined;
};

test('users: a new one needs a name and a password; type and status are checked; an update may leave the password out', () => {
  assert.deepEqual(userInputOf({ username: 'alice', password: 'secret-1' }, { create: true }), { username: 'alice', password: 'secret-1', userType: 'Normal' });
  assert.deepEqual(userInputOf({ userStatus: 'disable' }, { create: false, username: 'alice' }), { username: 'alice', userStatus: 'disable' });
  assert.equal(field(() => userInputOf({ username: 'a b', password: 'secret-1' }, { create: true })), 'username');
  assert.equal(field(() => userInputOf({ username: 'alice' }, { create: true })), 'password');
  assert.equal(field(() => userInputOf({ username: 'alice', password: '123' }, { create: true })), 'password');
  assert.equal(field(() => userInputOf({ username: 'alice', password: 'secret-1', userType: 'root' }, { create: true })), 'userType');
  assert.equal(field(() => userInputOf({ userStatus: 'off' }, { create: false, username: 'alice' })), 'userStatus');
});

test('policies: subject, resource, actions (any case), source IPs and decision are checked, naming the entry', () => {
  assert.equal(checkSubject('bob'), 'User:bob');
  assert.equal(checkSubject('User:bob'), 'User:bob');
  assert.equal(field(() => checkSubject('')), 'subject');
  assert.deepEqual(policyEntriesOf({ entries: [{ resource: 'Topic:order-*', actions: ['pub', 'Sub', 'Pub'], sourceIps: ['10.0.0.0/8'], decision: 'Deny' }] }), [
    { resource: 'Topic:order-*', actions: ['Pub', 'Sub'], sourceIps: ['10.0.0.0/8'], decision: 'Deny' },
  ]);
  assert.equal(policyEntriesOf({ entries: [{ resource: '*', actions: ['All'] }] })[0]!.decision, 'Allow');
  assert.equal(field(() => policyEntriesOf({})), 'entries');
  assert.equal(field(() => policyEntriesOf({ entries: [{ resource: 'Topic:a', actions: ['Pub'] }, { resource: 'Queue:x', actions: ['Pub'] }] })), 'entries[1].resource');
  assert.equal(field(() => policyEntriesOf({ entries: [{ resource: 'Topic:a', actions: [] }] })), 'entries[0].actions');
  assert.equal(field(() => policyEntriesOf({ entries: [{ resource: 'Topic:a', actions: ['Pub'], sourceIps: ['not-an-ip'] }] })), 'entries[0].sourceIps');
  assert.equal(field(() => policyEntriesOf({ entries: [{ resource: 'Topic:a', actions: ['Pub'], decision: 'allow' }] })), 'entries[0].decision');
});

test('ACL 1.0 accounts: keys longer than 6 characters, perms as 4.9 writes them; the audit copy hides secrets', () => {
  const a = plainAccountOf({ accessKey: 'RocketMQUser', secretKey: 'secret-123', defaultTopicPerm: 'DENY', topicPerms: ['TopicA=PUB|SUB'], admin: false }, { create: true });
  assert.deepEqual(a, { accessKey: 'RocketMQUser', secretKey: 'secret-123', admin: false, defaultTopicPerm: 'DENY', topicPerms: ['TopicA=PUB|SUB'] });
  assert.deepEqual(withoutSecrets(a), { ...a, secretKey: 'set' });
  assert.equal(field(() => plainAccountOf({ accessKey: 'short', secretKey: 'secret-123' }, { create: true })), 'accessKey');
  assert.equal(field(() => plainAccountOf({ accessKey: 'RocketMQUser' }, { create: true })), 'secretKey');
  assert.deepEqual(plainAccountOf({ admin: true }, { create: false, accessKey: 'RocketMQUser' }), { accessKey: 'RocketMQUser', admin: true });
  assert.equal(field(() => plainAccountOf({ accessKey: 'RocketMQUser', secretKey: 'secret-123', defaultGroupPerm: 'READ' }, { create: true })), 'defaultGroupPerm');
  assert.equal(field(() => plainAccountOf({ accessKey: 'RocketMQUser', secretKey: 'secret-123', topicPerms: ['TopicA'] }, { create: true })), 'topicPerms[0]');
  assert.deepEqual(globalWhiteAddrsOf({ globalWhiteAddrs: [' 10.0.0.* ', '192.168.1.1'] }), ['10.0.0.*', '192.168.1.1']);
  assert.equal(field(() => globalWhiteAddrsOf({ globalWhiteAddrs: 'x' })), 'globalWhiteAddrs');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeError } from '../admin/errors.ts';
import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { createRequest, createResponse } from '../remoting/command.ts';
import { ResponseCodeError } from '../remoting/errors.ts';
import { AccessDeniedError, responseError } from './refusal.ts';

const pull = createRequest(RequestCode.PULL_MESSAGE, { consumerGroup: 'g1', topic: 'T1', queueId: 0, queueOffset: 0 });

test('a 5.x authorization refusal names the action and the resource the broker named', () => {
  const res = createResponse(pull, ResponseCode.NO_PERMISSION, 'User:bob has no permission to access Group:g1 from 10.0.0.1, no matched policies.');
  const err = responseError('b:10911', pull, res);
  assert.ok(err instanceof AccessDeniedError);
  assert.equal(err.action, 'Sub');
  assert.equal(err.resource, 'Group:g1');
  assert.match(err.message, /^not allowed: Sub on Group:g1 \(b:10911 answered PULL_MESSAGE with code 16: User:bob/);
  assert.match(describeError(err), /^not allowed: Sub on Group:g1 \(NO_PERMISSION \(16\)/);
});

test('an authentication refusal or a 4.9 AclException names the first resource the request needs', () => {
  const auth = responseError('b:1', pull, createResponse(pull, ResponseCode.NO_PERMISSION, 'check signature failed.'));
  assert.ok(auth instanceof AccessDeniedError);
  assert.equal(`${auth.action} on ${auth.resource}`, 'Sub on Topic:T1');
  const v1 = responseError('b:1', pull, createResponse(pull, ResponseCode.SYSTEM_ERROR, 'org.apache.rocketmq.acl.common.AclException: No default permission for group:g1, org...'));
  assert.ok(v1 instanceof AccessDeniedError);
  assert.equal(v1.resource, 'group:g1');
});

test('other failures, including a read-only topic NO_PERMISSION, stay plain ResponseCodeErrors', () => {
  const ro = responseError('b:1', pull, createResponse(pull, ResponseCode.NO_PERMISSION, 'the topic[T1] pulling message is forbidden'));
  assert.ok(!(ro instanceof AccessDeniedError));
  assert.ok(ro instanceof ResponseCodeError);
  assert.ok(!(responseError('b:1', pull, createResponse(pull, ResponseCode.SYSTEM_ERROR, 'disk full')) instanceof AccessDeniedError));
});

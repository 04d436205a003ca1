import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { brokerFailure, describeError, hasCode } from './errors.ts';
import { RemotingConnectError, ResponseCodeError } from '../remoting/errors.ts';

describe('admin errors', () => {
  test('an error answer reads as code name, code and remark', () => {
    const e = new ResponseCodeError('h:1', 206, 'the consumer group[g] not online', 203);
    assert.equal(describeError(e), 'CONSUMER_NOT_ONLINE (206): the consumer group[g] not online');
    assert.ok(hasCode(e, 206));
    assert.deepEqual(brokerFailure('broker-a', 'h:1', e), { brokerName: 'broker-a', brokerAddr: 'h:1', error: 'CONSUMER_NOT_ONLINE (206): the consumer group[g] not online', code: 206 });
  });

  test('a transport failure keeps the message that names the address', () => {
    const f = brokerFailure('broker-b', 'h:2', new RemotingConnectError('h:2', 'connect to h:2 failed: ECONNREFUSED'));
    assert.deepEqual(f, { brokerName: 'broker-b', brokerAddr: 'h:2', error: 'unreachable: connect to h:2 failed: ECONNREFUSED' });
  });
});

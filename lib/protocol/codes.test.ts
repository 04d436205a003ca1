// Tests for request/response codes, wire constants and MQVersion ordinals.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  RequestCode, RocketDeckRequestCode, ResponseCode, requestCodeName, responseCodeName, PermName, MixAll, TopicSysFlag,
  MQVersion, mqVersionOrdinal, mqVersionName, isSystemTopic, isNotAllowedSendTopic, getRetryTopic, getDLQTopic,
  validateTopic, validateGroup, MessageSysFlag, MessageConst,
} from './codes.ts';

describe('codes', () => {
  test('request codes carry RocketMQ numbers', () => {
    assert.equal(RequestCode.SEND_MESSAGE, 10);
    assert.equal(RequestCode.GET_ROUTEINFO_BY_TOPIC, 105);
    assert.equal(RequestCode.SEND_MESSAGE_V2, 310);
    assert.equal(RequestCode.POP_MESSAGE, 200050);
    assert.equal(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, 300);
  });

  test('response codes include the system codes 0..4', () => {
    assert.deepEqual(
      [ResponseCode.SUCCESS, ResponseCode.SYSTEM_ERROR, ResponseCode.SYSTEM_BUSY,
        ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ResponseCode.TRANSACTION_FAILED],
      [0, 1, 2, 3, 4],
    );
    assert.equal(ResponseCode.TOPIC_NOT_EXIST, 17);
    assert.equal(ResponseCode.CONSUMER_NOT_ONLINE, 206);
  });

  test('reverse lookups name codes and flag unknown ones', () => {
    assert.equal(requestCodeName(105), 'GET_ROUTEINFO_BY_TOPIC');
    assert.equal(requestCodeName(53), 'UPDATE_GLOBAL_WHITE_ADDRS_CONFIG');
    assert.equal(responseCodeName(25), 'SUBSCRIPTION_NOT_LATEST');
    assert.equal(responseCodeName(209), 'POLLING_FULL');
    assert.equal(requestCodeName(99999), 'UNKNOWN(99999)');
  });

  test('RocketDeck extension codes sit above RocketMQ\'s and are named', () => {
    assert.equal(RocketDeckRequestCode.GET_BROKER_LIVE_INFO, 10100);
    assert.equal(RocketDeckRequestCode.GET_TOPIC_PRODUCERS, 10101);
    assert.equal(requestCodeName(10101), 'GET_TOPIC_PRODUCERS');
    for (const code of Object.values(RocketDeckRequestCode)) assert.ok(!Object.values(RequestCode).includes(code as never), `${code} is a RocketMQ code`);
  });

  test('request code names are unique per number except none', () => {
    const seen = new Map<number, string>();
    for (const [name, code] of Object.entries(RequestCode)) {
      assert.ok(!seen.has(code), `${name} duplicates ${seen.get(code)}`);
      seen.set(code, name);
    }
  });
});

describe('constants', () => {
  test('perm bits and helpers', () => {
    assert.equal(PermName.PERM_READ | PermName.PERM_WRITE, 6);
    assert.equal(PermName.perm2String(6), 'RW-');
    assert.equal(PermName.perm2String(7), 'RWX');
    assert.ok(PermName.isReadable(4) && !PermName.isWriteable(4));
    assert.ok(PermName.isValid(7) && !PermName.isValid(8));
  });

  test('topic sys flag', () => {
    assert.equal(TopicSysFlag.buildSysFlag(true, true), 3);
    assert.ok(TopicSysFlag.hasUnitSubFlag(2));
    assert.equal(TopicSysFlag.clearUnitFlag(3), 2);
  });

  test('MixAll names and retry/DLQ topics', () => {
    assert.equal(MixAll.MASTER_ID, 0);
    assert.equal(MixAll.DEFAULT_TOPIC, 'TBW102');
    assert.equal(getRetryTopic('g'), '%RETRY%g');
    assert.equal(getDLQTopic('g'), '%DLQ%g');
  });

  test('system topics', () => {
    assert.ok(isSystemTopic('SCHEDULE_TOPIC_XXXX'));
    assert.ok(isSystemTopic('rmq_sys_anything'));
    assert.ok(isSystemTopic('DefaultCluster', ['DefaultCluster', 'broker-a']));
    assert.ok(!isSystemTopic('VecTopic'));
    assert.ok(isNotAllowedSendTopic('RMQ_SYS_TRANS_HALF_TOPIC'));
    assert.ok(!isNotAllowedSendTopic('TBW102'));
  });

  test('topic and group validation', () => {
    assert.equal(validateTopic('VecTopic'), null);
    assert.match(validateTopic('bad topic') ?? '', /illegal characters/);
    assert.match(validateTopic('x'.repeat(128)) ?? '', /max length: 127/);
    assert.equal(validateTopic('%RETRY%' + 'x'.repeat(200)), null);
    assert.match(validateGroup('') ?? '', /blank/);
  });

  test('MQVersion ordinals follow the enum', () => {
    assert.equal(mqVersionOrdinal(4, 9, 8), 409);
    assert.equal(MQVersion.V4_9_8, 409);
    assert.equal(mqVersionOrdinal(4, 9, 4), MQVersion.V4_9_4);
    assert.equal(mqVersionOrdinal(4, 0, 0, true), 212);
    assert.equal(mqVersionOrdinal(5, 0, 0), 413);
    assert.equal(mqVersionOrdinal(5, 3, 3), 479);
    assert.equal(mqVersionName(409), 'V4_9_8');
    assert.equal(mqVersionName(408), 'V4_9_8_SNAPSHOT');
    assert.equal(mqVersionName(413), 'V5_0_0');
  });

  test('message sys flags and property keys', () => {
    assert.equal(MessageSysFlag.TRANSACTION_PREPARED_TYPE, 4);
    assert.equal(MessageSysFlag.getTransactionValue(4 | 1), 4);
    assert.equal(MessageSysFlag.resetTransactionValue(4 | 1, MessageSysFlag.TRANSACTION_COMMIT_TYPE), 9);
    assert.equal(MessageSysFlag.BORNHOST_V6_FLAG, 16);
    assert.equal(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, 'UNIQ_KEY');
    assert.equal(MessageConst.PROPERTY_WAIT_STORE_MSG_OK, 'WAIT');
  });
});

// Tests for typed custom headers: decode/encode machinery and every captured header decoded with its spec.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeHeader, encodeHeader, defineHeader, HeaderError, HEADERS_BY_CODE, type HeaderSpec,
  PullMessageRequestHeader, PullMessageResponseHeader, QueryMessageRequestHeader, RegisterBrokerRequestHeader,
  RegisterBrokerResponseHeader, SendMessageRequestHeader, SendMessageRequestHeaderV2, SendMessageResponseHeader,
  sendHeaderV1ToV2, sendHeaderV2ToV1, ResetOffsetRequestHeader, DeleteSubscriptionGroupRequestHeader,
  GetBrokerConfigResponseHeader, CreateTopicRequestHeader, EndTransactionRequestHeader,
} from './headers.ts';
import { ResponseCode, RequestCode } from './codes.ts';
import { listVectorDirs, loadVector } from './fixtures/vectors.ts';

const Sample = defineHeader('Sample', {
  topic: 'string!',
  queueId: 'int!',
  offset: 'long',
  big: 'bigint',
  flag: 'boolean',
  order: { kind: 'boolean', default: false },
});

describe('decodeHeader / encodeHeader', () => {
  test('decodes kinds and applies defaults', () => {
    const h = decodeHeader(Sample, { topic: 'T', queueId: '-3', offset: '42', big: '9223372036854775807', flag: 'TRUE' });
    assert.deepEqual(h, { topic: 'T', queueId: -3, offset: 42, big: 9223372036854775807n, flag: true, order: false });
    const typed: { topic: string; queueId: number; order: boolean; offset?: number } = h;
    assert.ok(typed);
  });

  test('missing required field names the field', () => {
    assert.throws(() => decodeHeader(Sample, { queueId: '1' }), (e: unknown) =>
      e instanceof HeaderError && e.field === 'topic' && e.message === 'missing header field "topic"');
    assert.throws(() => decodeHeader(Sample, undefined), /missing header field "topic"/);
  });

  test('bad numbers are rejected with the field name', () => {
    assert.throws(() => decodeHeader(Sample, { topic: 'T', queueId: 'x' }), /bad header field "queueId": expected int/);
    assert.throws(() => decodeHeader(Sample, { topic: 'T', queueId: '2147483648' }), /int out of range/);
    assert.throws(() => decodeHeader(Sample, { topic: 'T', queueId: '1', offset: '1.5' }), /expected long/);
    assert.throws(() => decodeHeader(Sample, { topic: 'T', queueId: '1', offset: '9007199254740993' }), /beyond 2\^53/);
    assert.throws(() => decodeHeader(Sample, { topic: 'T', queueId: '1', big: '9223372036854775808' }), /long out of range/);
  });

  test('non-"true" booleans read as false, like Boolean.parseBoolean', () => {
    assert.equal(decodeHeader(Sample, { topic: 'T', queueId: '1', flag: 'yes' }).flag, false);
  });

  test('unknown ext fields are ignored', () => {
    const h = decodeHeader(Sample, { topic: 'T', queueId: '1', TRACE_ON: 'true' });
    assert.ok(!('TRACE_ON' in h));
  });

  test('encodes every value as a string and leaves out undefined', () => {
    assert.deepEqual(encodeHeader({ topic: 'T', queueId: 1, big: 2n ** 63n - 1n, flag: false, offset: undefined }), {
      topic: 'T', queueId: '1', big: '9223372036854775807', flag: 'false',
    });
  });

  test('encode with a spec checks required fields and kinds', () => {
    assert.throws(() => encodeHeader({ queueId: 1 }, Sample), /missing header field "topic"/);
    assert.throws(() => encodeHeader({ topic: 'T', queueId: 1.5 }, Sample), /bad header field "queueId"/);
    assert.deepEqual(encodeHeader({ topic: 'T', queueId: 1 }, Sample), { topic: 'T', queueId: '1' });
  });
});

describe('SendMessageRequestHeader V1 <-> V2', () => {
  test('converts the short field names both ways', () => {
    const v2 = decodeHeader(SendMessageRequestHeaderV2, loadVector('310-SEND_MESSAGE_V2').request.extFields);
    const v1 = sendHeaderV2ToV1(v2);
    assert.equal(v1.producerGroup, 'demo_producer_group');
    assert.equal(v1.topic, 'VecTopic');
    assert.equal(v1.defaultTopic, 'TBW102');
    assert.equal(v1.defaultTopicQueueNums, 4);
    assert.equal(v1.bornTimestamp, 1795556241542);
    assert.equal(v1.batch, false);
    assert.equal(v1.bname, 'broker-a');
    assert.deepEqual(sendHeaderV1ToV2(v1), v2);
  });

  test('a V1 header from the wire converts to the V2 fields a Java client sends', () => {
    const v1 = decodeHeader(SendMessageRequestHeader, loadVector('10-SEND_MESSAGE').request.extFields);
    const v2 = sendHeaderV1ToV2(v1);
    assert.equal(v2.a, 'demo_producer_group');
    assert.equal(v2.b, 'VecTopicV1');
    assert.equal(v2.e, 1);
    assert.equal(v2.n, 'broker-a');
    assert.equal(v2.i, v1.properties);
  });
});

describe('captured headers', () => {
  test('known values', () => {
    const pull = decodeHeader(PullMessageRequestHeader, loadVector('11-PULL_MESSAGE').request.extFields);
    assert.deepEqual(
      [pull.consumerGroup, pull.topic, pull.queueId, pull.queueOffset, pull.maxMsgNums, pull.sysFlag, pull.subVersion],
      ['vec_cg', 'VecTopic', 3, 0, 32, 2, 1795556250038],
    );
    // the spec's kinds reach the static type: required fields are plain, optional ones may be undefined
    const typed: { queueId: number; queueOffset: number; consumerGroup: string; bname?: string; subscription?: string } = pull;
    assert.ok(typed);
    // @ts-expect-error queueId is a number, not a string
    const wrong: { queueId: string } = pull;
    assert.ok(wrong);
    const pullResp = decodeHeader(PullMessageResponseHeader, loadVector('11-PULL_MESSAGE').response?.extFields);
    assert.deepEqual([pullResp.nextBeginOffset, pullResp.maxOffset, pullResp.suggestWhichBrokerId], [32, 250, 0]);

    const q = decodeHeader(QueryMessageRequestHeader, loadVector('12-QUERY_MESSAGE').request.extFields);
    assert.equal(q.endTimestamp, 9223372036854775807n);
    assert.equal(q.key, 'KEY-7');

    const reg = decodeHeader(RegisterBrokerRequestHeader, loadVector('103-REGISTER_BROKER-slave').request.extFields);
    assert.deepEqual([reg.brokerId, reg.bodyCrc32, reg.compressed, reg.haServerAddr], [1, 1041422822, false, '127.0.0.1:20922']);
    const regResp = decodeHeader(RegisterBrokerResponseHeader, loadVector('103-REGISTER_BROKER-slave').response?.extFields);
    assert.equal(regResp.masterAddr, '127.0.0.1:20911');

    const send = decodeHeader(SendMessageResponseHeader, loadVector('320-SEND_BATCH_MESSAGE').response?.extFields);
    assert.equal(send.msgId.split(',').length, 10);

    const reset = decodeHeader(ResetOffsetRequestHeader, loadVector('222-INVOKE_BROKER_TO_RESET_OFFSET-consumer-offline').request.extFields);
    assert.deepEqual([reset.group, reset.timestamp, reset.isForce, reset.queueId], ['vec_cg', -1, true, -1]);

    const del = decodeHeader(DeleteSubscriptionGroupRequestHeader, loadVector('207-DELETE_SUBSCRIPTIONGROUP').request.extFields);
    assert.equal(del.removeOffset, false);

    const conf = decodeHeader(GetBrokerConfigResponseHeader, loadVector('26-GET_BROKER_CONFIG').response?.extFields);
    assert.equal(conf.version, '{"counter":0,"timestamp":1795556204792}');

    const topic = decodeHeader(CreateTopicRequestHeader, loadVector('17-UPDATE_AND_CREATE_TOPIC').request.extFields);
    assert.deepEqual([topic.topic, topic.perm, topic.readQueueNums, topic.topicFilterType, topic.order], ['VecTopic', 6, 4, 'SINGLE_TAG', false]);

    const end = decodeHeader(EndTransactionRequestHeader, loadVector('37-END_TRANSACTION').request.extFields);
    assert.deepEqual([end.commitOrRollback, end.commitLogOffset, end.fromTransactionCheck], [8, 227935, false]);
  });

  for (const dir of listVectorDirs()) {
    test(`${dir}: headers decode with their spec and re-encode to the same ext fields`, () => {
      const v = loadVector(dir);
      const pair = HEADERS_BY_CODE.get(v.request.code);
      const check = (spec: HeaderSpec | undefined, ext: Record<string, string> | undefined): void => {
        if (!spec) {
          // codes without a custom header carry no ext fields (ROCKETMQ frames may carry an empty map)
          assert.equal(Object.keys(ext ?? {}).length, 0, `unexpected ext fields ${JSON.stringify(ext)}`);
          return;
        }
        const decoded = decodeHeader(spec, ext);
        const again = encodeHeader(decoded, spec);
        for (const [k, val] of Object.entries(again)) {
          if (ext?.[k] !== undefined) assert.equal(val, ext[k], `field ${k}`);
        }
        for (const k of Object.keys(ext ?? {})) {
          if (k in spec.fields) assert.equal(again[k], ext?.[k], `field ${k}`);
        }
      };
      check(pair?.request, v.request.extFields);
      const resp = v.response;
      if (!resp) return;
      const pullCodes: number[] = [ResponseCode.PULL_NOT_FOUND, ResponseCode.PULL_RETRY_IMMEDIATELY, ResponseCode.PULL_OFFSET_MOVED];
      const headerExpected = resp.code === ResponseCode.SUCCESS ||
        (v.request.code === RequestCode.PULL_MESSAGE && pullCodes.includes(resp.code));
      if (headerExpected) check(pair?.response, resp.extFields);
    });
  }
});

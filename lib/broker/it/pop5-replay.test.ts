// RocketDeck's broker against answers captured from Apache RocketMQ 5.3.3 (fixtures/pop5/, made with
// pop5-capture.ts): the captured answers decode with our header and body codecs, and the same scenario run against
// a RocketDeck broker process gets the same response codes, header fields and deterministic values.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setLogSink } from '../../common/log.ts';
import { decodeMessageRequestModeSerializeWrapper, decodeQueryAssignmentResponseBody } from '../../protocol/bodies/pop.ts';
import { ChangeInvisibleTimeResponseHeader, PopMessageResponseHeader, PollingInfoResponseHeader, NotificationResponseHeader } from '../../protocol/headers/pop.ts';
import { SendMessageResponseHeader } from '../../protocol/headers/message.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { decodeMessages } from '../../protocol/message-codec.ts';
import { parseMsgOffsetInfo, parseStartOffsetInfo } from '../../protocol/pop-extra-info.ts';
import { spawnBroker, spawnNamesrv, TestClient, type BrokerProcess, type NamesrvProcess } from './harness.ts';
import { runScenario, type Exchange } from './pop5-scenario.ts';

setLogSink(() => {});

const FIXTURE = new URL('./fixtures/pop5/rocketmq-5.3.3.json', import.meta.url);
const captured: { brokerName: string; exchanges: Exchange[] } = JSON.parse(readFileSync(FIXTURE, 'utf8'));
const byName = (list: Exchange[]) => new Map(list.map((e) => [e.name, e]));
const body = (e: Exchange | undefined): Buffer => Buffer.from(e?.response.body ?? '', 'base64');

describe('POP and timer answers vs Apache RocketMQ 5.3.3', () => {
  test('the captured 5.3.3 answers decode with our codecs', () => {
    const m = byName(captured.exchanges);
    const pop = m.get('POP_MESSAGE')!;
    const h = decodeHeader(PopMessageResponseHeader, pop.response.extFields);
    assert.equal(h.invisibleTime, 30_000);
    assert.deepEqual([...parseStartOffsetInfo(h.startOffsetInfo).keys()], ['0@0']);
    assert.deepEqual(parseMsgOffsetInfo(h.msgOffsetInfo).get('0@0'), [0, 1]);
    assert.equal(decodeMessages(body(pop)).length, 2);
    decodeHeader(ChangeInvisibleTimeResponseHeader, m.get('CHANGE_MESSAGE_INVISIBLETIME')!.response.extFields);
    decodeHeader(NotificationResponseHeader, m.get('NOTIFICATION')!.response.extFields);
    decodeHeader(PollingInfoResponseHeader, m.get('POLLING_INFO')!.response.extFields);
    const modes = decodeMessageRequestModeSerializeWrapper(body(m.get('GET_ALL_MESSAGE_REQUEST_MODE')));
    assert.equal(modes.get('PopFixTopic')?.get('pop_fix_group')?.mode, 'POP');
    const assignment = decodeQueryAssignmentResponseBody(body(m.get('QUERY_ASSIGNMENT')));
    assert.deepEqual(assignment.map((a) => [a.messageQueue.queueId, a.mode]), [[-1, 'POP']]);
    const timer = decodeHeader(SendMessageResponseHeader, m.get('SEND_TIMER')!.response.extFields);
    assert.ok(timer.recallHandle, 'a 5.3.3 timer send answers a recall handle');
    assert.equal(body(m.get('GET_TIMER_CHECK_POINT')).length, 56);
  });

  describe('the same scenario against a RocketDeck broker', () => {
    let ns: NamesrvProcess;
    let broker: BrokerProcess;
    let c: TestClient;
    let ours: Map<string, Exchange>;

    before(async () => {
      ns = await spawnNamesrv();
      broker = await spawnBroker({ namesrv: ns.address, props: { brokerClusterName: 'PopFixCluster', brokerName: captured.brokerName } });
      c = new TestClient(broker.address);
      ours = byName(await runScenario(c, captured.brokerName));
    });

    after(async () => {
      await c?.close();
      await broker?.destroy();
      await ns?.stop();
    });

    test('every request gets the response code 5.3.3 gave', () => {
      for (const e of captured.exchanges) {
        assert.ok(ours.has(e.name), `our run has no ${e.name}`);
        assert.equal(ours.get(e.name)!.response.code, e.response.code, `${e.name}: ${ours.get(e.name)!.response.remark}`);
      }
    });

    test('answers carry the header fields 5.3.3 sends', () => {
      // Fields of the region/trace extras 5.x adds to every response are not part of these answers' contracts.
      const extras = new Set(['MSG_REGION', 'TRACE_ON']);
      for (const e of captured.exchanges) {
        if (e.name === 'HEART_BEAT') continue;
        const theirs = Object.keys(e.response.extFields ?? {}).filter((k) => !extras.has(k)).sort();
        const mine = Object.keys(ours.get(e.name)!.response.extFields ?? {}).filter((k) => !extras.has(k)).sort();
        assert.deepEqual(mine.filter((k) => theirs.includes(k)), theirs, `${e.name}: ours ${mine.join(',')} vs 5.3.3 ${theirs.join(',')}`);
      }
    });

    test('deterministic values match: offset infos, restNum, remarks of refusals, hasMsg, assignment, modes', () => {
      const m = byName(captured.exchanges);
      for (const name of ['POP_MESSAGE', 'POP_MESSAGE_REST']) {
        const a = m.get(name)!.response.extFields!;
        const b = ours.get(name)!.response.extFields!;
        assert.equal(b.startOffsetInfo, a.startOffsetInfo, name);
        assert.equal(b.msgOffsetInfo, a.msgOffsetInfo, name);
        assert.equal(b.restNum, a.restNum, name);
        assert.equal(b.invisibleTime, a.invisibleTime, name);
      }
      for (const name of ['SEND_TIMER_TOO_FAR', 'RECALL_MESSAGE']) assert.equal(ours.get(name)!.response.remark, m.get(name)!.response.remark, name);
      assert.equal(ours.get('NOTIFICATION')!.response.extFields!.hasMsg, m.get('NOTIFICATION')!.response.extFields!.hasMsg);
      assert.equal(ours.get('CHANGE_MESSAGE_INVISIBLETIME')!.response.extFields!.invisibleTime, m.get('CHANGE_MESSAGE_INVISIBLETIME')!.response.extFields!.invisibleTime);
      // fastjson's field order and layout, byte for byte.
      assert.equal(body(ours.get('QUERY_ASSIGNMENT')).toString(), body(m.get('QUERY_ASSIGNMENT')).toString());
      assert.equal(body(ours.get('GET_ALL_MESSAGE_REQUEST_MODE')).toString(), body(m.get('GET_ALL_MESSAGE_REQUEST_MODE')).toString());
      assert.deepEqual(decodeMessageRequestModeSerializeWrapper(body(ours.get('GET_ALL_MESSAGE_REQUEST_MODE'))),
        decodeMessageRequestModeSerializeWrapper(body(m.get('GET_ALL_MESSAGE_REQUEST_MODE'))));
      assert.equal(body(ours.get('GET_TIMER_CHECK_POINT')).length, body(m.get('GET_TIMER_CHECK_POINT')).length);
    });
  });
});

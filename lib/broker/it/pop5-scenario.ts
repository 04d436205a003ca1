// One fixed sequence of 5.x POP, request-mode, assignment and timer requests, run against a broker (a real Apache
// RocketMQ 5.3.3 one to capture fixtures with pop5-capture.ts, RocketDeck's in pop5-replay.test.ts), recording
// every request and answer. Later steps build their requests from earlier answers, as a client would.
import { RequestCode } from '../../protocol/codes.ts';
import { encodeHeartbeatData } from '../../protocol/bodies/consumer.ts';
import {
  encodeBatchAckMessageRequestBody, encodeQueryAssignmentRequestBody, encodeSetMessageRequestModeRequestBody,
} from '../../protocol/bodies/pop.ts';
import { decodeMessages } from '../../protocol/message-codec.ts';
import { messageProperties2String } from '../../protocol/message-properties.ts';
import { buildExtraInfo, parseStartOffsetInfo } from '../../protocol/pop-extra-info.ts';
import type { HeaderInput, RemotingCommand } from '../../remoting/command.ts';
import type { TestClient } from './harness.ts';

export interface Exchange {
  name: string;
  request: { code: number; extFields?: Record<string, string>; body?: string };
  response: { code: number; remark?: string; extFields?: Record<string, string>; body?: string };
}

export const SCENARIO_TOPIC = 'PopFixTopic';
export const SCENARIO_GROUP = 'pop_fix_group';

export async function runScenario(c: TestClient, brokerName: string): Promise<Exchange[]> {
  const out: Exchange[] = [];
  const call = async (name: string, code: number, header?: HeaderInput, body?: Buffer): Promise<RemotingCommand> => {
    const res = await c.call(code, header, body, 15_000);
    const req: Exchange['request'] = { code };
    if (header) req.extFields = Object.fromEntries(Object.entries(header).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    if (body) req.body = body.toString('base64');
    const r: Exchange['response'] = { code: res.code };
    if (res.remark !== undefined && res.remark !== null) r.remark = res.remark;
    if (res.extFields) r.extFields = { ...res.extFields };
    if (res.body?.length) r.body = res.body.toString('base64');
    out.push({ name, request: req, response: r });
    return res;
  };
  const send = (name: string, body: string, props: Record<string, string>, queueId = 0) => call(name, RequestCode.SEND_MESSAGE_V2, {
    a: 'pop_fix_producer', b: SCENARIO_TOPIC, c: 'TBW102', d: 4, e: queueId, f: 0, g: Date.now(), h: 0,
    i: messageProperties2String({ ...props, WAIT: 'true' }), j: 0, k: false, m: false,
  }, Buffer.from(body));
  const pop = (name: string, max: number, invisibleTime: number, queueId = 0) => call(name, RequestCode.POP_MESSAGE, {
    consumerGroup: SCENARIO_GROUP, topic: SCENARIO_TOPIC, queueId, maxMsgNums: max, invisibleTime, pollTime: 0, bornTime: Date.now(),
    initMode: 0, expType: 'TAG', exp: '*', order: false,
  });

  await c.createTopic(SCENARIO_TOPIC, 2);
  await call('HEART_BEAT', RequestCode.HEART_BEAT, undefined, encodeHeartbeatData({
    clientID: 'pop-fix-client', producerDataSet: [],
    consumerDataSet: [{
      groupName: SCENARIO_GROUP, consumeType: 'CONSUME_POP', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', unitMode: false,
      subscriptionDataSet: [{ topic: SCENARIO_TOPIC, subString: '*', tagsSet: [], codeSet: [], subVersion: Date.now(), expressionType: 'TAG', classFilterMode: false }],
    }],
  }));
  for (let i = 0; i < 3; i++) await send(`SEND_${i}`, `pop fixture ${i}`, { UNIQ_KEY: `POPFIX${i}`, TAGS: 'TagA' });
  // The consume queue is written after the send is answered: pop once all three are in it (not recorded).
  for (const until = Date.now() + 10_000; (await c.maxOffset(SCENARIO_TOPIC, 0)) < 3 && Date.now() < until;) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 200));

  const first = await pop('POP_MESSAGE', 2, 30_000);
  const h = first.extFields ?? {};
  const msgs = first.body ? decodeMessages(first.body) : [];
  const start = parseStartOffsetInfo(h.startOffsetInfo).get('0@0') ?? 0;
  const receipt = (offset: number, popTime = Number(h.popTime), invisibleTime = Number(h.invisibleTime), reviveQid = Number(h.reviveQid), ck = start) =>
    buildExtraInfo({ ckQueueOffset: ck, popTime, invisibleTime, reviveQid, topic: SCENARIO_TOPIC, brokerName, queueId: 0, queueOffset: offset });
  if (msgs[0]) {
    await call('ACK_MESSAGE', RequestCode.ACK_MESSAGE, {
      consumerGroup: SCENARIO_GROUP, topic: SCENARIO_TOPIC, queueId: 0, extraInfo: receipt(msgs[0].queueOffset), offset: msgs[0].queueOffset,
    });
  }
  if (msgs[1]) {
    await call('CHANGE_MESSAGE_INVISIBLETIME', RequestCode.CHANGE_MESSAGE_INVISIBLETIME, {
      consumerGroup: SCENARIO_GROUP, topic: SCENARIO_TOPIC, queueId: 0, extraInfo: receipt(msgs[1].queueOffset), offset: msgs[1].queueOffset, invisibleTime: 20_000,
    });
  }
  const second = await pop('POP_MESSAGE_REST', 32, 30_000);
  const h2 = second.extFields ?? {};
  const rest = second.body ? decodeMessages(second.body) : [];
  if (rest.length > 0) {
    const so = parseStartOffsetInfo(h2.startOffsetInfo).get('0@0') ?? 0;
    await call('BATCH_ACK_MESSAGE', RequestCode.BATCH_ACK_MESSAGE, undefined, encodeBatchAckMessageRequestBody({
      brokerName,
      acks: [{
        consumerGroup: SCENARIO_GROUP, topic: SCENARIO_TOPIC, retry: '0', startOffset: so, queueId: 0, reviveQueueId: Number(h2.reviveQid),
        popTime: Number(h2.popTime), invisibleTime: Number(h2.invisibleTime), bitSet: rest.map((m) => m.queueOffset - so),
      }],
    }));
  }
  await pop('POP_MESSAGE_EMPTY', 32, 30_000, 1);
  await call('NOTIFICATION', RequestCode.NOTIFICATION, { consumerGroup: SCENARIO_GROUP, topic: SCENARIO_TOPIC, queueId: 1, pollTime: 0, bornTime: Date.now(), order: false });
  await call('POLLING_INFO', RequestCode.POLLING_INFO, { consumerGroup: SCENARIO_GROUP, topic: SCENARIO_TOPIC, queueId: 1 });
  await call('ACK_MESSAGE_BAD_RECEIPT', RequestCode.ACK_MESSAGE, { consumerGroup: SCENARIO_GROUP, topic: SCENARIO_TOPIC, queueId: 0, extraInfo: 'nonsense', offset: 0 });

  await call('SET_MESSAGE_REQUEST_MODE', RequestCode.SET_MESSAGE_REQUEST_MODE, undefined,
    encodeSetMessageRequestModeRequestBody({ topic: SCENARIO_TOPIC, consumerGroup: SCENARIO_GROUP, mode: 'POP', popShareQueueNum: 0 }));
  await call('GET_ALL_MESSAGE_REQUEST_MODE', RequestCode.GET_ALL_MESSAGE_REQUEST_MODE);
  await call('QUERY_ASSIGNMENT', RequestCode.QUERY_ASSIGNMENT, undefined, encodeQueryAssignmentRequestBody({
    topic: SCENARIO_TOPIC, consumerGroup: SCENARIO_GROUP, clientId: 'pop-fix-client', strategyName: 'AVG', messageModel: 'CLUSTERING',
  }));

  await send('SEND_TIMER_TOO_FAR', 'too far', { UNIQ_KEY: 'POPFIXT0', TIMER_DELAY_SEC: String(4 * 24 * 3600) });
  await send('SEND_TIMER_BAD', 'bad', { UNIQ_KEY: 'POPFIXT1', TIMER_DELAY_MS: 'soon' });
  const timer = await send('SEND_TIMER', 'in an hour', { UNIQ_KEY: 'POPFIXT2', TIMER_DELAY_SEC: '3600' });
  await call('GET_TIMER_CHECK_POINT', RequestCode.GET_TIMER_CHECK_POINT);
  await call('GET_TIMER_METRICS', RequestCode.GET_TIMER_METRICS);
  await call('RECALL_MESSAGE', RequestCode.RECALL_MESSAGE, { producerGroup: 'pop_fix_producer', topic: SCENARIO_TOPIC, recallHandle: timer.extFields?.recallHandle ?? 'none' });
  return out;
}

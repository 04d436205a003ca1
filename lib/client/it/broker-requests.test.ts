// A push consumer answering requests a broker pushes to it (CONSUME_MESSAGE_DIRECTLY with a stored message body,
// GET_CONSUMER_RUNNING_INFO, NOTIFY_CONSUMER_IDS_CHANGED), driven by a fake broker on a real socket.

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { encodeConsumerListByGroup } from '../../protocol/bodies/consumer.ts';
import { decodeConsumerRunningInfo } from '../../protocol/bodies/running-info.ts';
import { parseFastJson, toPlain } from '../../protocol/fastjson.ts';
import { createMessage, encodeStoredMessage } from '../../protocol/message.ts';
import { createRequest, createResponse } from '../../remoting/command.ts';
import { PushConsumer } from '../push-consumer.ts';
import type { ConsumedMessage } from '../pull-api.ts';
import { FakeServer, fakeNamesrv, routeOf, silentLogger } from './fake-cluster.ts';
import { waitFor } from './harness.ts';

const servers: FakeServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('broker-initiated requests to a push consumer', () => {
  test('CONSUME_MESSAGE_DIRECTLY runs the listener on the message in the body; running info and id-change notices are answered', async () => {
    const broker = await FakeServer.start();
    const ns = await fakeNamesrv(new Map([['DirectTopic', routeOf([{ brokerName: 'broker-a', addr: broker.addr }], 2)]]));
    servers.push(broker, ns);
    let pc: PushConsumer | undefined;
    broker.on(RequestCode.GET_CONSUMER_LIST_BY_GROUP, (req) =>
      createResponse(req, ResponseCode.SUCCESS, undefined, undefined, encodeConsumerListByGroup({ consumerIdList: [pc!.clientId!] })));
    broker.on(RequestCode.QUERY_CONSUMER_OFFSET, (req) => createResponse(req, ResponseCode.SUCCESS, undefined, { offset: 0 }));
    // Long polling with nothing to return: hold each pull briefly, then PULL_NOT_FOUND.
    broker.on(RequestCode.PULL_MESSAGE, async (req) => {
      await new Promise((r) => setTimeout(r, 200));
      return createResponse(req, ResponseCode.PULL_NOT_FOUND, 'NO_NEW_MSG', { suggestWhichBrokerId: 0, nextBeginOffset: req.extFields!.queueOffset!, minOffset: 0, maxOffset: 0 });
    });

    const got: ConsumedMessage[] = [];
    // A long period: only the start and the notice below trigger rebalances.
    pc = new PushConsumer({ group: 'direct_cg', namesrvAddr: ns.addr, logger: silentLogger, rebalanceInterval: 60_000 });
    pc.subscribe('DirectTopic').onMessage((m) => {
      got.push(m);
      if (m.body.toString() === 'later') return 'RECONSUME_LATER';
    });
    await pc.start();
    const clientId = pc.clientId!;
    try {
      await waitFor('both queues assigned', () => pc.assignedQueues().length === 2, 10_000);
      const conn = broker.lastConn!;
      const stored = (body: string) => encodeStoredMessage({
        ...createMessage('DirectTopic', body, { tags: 'TagA', keys: 'K1' }),
        queueId: 1, queueOffset: 7, commitLogOffset: 1234, sysFlag: 0, bornTimestamp: Date.now(), bornHost: { address: '127.0.0.1', port: 5000 },
        storeTimestamp: Date.now(), storeHost: { address: '127.0.0.1', port: 10911 },
      });
      const header = { consumerGroup: 'direct_cg', clientId, msgId: '7F00000100002A9F00000000000004D2', brokerName: 'broker-a' };
      const res = await conn.invoke(createRequest(RequestCode.CONSUME_MESSAGE_DIRECTLY, header, { body: stored('hello') }), 5000);
      assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
      const result = toPlain(parseFastJson(res.body!.toString())) as Record<string, unknown>;
      assert.deepEqual({ ...result, spentTimeMills: 0 }, { autoCommit: true, consumeResult: 'CR_SUCCESS', order: false, remark: '', spentTimeMills: 0 });
      assert.equal(got[0]!.body.toString(), 'hello');
      assert.equal(got[0]!.queueOffset, 7);
      assert.equal(got[0]!.brokerName, 'broker-a');

      const later = await conn.invoke(createRequest(RequestCode.CONSUME_MESSAGE_DIRECTLY, header, { body: stored('later') }), 5000);
      assert.equal((toPlain(parseFastJson(later.body!.toString())) as Record<string, unknown>).consumeResult, 'CR_LATER');

      const info = await conn.invoke(createRequest(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'direct_cg', clientId, jstackEnable: false }), 5000);
      assert.equal(info.code, ResponseCode.SUCCESS);
      const ri = decodeConsumerRunningInfo(info.body!);
      assert.equal(ri.mqTable.filter(([mq]) => mq.topic === 'DirectTopic').length, 2);
      assert.equal(ri.properties.get('PROP_CONSUMEORDERLY'), 'false');
      for (const k of ['PROP_EVENT_LOOP_DELAY_MEAN_MS', 'PROP_EVENT_LOOP_DELAY_P99_MS', 'PROP_EVENT_LOOP_DELAY_MAX_MS', 'PROP_EVENT_LOOP_DELAY_WINDOW_MS']) {
        const v = ri.properties.get(k);
        assert.ok(v !== undefined && v !== '' && Number.isFinite(Number(v)), `${k} = ${v}`);
      }

      const other = await conn.invoke(createRequest(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'nobody', clientId, jstackEnable: false }), 5000);
      assert.equal(other.code, ResponseCode.SYSTEM_ERROR);
      assert.match(other.remark!, /The Consumer Group <nobody> not exist in this consumer/);

      const before = broker.received(RequestCode.GET_CONSUMER_LIST_BY_GROUP).length;
      await conn.invokeOneway(createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: 'direct_cg' }));
      await waitFor('a rebalance right after the notice', () => broker.received(RequestCode.GET_CONSUMER_LIST_BY_GROUP).length > before, 5000);
    } finally {
      await pc.shutdown();
    }
  });
});

// The check service against a real store in an in-process broker, on a clock it is handed: which half messages a
// round passes over, checks back with the producer, stores again or discards, and how END_TRANSACTION answers fit.

import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setLogSink } from '../../common/log.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { MixAll, TopicValidator } from '../../protocol/constants.ts';
import { MessageConst, MessageSysFlag } from '../../protocol/message-const.ts';
import { decodeMessage } from '../../protocol/message-codec.ts';
import { createUniqId, type MessageExt } from '../../protocol/message.ts';
import { createRequest, type RemotingCommand } from '../../remoting/command.ts';
import { BrokerController } from '../broker.ts';
import type { BrokerContext } from '../context.ts';
import { applyHalfMessage, ensureTopic } from '../put-message.ts';
import { fakeConnection, silentLog, testConfig, type FakeConnection } from '../test-util.ts';
import { TransactionalMessageCheckService } from './transaction-check.ts';
import { handleEndTransaction } from '../processor/end-transaction.ts';

setLogSink(() => {});

const HALF = TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC;
const OP = TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC;
const MAX_TIME = TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC;
const GROUP = 'tx_unit_group';

describe('TransactionalMessageCheckService', () => {
  let dir: string;
  let broker: BrokerController;
  let ctx: BrokerContext;
  let producer: FakeConnection;
  let clock = 0;
  let service: TransactionalMessageCheckService;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rd-tx-check-'));
    const cfg = testConfig();
    broker = new BrokerController({
      ...cfg,
      brokerName: 'broker-tx',
      brokerIP1: '127.0.0.1',
      brokerIP2: '127.0.0.1',
      bindAddress: '127.0.0.1',
      listenPort: 0,
      haListenPort: 0,
      namesrvAddr: [],
      // The broker's own service waits an hour; the tests run rounds themselves.
      passive: new Map([['transactionCheckInterval', '3600000'], ['transactionTimeOut', '6000'], ['transactionCheckMax', '2']]),
      store: { ...cfg.store, storePathRootDir: `${dir}/store`, storePathCommitLog: `${dir}/store/commitlog`, mappedFileSizeCommitLog: 4 * 1024 * 1024 },
    }, { logger: silentLog });
    await broker.start();
    ctx = broker.context;
    ensureTopic(ctx, 'TxUnitTopic');
    service = new TransactionalMessageCheckService({ ctx: () => ctx, log: silentLog, now: () => clock });
  });

  after(async () => {
    await broker?.shutdown(100);
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    // Every test starts with the queue fully checked and a fresh producer connection.
    if (producer) ctx.producers.unregisterProducer(GROUP, producer);
    producer = fakeConnection(`127.0.0.1:${40000 + Math.floor(Math.random() * 1000)}`);
    ctx.producers.registerProducer(GROUP, { conn: producer, clientId: 'unit@1', language: 'JAVA', version: 409, lastUpdateTimestamp: Date.now() });
    ctx.offsets.commitOffset('unit', MixAll.CID_SYS_RMQ_TRANS, HALF, 0, ctx.store.getMaxOffsetInQueue(HALF, 0));
    ctx.offsets.commitOffset('unit', MixAll.CID_SYS_RMQ_TRANS, OP, 0, ctx.store.getMaxOffsetInQueue(OP, 0));
    clock = Date.now() + 10_000;
  });

  /** Stores a half message as SEND_MESSAGE does for TRAN_MSG=true; returns its queue and commit log offsets. */
  async function sendHalf(body: string, bornAgoMs: number, props: Record<string, string> = {}) {
    const msg = {
      topic: 'TxUnitTopic',
      queueId: 1,
      flag: 0,
      body: Buffer.from(body),
      properties: {
        [MessageConst.PROPERTY_TRANSACTION_PREPARED]: 'true',
        [MessageConst.PROPERTY_PRODUCER_GROUP]: GROUP,
        [MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX]: createUniqId(),
        ...props,
      },
      sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE,
      bornTimestamp: clock - bornAgoMs,
      bornHost: { address: '127.0.0.1', port: 50000 },
      storeHost: ctx.storeHost(),
    };
    applyHalfMessage(msg);
    ensureTopic(ctx, HALF);
    const r = await ctx.store.putMessage(msg);
    assert.ok(r.appendResult, r.status);
    return { queueOffset: r.appendResult.logicsOffset, commitLogOffset: r.appendResult.wroteOffset, uniqKey: msg.properties.UNIQ_KEY! };
  }

  function endTransaction(h: { queueOffset: number; commitLogOffset: number; uniqKey: string }, type: number, fromTransactionCheck = false) {
    const req = createRequest(RequestCode.END_TRANSACTION, {
      producerGroup: GROUP, tranStateTableOffset: h.queueOffset, commitLogOffset: h.commitLogOffset, commitOrRollback: type,
      fromTransactionCheck, msgId: h.uniqKey,
    });
    return handleEndTransaction(ctx, req, producer) as Promise<RemotingCommand | undefined>;
  }

  async function readQueue(topic: string, queueId: number, from: number): Promise<MessageExt[]> {
    const r = await ctx.store.getMessage('unit', topic, queueId, from, 32);
    return r.buffers.map((b) => decodeMessage(b, 0));
  }

  /** The check requests the producer got, decoded. */
  const checks = () => producer.oneways.map((req) => ({ h: req.extFields!, msg: decodeMessage(req.body!, 0) }));

  test('a half message resolved by an op record is passed over and both consume offsets move on', async () => {
    const h = await sendHalf('committed', 60_000);
    const res = await endTransaction(h, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    assert.equal(res?.code, ResponseCode.SUCCESS);
    const r = await service.check();
    assert.deepEqual(r, { checked: 0, discarded: 0, resolved: 1, renewed: 0, noProducer: 0 });
    assert.equal(producer.oneways.length, 0);
    assert.equal(ctx.offsets.queryOffset(MixAll.CID_SYS_RMQ_TRANS, HALF, 0), h.queueOffset + 1);
    assert.equal(ctx.offsets.queryOffset(MixAll.CID_SYS_RMQ_TRANS, OP, 0), ctx.store.getMaxOffsetInQueue(OP, 0));
  });

  test('an unresolved half message is stored again and checked back; the answer resolves the copy', async () => {
    const h = await sendHalf('unknown', 60_000, { [MessageConst.PROPERTY_TAGS]: 'TagU' });
    const r = await service.check();
    assert.equal(r.checked, 1);
    assert.equal(checks().length, 1);
    const { h: header, msg } = checks()[0]!;
    const copy = (await readQueue(HALF, 0, h.queueOffset + 1))[0]!;
    assert.equal(copy.properties[MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES], '1');
    assert.equal(copy.bornTimestamp, clock - 60_000);
    assert.deepEqual(
      { tranStateTableOffset: header.tranStateTableOffset, commitLogOffset: header.commitLogOffset, msgId: header.msgId, transactionId: header.transactionId, offsetMsgId: header.offsetMsgId, topic: header.topic, bname: header.bname },
      { tranStateTableOffset: String(copy.queueOffset), commitLogOffset: String(copy.commitLogOffset), msgId: h.uniqKey, transactionId: h.uniqKey, offsetMsgId: copy.msgId, topic: HALF, bname: 'broker-tx' },
    );
    assert.equal(msg.topic, 'TxUnitTopic');
    assert.equal(msg.queueId, 1);
    assert.equal(msg.body.toString(), 'unknown');
    assert.equal(msg.properties[MessageConst.PROPERTY_PRODUCER_GROUP], GROUP);

    // The producer commits the copy the check named.
    const realBefore = ctx.store.getMaxOffsetInQueue('TxUnitTopic', 1);
    const res = await endTransaction({ queueOffset: copy.queueOffset, commitLogOffset: copy.commitLogOffset, uniqKey: h.uniqKey }, MessageSysFlag.TRANSACTION_COMMIT_TYPE, true);
    assert.equal(res?.code, ResponseCode.SUCCESS);
    const committed = await readQueue('TxUnitTopic', 1, realBefore);
    assert.equal(committed.length, 1);
    assert.equal(committed[0]!.body.toString(), 'unknown');
    assert.equal(committed[0]!.properties[MessageConst.PROPERTY_TAGS], 'TagU');

    clock += 10_000;
    const next = await service.check();
    assert.deepEqual(next, { checked: 0, discarded: 0, resolved: 1, renewed: 0, noProducer: 0 });
    assert.equal(checks().length, 1);
  });

  test('a half message younger than transactionTimeOut is left for a later round', async () => {
    const h = await sendHalf('young', 1000);
    const r = await service.check();
    assert.deepEqual(r, { checked: 0, discarded: 0, resolved: 0, renewed: 0, noProducer: 0 });
    assert.equal(ctx.offsets.queryOffset(MixAll.CID_SYS_RMQ_TRANS, HALF, 0), h.queueOffset);
    clock += 6000;
    assert.equal((await service.check()).checked, 1);
  });

  test('after transactionCheckMax checks a half message goes to TRANS_CHECK_MAX_TIME_TOPIC', async () => {
    await sendHalf('never decided', 60_000, { [MessageConst.PROPERTY_TAGS]: 'TagX' });
    assert.equal((await service.check()).checked, 1);
    clock += 1000;
    assert.equal((await service.check()).checked, 1);
    clock += 1000;
    const maxBefore = ctx.store.getMaxOffsetInQueue(MAX_TIME, 0);
    const r = await service.check();
    assert.deepEqual(r, { checked: 0, discarded: 1, resolved: 0, renewed: 0, noProducer: 0 });
    assert.deepEqual(checks().map((c) => c.msg.properties[MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES]), ['1', '2']);
    const discarded = await readQueue(MAX_TIME, 0, maxBefore);
    assert.equal(discarded.length, 1);
    assert.equal(discarded[0]!.body.toString(), 'never decided');
    assert.equal(discarded[0]!.properties[MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES], '2');
    assert.equal(discarded[0]!.properties[MessageConst.PROPERTY_REAL_TOPIC], 'TxUnitTopic');
    assert.ok(ctx.topics.selectTopicConfig(MAX_TIME));
    clock += 1000;
    assert.deepEqual(await service.check(), { checked: 0, discarded: 0, resolved: 0, renewed: 0, noProducer: 0 });
  });

  test('within CHECK_IMMUNITY_TIME_IN_SECONDS a half message is not checked, and a commit of its first offset resolves it', async () => {
    const h = await sendHalf('immune', 30_000, { [MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS]: '120' });
    assert.deepEqual(await service.check(), { checked: 0, discarded: 0, resolved: 0, renewed: 1, noProducer: 0 });
    assert.equal(producer.oneways.length, 0);
    const copy = (await readQueue(HALF, 0, h.queueOffset + 1))[0]!;
    assert.equal(copy.properties[MessageConst.PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET], String(h.queueOffset));
    // The producer's own commit names the first offset; the copy is resolved through it.
    assert.equal((await endTransaction(h, MessageSysFlag.TRANSACTION_COMMIT_TYPE))?.code, ResponseCode.SUCCESS);
    clock += 1000;
    assert.deepEqual(await service.check(), { checked: 0, discarded: 0, resolved: 1, renewed: 0, noProducer: 0 });
    assert.equal(producer.oneways.length, 0);
  });

  test('an immune half message is checked once its immunity time is over', async () => {
    await sendHalf('immune then due', 30_000, { [MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS]: '40' });
    assert.equal((await service.check()).renewed, 1);
    clock += 11_000;
    assert.equal((await service.check()).checked, 1);
  });

  test('a due half message without a live producer of its group is counted, not lost', async () => {
    ctx.producers.unregisterProducer(GROUP, producer);
    await sendHalf('orphan', 60_000);
    assert.deepEqual(await service.check(), { checked: 0, discarded: 0, resolved: 0, renewed: 0, noProducer: 1 });
    // Stored again with its check counted, so it comes back next round.
    clock += 1000;
    ctx.producers.registerProducer(GROUP, { conn: producer, clientId: 'unit@1', language: 'JAVA', version: 409, lastUpdateTimestamp: Date.now() });
    assert.equal((await service.check()).checked, 1);
    assert.equal(checks()[0]!.msg.properties[MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES], '2');
  });

  test('END_TRANSACTION: UNKNOW gets no answer; a late commit of an immune half message is refused unless it answers a check', async () => {
    const h = await sendHalf('late', 0, { [MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS]: '0' });
    assert.equal(await endTransaction(h, MessageSysFlag.TRANSACTION_NOT_TYPE), undefined);
    assert.equal(await endTransaction(h, MessageSysFlag.TRANSACTION_NOT_TYPE, true), undefined);
    const old = await sendHalf('late', 7000 + (clock - Date.now()), { [MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS]: '1' });
    assert.equal((await endTransaction(old, MessageSysFlag.TRANSACTION_COMMIT_TYPE))?.code, ResponseCode.ILLEGAL_OPERATION);
    assert.equal((await endTransaction(old, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE, true))?.code, ResponseCode.SUCCESS);
  });
});

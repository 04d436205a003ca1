// TransactionProducer on the wire, against a fake broker on a real socket: the half message and END_TRANSACTION
// compared with frames a Java 4.9.8 transactional producer sent, and its answers to CHECK_TRANSACTION_STATE.

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { RequestCode } from '../../protocol/codes.ts';
import { loadVector } from '../../protocol/fixtures/vectors.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { createMessage, encodeStoredMessage, string2messageProperties, type MessageExt } from '../../protocol/message.ts';
import { createRequest, FLAG_ONEWAY, type RemotingCommand } from '../../remoting/command.ts';
import { TransactionProducer, type LocalTransactionState, type TransactionListener } from '../transaction-producer.ts';
import { FakeServer, fakeNamesrv, routeOf, silentLogger } from './fake-cluster.ts';
import { waitFor } from './harness.ts';

const servers: FakeServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const GROUP = 'tx_producer_group';
const keysOf = (o: Record<string, string> | undefined): string[] => Object.keys(o ?? {}).sort();

async function setup(listener: TransactionListener) {
  const broker = await FakeServer.start();
  const ns = await fakeNamesrv(new Map([['VecTopicX', routeOf([{ brokerName: 'broker-a', addr: broker.addr }], 4)]]));
  servers.push(broker, ns);
  const half = loadVector('310-SEND_MESSAGE_V2-transaction-half');
  // The captured answer: half queue offset 0, commit log offset 0x37A5F in the offset msg id.
  broker.on(RequestCode.SEND_MESSAGE_V2, (req) => ({ ...half.response!, opaque: req.opaque }));
  const producer = new TransactionProducer({ group: GROUP, namesrvAddr: ns.addr, logger: silentLogger }, listener);
  await producer.start();
  return { broker, producer, half };
}

const listener = (execute: TransactionListener['executeLocalTransaction'], check: TransactionListener['checkLocalTransaction'] = () => 'UNKNOW'): TransactionListener => ({
  executeLocalTransaction: execute,
  checkLocalTransaction: check,
});

const endTransactions = (broker: FakeServer): RemotingCommand[] => broker.received(RequestCode.END_TRANSACTION);

describe('TransactionProducer requests', () => {
  test('the half message and a commit carry the fields a Java 4.9.8 transactional producer sends', async () => {
    const seen: Array<{ uniq: string | undefined; arg: unknown }> = [];
    const { broker, producer, half } = await setup(listener((msg, arg) => {
      seen.push({ uniq: msg.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX], arg });
      return 'COMMIT_MESSAGE';
    }));
    try {
      const r = await producer.sendMessageInTransaction({ topic: 'VecTopicX', body: 'tx TX-COMMIT', tags: 'TagTx', keys: 'TX-COMMIT', delayTimeLevel: 3 }, { order: 1 });
      assert.equal(r.localTransactionState, 'COMMIT_MESSAGE');
      assert.deepEqual(seen, [{ uniq: r.msgId, arg: { order: 1 } }]);

      const send = broker.received(RequestCode.SEND_MESSAGE_V2)[0]!;
      assert.deepEqual(keysOf(send.extFields), keysOf(half.requestHeader.extFields));
      assert.equal(send.extFields!.f, '4', 'sysFlag: TRANSACTION_PREPARED_TYPE');
      const props = string2messageProperties(send.extFields!.i!);
      const captured = string2messageProperties(half.requestHeader.extFields!.i!);
      // Same properties in the same (Java HashMap) order; the delay level is dropped as Java drops it.
      assert.deepEqual(Object.keys(props), Object.keys(captured));
      assert.equal(props.TRAN_MSG, 'true');
      assert.equal(props.PGROUP, GROUP);

      await waitFor('END_TRANSACTION', () => endTransactions(broker).length === 1, 10_000);
      const end = endTransactions(broker)[0]!;
      const vector = loadVector('37-END_TRANSACTION');
      assert.equal(end.flag & FLAG_ONEWAY, FLAG_ONEWAY);
      assert.deepEqual(end.extFields, { ...vector.requestHeader.extFields, msgId: r.msgId });
      assert.equal(end.remark, undefined);
    } finally {
      await producer.shutdown();
    }
  });

  test('rollback, a throwing local transaction and an unknown answer end the transaction as Java does', async () => {
    const answers: Array<() => LocalTransactionState> = [
      () => 'ROLLBACK_MESSAGE',
      () => {
        throw new Error('db down');
      },
      () => 'MAYBE' as LocalTransactionState,
      () => 'UNKNOW',
    ];
    let n = 0;
    const { broker, producer } = await setup(listener(() => answers[n++]!()));
    try {
      const states = [];
      for (let i = 0; i < answers.length; i++) states.push((await producer.sendMessageInTransaction({ topic: 'VecTopicX', body: `tx ${i}` })).localTransactionState);
      assert.deepEqual(states, ['ROLLBACK_MESSAGE', 'UNKNOW', 'UNKNOW', 'UNKNOW']);
      await waitFor('four END_TRANSACTIONs', () => endTransactions(broker).length === 4, 10_000);
      const ends = endTransactions(broker);
      assert.deepEqual(ends.map((e) => e.extFields!.commitOrRollback), ['12', '0', '0', '0']);
      assert.match(ends[1]!.remark ?? '', /^executeLocalTransactionBranch exception: Error: db down$/);
      assert.ok(ends.every((e) => e.extFields!.fromTransactionCheck === 'false'));
    } finally {
      await producer.shutdown();
    }
  });

  test('CHECK_TRANSACTION_STATE is answered with checkLocalTransaction and END_TRANSACTION fromTransactionCheck=true', async () => {
    const checked: MessageExt[] = [];
    const states: LocalTransactionState[] = ['COMMIT_MESSAGE', 'ROLLBACK_MESSAGE'];
    const { broker, producer } = await setup(listener(() => 'UNKNOW', (msg) => {
      checked.push(msg);
      return states[checked.length - 1] ?? 'UNKNOW';
    }));
    try {
      await producer.sendMessageInTransaction({ topic: 'VecTopicX', body: 'pending' });
      await waitFor('first END_TRANSACTION', () => endTransactions(broker).length === 1, 10_000);
      const conn = broker.lastConn!;
      const check = (uniq: string, queueOffset: number, group = GROUP) => {
        const msg = createMessage('VecTopicX', 'pending', { tags: 'TagTx' });
        msg.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] = uniq;
        msg.properties[MessageConst.PROPERTY_PRODUCER_GROUP] = group;
        msg.properties[MessageConst.PROPERTY_TRANSACTION_PREPARED] = 'true';
        msg.properties[MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES] = '1';
        const body = encodeStoredMessage({
          ...msg, queueId: 3, queueOffset, commitLogOffset: 9000 + queueOffset, sysFlag: 0, bornTimestamp: Date.now() - 10_000,
          bornHost: { address: '127.0.0.1', port: 5000 }, storeTimestamp: Date.now(), storeHost: { address: '127.0.0.1', port: 10911 },
        });
        const header = {
          topic: 'RMQ_SYS_TRANS_HALF_TOPIC', tranStateTableOffset: queueOffset, commitLogOffset: 9000 + queueOffset, msgId: uniq, transactionId: uniq,
          offsetMsgId: '7F00000100002A9F0000000000002328', bname: 'broker-a',
        };
        return conn.invokeOneway(createRequest(RequestCode.CHECK_TRANSACTION_STATE, header, { body, oneway: true }));
      };
      // A group this client does not have is ignored (Java logs and drops it); the ones after it are answered.
      await check('AAAA0000000000000000000000000000', 4, 'other_group');
      await check('C0A80001000000000000000000000001', 7);
      await check('C0A80001000000000000000000000002', 8);
      await waitFor('two answers', () => endTransactions(broker).length === 3, 10_000);
      assert.deepEqual(checked.map((m) => [m.topic, m.queueId, m.body.toString(), m.properties[MessageConst.PROPERTY_TAGS]]), [
        ['VecTopicX', 3, 'pending', 'TagTx'], ['VecTopicX', 3, 'pending', 'TagTx'],
      ]);
      const answers = endTransactions(broker).slice(1).sort((a, b) => Number(a.extFields!.tranStateTableOffset) - Number(b.extFields!.tranStateTableOffset));
      assert.deepEqual(answers[0]!.extFields, {
        producerGroup: GROUP, tranStateTableOffset: '7', commitLogOffset: '9007', commitOrRollback: '8', fromTransactionCheck: 'true',
        msgId: 'C0A80001000000000000000000000001', transactionId: 'C0A80001000000000000000000000001', bname: 'broker-a',
      });
      assert.equal(answers[1]!.extFields!.commitOrRollback, '12');
      assert.ok(answers.every((a) => (a.flag & FLAG_ONEWAY) === FLAG_ONEWAY));
    } finally {
      await producer.shutdown();
    }
  });

  test('a listener is required', () => {
    assert.throws(() => new TransactionProducer({ group: 'g', namesrvAddr: '127.0.0.1:9876' }, undefined as unknown as TransactionListener), /listener/);
  });
});

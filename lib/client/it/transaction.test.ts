// Transactional messages end to end against a real nameserver and broker process with short check settings:
// commit, rollback, a transaction left UNKNOW that the broker checks back and the producer then commits, and one
// left UNKNOW for good that lands in TRANS_CHECK_MAX_TIME_TOPIC after transactionCheckMax checks.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { TopicValidator } from '../../protocol/constants.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { PushConsumer } from '../push-consumer.ts';
import type { ConsumedMessage } from '../pull-api.ts';
import { TransactionProducer, type LocalTransactionState } from '../transaction-producer.ts';
import { startCluster, waitFor, type TestCluster } from './harness.ts';

setLogSink(() => {});

const TOPIC = 'TxItTopic';
const MAX_TIME = TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC;

describe('transactional messages against a broker process', () => {
  let c: TestCluster;
  before(async () => {
    // A round every second; half messages are due 1 s after they were born; two checks, then the discard.
    c = await startCluster(1, { transactionCheckInterval: 1000, transactionTimeOut: 1000, transactionCheckMax: 2 });
    await c.createTopic(TOPIC, 2);
  });
  after(async () => {
    await c?.stop();
  });

  test('commit is consumed, rollback never is, UNKNOW is checked back then committed once, and an endless UNKNOW is discarded', async () => {
    const admin = c.admins[0]!;
    const checks = new Map<string, number>();
    const producer = new TransactionProducer({ group: 'tx_it_producer', namesrvAddr: c.namesrvAddr }, {
      executeLocalTransaction: (msg) => {
        const body = msg.body.toString();
        return body === 'commit' ? 'COMMIT_MESSAGE' : body === 'rollback' ? 'ROLLBACK_MESSAGE' : 'UNKNOW';
      },
      checkLocalTransaction: (msg): LocalTransactionState => {
        const body = msg.body.toString();
        checks.set(body, (checks.get(body) ?? 0) + 1);
        return body === 'unknown then commit' ? 'COMMIT_MESSAGE' : 'UNKNOW';
      },
    });
    const got: ConsumedMessage[] = [];
    const consumer = new PushConsumer({ group: 'tx_it_consumer', namesrvAddr: c.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', rebalanceInterval: 1000 });
    consumer.subscribe(TOPIC, '*').onMessage((m) => {
      got.push(m);
    });
    await producer.start();
    await consumer.start();
    try {
      const sent = new Map<string, string>();
      for (const body of ['commit', 'rollback', 'unknown then commit', 'unknown forever']) {
        const r = await producer.sendMessageInTransaction({ topic: TOPIC, body, tags: 'TagTx' });
        assert.equal(r.sendStatus, 'SEND_OK');
        sent.set(body, r.msgId);
      }

      const discardedBefore = await admin.maxOffset(MAX_TIME, 0).catch(() => 0);
      await waitFor('the endless UNKNOW in TRANS_CHECK_MAX_TIME_TOPIC', async () => (await admin.maxOffset(MAX_TIME, 0).catch(() => 0)) > discardedBefore, 15_000, 100);
      const [discarded] = await admin.pullAll('tx_it_inspect', MAX_TIME, 0, discardedBefore, discardedBefore + 1);
      assert.equal(discarded!.body.toString(), 'unknown forever');
      assert.equal(discarded!.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX], sent.get('unknown forever'));
      assert.equal(discarded!.properties[MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES], '2');
      assert.equal(checks.get('unknown forever'), 2);
      assert.equal(checks.has('commit'), false);
      assert.equal(checks.has('rollback'), false);
      assert.ok((checks.get('unknown then commit') ?? 0) >= 1);

      // Everything the topic holds has been consumed: exactly the two commits, each once.
      const stored = (await admin.maxOffset(TOPIC, 0)) + (await admin.maxOffset(TOPIC, 1));
      assert.equal(stored, 2);
      await waitFor('both commits consumed', () => got.length >= 2, 15_000);
      assert.deepEqual(got.map((m) => m.body.toString()).sort(), ['commit', 'unknown then commit']);
      assert.deepEqual(got.map((m) => m.msgId).sort(), [sent.get('commit'), sent.get('unknown then commit')].sort());
      assert.ok(got.every((m) => m.properties[MessageConst.PROPERTY_TAGS] === 'TagTx' && m.properties[MessageConst.PROPERTY_TRANSACTION_PREPARED] === undefined));

      // One structured line per round, with what it checked and discarded.
      const rounds = () => c.brokers[0]!.logs.filter((l) => l.includes('"transaction_check_round"')).map((l) => JSON.parse(l) as Record<string, unknown>);
      await waitFor('the discarding round logged', () => rounds().some((r) => Number(r.discarded) === 1), 10_000);
      assert.ok(rounds().reduce((n, r) => n + Number(r.checked), 0) >= 3);
    } finally {
      await consumer.shutdown();
      await producer.shutdown();
    }
  });
});

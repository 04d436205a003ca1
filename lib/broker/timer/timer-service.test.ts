// The timer service's crash records: a put interrupted between the real message and its done record is not
// delivered again after a restart, and an intent whose put never happened is delivered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setLogSink } from '../../common/log.ts';
import { startBroker, type BrokerController } from '../broker.ts';
import { TestClient, waitFor } from '../it/harness.ts';
import { silentLog, testConfig, withTempDir } from '../test-util.ts';
import { TIMER_TOPIC } from './timer-service.ts';

setLogSink(() => {});

const TOPIC = 'TimerUnit';

async function open(dir: string): Promise<{ broker: BrokerController; c: TestClient }> {
  const base = testConfig();
  const broker = await startBroker({
    ...base, listenPort: 0, namesrvAddr: [], brokerIP1: '127.0.0.1', bindAddress: '127.0.0.1', haListenPort: 0,
    store: { ...base.store, storePathRootDir: dir, storePathCommitLog: path.join(dir, 'commitlog'), mappedFileSizeCommitLog: 4 * 1024 * 1024 },
  }, { logger: silentLog });
  const c = new TestClient(broker.brokerAddr);
  await c.createTopic(TOPIC, 1);
  return { broker, c };
}

function record(type: number, off: number, extra: number): Buffer {
  const b = Buffer.alloc(17);
  b[0] = type;
  b.writeDoubleBE(off, 1);
  b.writeDoubleBE(extra, 9);
  return b;
}

test('a timer whose put finished but whose done record was lost is not delivered again after a restart', () =>
  withTempDir(async (dir) => {
    let { broker, c } = await open(dir);
    try {
      assert.equal((await c.send(TOPIC, 'once', { queueId: 0, properties: { TIMER_DELAY_MS: '200', UNIQ_KEY: 'u-1' } })).code, 0);
      await waitFor('delivered', () => broker.messageStore.getMaxOffsetInQueue(TOPIC, 0) === 1, 10_000);
      await c.close();
      await broker.shutdown();
      // As if killed right after the put: checkpoint back to 0 and only the intent record left.
      writeFileSync(path.join(dir, 'timer', 'checkpoint.json'), JSON.stringify({ base: 0 }));
      writeFileSync(path.join(dir, 'timer', 'progress.log'), record(1, 0, 0));
      ({ broker, c } = await open(dir));
      assert.equal(broker.timer!.pending, 0, 'the interrupted put was found in the real queue');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(broker.messageStore.getMaxOffsetInQueue(TOPIC, 0), 1, 'delivered twice');
    } finally {
      await c.close();
      await broker.shutdown();
    }
  }));

test('a timer with an intent record but no put is delivered after a restart', () =>
  withTempDir(async (dir) => {
    let { broker, c } = await open(dir);
    try {
      const due = Date.now() + 2500;
      assert.equal((await c.send(TOPIC, 'later', { queueId: 0, properties: { TIMER_DELIVER_MS: String(due), UNIQ_KEY: 'u-2' } })).code, 0);
      await waitFor('timer stored', () => broker.messageStore.getMaxOffsetInQueue(TIMER_TOPIC, 0) === 1, 5000);
      await c.close();
      await broker.shutdown();
      // As if killed between the intent record and the put.
      appendFileSync(path.join(dir, 'timer', 'progress.log'), record(1, 0, 0));
      assert.equal(readFileSync(path.join(dir, 'timer', 'progress.log')).length % 17, 0);
      ({ broker, c } = await open(dir));
      assert.equal(broker.timer!.pending, 1);
      await waitFor('delivered', () => broker.messageStore.getMaxOffsetInQueue(TOPIC, 0) === 1, 10_000);
      assert.ok(Date.now() >= due, 'delivered early');
    } finally {
      await c.close();
      await broker.shutdown();
    }
  }));

test('runtime info carries 5.x timer figures: enqueue and dequeue rates, nothing behind', () =>
  withTempDir(async (dir) => {
    const { broker, c } = await open(dir);
    try {
      const due = Date.now() + 3600_000;
      for (let i = 0; i < 3; i++) assert.equal((await c.send(TOPIC, `later ${i}`, { queueId: 0, properties: { TIMER_DELIVER_MS: String(due), UNIQ_KEY: `l-${i}` } })).code, 0);
      for (let i = 0; i < 2; i++) assert.equal((await c.send(TOPIC, `soon ${i}`, { queueId: 0, properties: { TIMER_DELAY_MS: '100', UNIQ_KEY: `s-${i}` } })).code, 0);
      await waitFor('two delivered', () => broker.messageStore.getMaxOffsetInQueue(TOPIC, 0) === 2, 10_000);
      // a second later, every event so far lies in the window's whole seconds
      const figures = new Map(broker.timer!.runtimeFigures(Date.now() + 1000));
      assert.equal(figures.get('timerEnqueueTps'), '0.5');
      assert.equal(figures.get('timerDequeueTps'), '0.2');
      assert.equal(figures.get('timerReadBehind'), '0');
      assert.equal(figures.get('timerOffsetBehind'), '0');
      assert.equal(broker.timer!.pending, 3);
    } finally {
      await c.close();
      await broker.shutdown();
    }
  }));

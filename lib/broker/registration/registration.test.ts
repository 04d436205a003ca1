// NamesrvRegistration: a topic change resolves only once a registration round that saw the change has answered;
// a created topic is registered alone (registerIncrementBrokerData), and a nameserver that missed one gets the whole table.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { decodeRegisterBrokerBody } from '../../protocol/bodies/topic.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingClient } from '../../remoting/client.ts';
import { waitFor } from '../../common/wait-for.ts';
import { NamesrvRegistration } from './registration.ts';
import { TopicConfigManager, newTopicConfig } from '../topic/topic-config-manager.ts';
import { silentLog, testConfig } from '../test-util.ts';

/** A nameserver client whose REGISTER_BROKER answers wait until the test releases them. */
function fakeNamesrv(topics: TopicConfigManager) {
  const rounds: Array<{ sawNew: boolean; release: () => void }> = [];
  const client = {
    invoke(_addr: string, req: RemotingCommand): Promise<RemotingCommand> {
      assert.equal(req.code, RequestCode.REGISTER_BROKER);
      return new Promise((resolve) => {
        rounds.push({ sawNew: topics.selectTopicConfig('New') !== undefined, release: () => resolve(createResponse(req, ResponseCode.SUCCESS)) });
      });
    },
  } as unknown as RemotingClient;
  return { client, rounds };
}

function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), 'rd-registration-'));
  const cfg = testConfig({ namesrvAddr: ['127.0.0.1:1'] });
  const topics = new TopicConfigManager(() => cfg, path.join(dir, 'topics.json'), silentLog);
  const ns = fakeNamesrv(topics);
  const reg = new NamesrvRegistration({
    client: ns.client, config: () => cfg, topics, log: silentLog, brokerAddr: () => '127.0.0.1:10911', haServerAddr: () => '127.0.0.1:10912',
  });
  return { reg, topics, rounds: ns.rounds, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('registration after a topic change', () => {
  test('requestRegister resolves only after the nameserver answered the round that carries the change', async () => {
    const { reg, topics, rounds, cleanup } = setup();
    try {
      topics.updateTopicConfig(newTopicConfig('New'));
      let done = false;
      const p = reg.requestRegister().then(() => { done = true; });
      await waitFor('the REGISTER_BROKER round', () => rounds.length === 1, 5000);
      assert.equal(rounds[0].sawNew, true);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(done, false, 'resolved before the nameserver answered');
      rounds[0].release();
      await p;
      assert.equal(done, true);
    } finally { cleanup(); }
  });

  test('a change made while a round is in flight waits for the next round, which carries it', async () => {
    const { reg, topics, rounds, cleanup } = setup();
    try {
      const first = reg.registerAll();
      await waitFor('the first round', () => rounds.length === 1, 5000);
      assert.equal(rounds[0].sawNew, false);
      topics.updateTopicConfig(newTopicConfig('New'));
      let done = false;
      const p = reg.requestRegister().then(() => { done = true; });
      await new Promise((r) => setTimeout(r, 100)); // past the debounce: the request joined the in-flight round's queue
      rounds[0].release();
      await first;
      await waitFor('the second round', () => rounds.length === 2, 5000);
      assert.equal(done, false, 'resolved on the round that started before the change');
      assert.equal(rounds[1].sawNew, true);
      rounds[1].release();
      await p;
      assert.equal(done, true);
    } finally { cleanup(); }
  });

  test('waiting callers are released when the broker unregisters', async () => {
    const { reg, topics, rounds, cleanup } = setup();
    try {
      topics.updateTopicConfig(newTopicConfig('New'));
      const p = reg.requestRegister();
      await reg.unregisterAll().catch(() => {});
      await p;
      assert.equal(rounds.length, 0);
    } finally { cleanup(); }
  });
});

/** A nameserver client that answers at once (or fails for the addresses in `down`) and keeps every request. */
function recordingNamesrv(down: Set<string>) {
  const sent: Array<{ addr: string; topics: string[]; dataVersion: { timestamp: number; counter: number } }> = [];
  const client = {
    async invoke(addr: string, req: RemotingCommand): Promise<RemotingCommand> {
      assert.equal(req.code, RequestCode.REGISTER_BROKER);
      const w = decodeRegisterBrokerBody(req.body).topicConfigSerializeWrapper;
      sent.push({ addr, topics: [...w.topicConfigTable.keys()].sort(), dataVersion: w.dataVersion });
      if (down.has(addr)) throw new Error(`connect ECONNREFUSED ${addr}`);
      return createResponse(req, ResponseCode.SUCCESS);
    },
  } as unknown as RemotingClient;
  return { client, sent };
}

function setupRecording(namesrvs: string[], down: Set<string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'rd-registration-'));
  const cfg = testConfig({ namesrvAddr: namesrvs });
  const topics = new TopicConfigManager(() => cfg, path.join(dir, 'topics.json'), silentLog);
  const ns = recordingNamesrv(down);
  const reg = new NamesrvRegistration({
    client: ns.client, config: () => cfg, topics, log: silentLog, brokerAddr: () => '127.0.0.1:10911', haServerAddr: () => '127.0.0.1:10912',
  });
  return { reg, topics, sent: ns.sent, cleanup: async () => { await topics.flush(); rmSync(dir, { recursive: true, force: true }); } };
}

describe('incremental registration (registerIncrementBrokerData)', () => {
  test('carries only the changed topic and the current DataVersion', async () => {
    const { reg, topics, sent, cleanup } = setupRecording(['ns1:9876', 'ns2:9876'], new Set());
    try {
      for (let i = 0; i < 20; i++) topics.updateTopicConfig(newTopicConfig(`Old${i}`));
      await reg.registerAll();
      assert.ok(sent.every((s) => s.topics.length > 20), 'the full round carries the whole table');
      sent.length = 0;
      topics.updateTopicConfig(newTopicConfig('New'));
      await reg.registerIncrement(['New']);
      assert.deepEqual(sent.map((s) => s.addr).sort(), ['ns1:9876', 'ns2:9876']);
      for (const s of sent) {
        assert.deepEqual(s.topics, ['New']);
        assert.deepEqual(s.dataVersion, topics.dataVersion);
      }
    } finally { await cleanup(); }
  });

  test('changes made in one turn of the event loop share one request; a topic deleted meanwhile is left out', async () => {
    const { reg, topics, sent, cleanup } = setupRecording(['ns1:9876'], new Set());
    try {
      topics.updateTopicConfig(newTopicConfig('A'));
      topics.updateTopicConfig(newTopicConfig('B'));
      topics.updateTopicConfig(newTopicConfig('Gone'));
      const all = Promise.all([reg.registerIncrement(['A']), reg.registerIncrement(['B']), reg.registerIncrement(['Gone'])]);
      topics.deleteTopicConfig('Gone');
      await all;
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0].topics, ['A', 'B']);
    } finally { await cleanup(); }
  });

  test('a nameserver that missed an incremental registration gets the whole table until one reaches it', async () => {
    const down = new Set(['ns2:9876']);
    const { reg, topics, sent, cleanup } = setupRecording(['ns1:9876', 'ns2:9876'], down);
    try {
      topics.updateTopicConfig(newTopicConfig('Missed'));
      await reg.registerIncrement(['Missed']);
      down.clear();
      sent.length = 0;
      topics.updateTopicConfig(newTopicConfig('Next'));
      await reg.registerIncrement(['Next']);
      const byAddr = new Map(sent.map((s) => [s.addr, s.topics]));
      assert.deepEqual(byAddr.get('ns1:9876'), ['Next']);
      assert.ok(byAddr.get('ns2:9876')!.includes('Missed') && byAddr.get('ns2:9876')!.includes('Next'), 'ns2 got the whole table');
      assert.equal(byAddr.get('ns2:9876')!.length, topics.size);
      sent.length = 0;
      topics.updateTopicConfig(newTopicConfig('Third'));
      await reg.registerIncrement(['Third']);
      assert.deepEqual(sent.map((s) => s.topics), [['Third'], ['Third']], 'back to increments once the whole table got through');
    } finally { await cleanup(); }
  });

  test('a full round that read the table before a missed increment does not clear the nameserver\'s need for the whole table', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rd-registration-'));
    const cfg = testConfig({ namesrvAddr: ['ns1:9876'] });
    const topics = new TopicConfigManager(() => cfg, path.join(dir, 'topics.json'), silentLog);
    const sent: string[][] = [];
    const held: Array<() => void> = [];
    let failIncrements = false;
    const client = {
      invoke(_addr: string, req: RemotingCommand): Promise<RemotingCommand> {
        const names = [...decodeRegisterBrokerBody(req.body).topicConfigSerializeWrapper.topicConfigTable.keys()].sort();
        sent.push(names);
        if (names.length > 2) return new Promise((resolve) => held.push(() => resolve(createResponse(req, ResponseCode.SUCCESS))));
        if (failIncrements) return Promise.reject(new Error('timed out'));
        return Promise.resolve(createResponse(req, ResponseCode.SUCCESS));
      },
    } as unknown as RemotingClient;
    const reg = new NamesrvRegistration({
      client, config: () => cfg, topics, log: silentLog, brokerAddr: () => '127.0.0.1:10911', haServerAddr: () => '127.0.0.1:10912',
    });
    try {
      const full = reg.registerAll(); // reads the table now, answered later
      await waitFor('the full round', () => held.length === 1, 5000);
      failIncrements = true;
      topics.updateTopicConfig(newTopicConfig('Missed'));
      await reg.registerIncrement(['Missed']);
      failIncrements = false;
      held[0]!();
      await full;
      sent.length = 0;
      topics.updateTopicConfig(newTopicConfig('Next'));
      const next = reg.registerIncrement(['Next']);
      await waitFor('a full registration instead of the increment', () => held.length === 2, 5000);
      assert.ok(sent[0]!.includes('Missed') && sent[0]!.includes('Next'));
      held[1]!();
      await next;
    } finally {
      await topics.flush();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

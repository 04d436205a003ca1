// NamesrvRegistration: a topic change resolves only once a registration round that saw the change has answered.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
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

// A `rocketdeck broker` holding 30 topics registers through recording TCP proxies with two `rocketdeck namesrv`
// processes: a created topic goes out alone (registerIncrementBrokerData) and the nameservers add it without
// dropping the others; a nameserver that missed it (its proxy swallowing requests) gets the whole table next time.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { setLogSink } from '../../common/log.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { decodeTopicList } from '../../protocol/bodies/route.ts';
import { decodeRegisterBrokerBody, encodeTopicConfigSerializeWrapper, type TopicConfig } from '../../protocol/bodies/topic.ts';
import { decodeFrame, FrameDecoder } from '../../remoting/codec.ts';
import { spawnBroker, spawnNamesrv, tempDir, TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from './harness.ts';

setLogSink(() => {});

const SEEDED = 30;

/** Forwards TCP to `upstream`, keeping the topic names of every REGISTER_BROKER; `swallow` drops requests unanswered. */
class RecordingProxy {
  readonly registrations: string[][] = [];
  swallow = false;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(readonly upstream: string) {
    const i = upstream.lastIndexOf(':');
    this.server = net.createServer((client) => {
      const up = net.connect(Number(upstream.slice(i + 1)), upstream.slice(0, i));
      this.sockets.add(client).add(up);
      const decoder = new FrameDecoder();
      client.on('data', (chunk: Buffer) => {
        const swallowed = this.swallow;
        for (const frame of decoder.push(chunk)) {
          const cmd = decodeFrame(frame, true);
          if (cmd.code === RequestCode.REGISTER_BROKER && !swallowed) {
            this.registrations.push([...decodeRegisterBrokerBody(cmd.body).topicConfigSerializeWrapper.topicConfigTable.keys()].sort());
          }
        }
        if (!swallowed) up.write(chunk);
      });
      up.on('data', (chunk: Buffer) => client.write(chunk));
      const close = () => {
        client.destroy();
        up.destroy();
      };
      client.on('close', close).on('error', close);
      up.on('close', close).on('error', close);
    });
  }

  static async start(upstream: string): Promise<RecordingProxy> {
    const p = new RecordingProxy(upstream);
    await new Promise<void>((resolve) => p.server.listen(0, '127.0.0.1', resolve));
    return p;
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function namesrvTopics(admin: TestClient): Promise<Set<string>> {
  const res = await admin.ok(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
  return new Set(decodeTopicList(res.body).topicList);
}

describe('incremental registration with real nameservers', () => {
  const namesrvs: NamesrvProcess[] = [];
  const proxies: RecordingProxy[] = [];
  const admins: TestClient[] = [];
  let broker: BrokerProcess;
  let client: TestClient;
  const seeds = Array.from({ length: SEEDED }, (_, i) => `ItSeed_${i}`);

  before(async () => {
    namesrvs.push(...(await Promise.all([spawnNamesrv(), spawnNamesrv()])));
    proxies.push(...(await Promise.all(namesrvs.map((n) => RecordingProxy.start(n.address)))));
    admins.push(...namesrvs.map((n) => new TestClient(n.address)));
    const dir = tempDir('broker-registration');
    const table = new Map<string, TopicConfig>(seeds.map((topicName) => [topicName, {
      topicName, readQueueNums: 2, writeQueueNums: 2, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false,
    }]));
    mkdirSync(join(dir, 'store', 'config'), { recursive: true });
    writeFileSync(join(dir, 'store', 'config', 'topics.json'), encodeTopicConfigSerializeWrapper({ topicConfigTable: table, dataVersion: { timestamp: Date.now(), counter: 1 } }));
    broker = await spawnBroker({ dir, namesrv: proxies.map((p) => p.address).join(';'), props: { registerBrokerTimeoutMills: 1000 } });
    client = new TestClient(broker.address);
    for (const admin of admins) await waitFor('the seeded topics on the nameserver', async () => ((await namesrvTopics(admin)).has(seeds[SEEDED - 1]!) ? true : undefined));
  });

  after(async () => {
    await client?.close();
    await broker?.destroy();
    for (const a of admins) await a.close();
    for (const p of proxies) await p.close();
    for (const n of namesrvs) await n.stop();
  });

  test('a created topic is registered alone, and the nameservers add it and keep every other topic', async () => {
    const full = proxies.map((p) => p.registrations.at(-1)!);
    for (const f of full) assert.ok(f.length > SEEDED, `the start-up registration carries the whole table (${f.length} topics)`);
    const counts = proxies.map((p) => p.registrations.length);
    await client.createTopic('ItIncrement', 4);
    proxies.forEach((p, i) => assert.deepEqual(p.registrations.slice(counts[i]), [['ItIncrement']]));
    for (const admin of admins) {
      const topics = await namesrvTopics(admin);
      assert.ok(topics.has('ItIncrement'));
      for (const t of full[0]!) assert.ok(topics.has(t), `${t} is still routed`);
      const route = await admin.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'ItIncrement' });
      assert.equal(route.code, ResponseCode.SUCCESS);
      assert.equal(JSON.parse(route.body!.toString('utf8')).queueDatas[0].writeQueueNums, 4);
      const seedRoute = await admin.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: seeds[0] });
      assert.equal(seedRoute.code, ResponseCode.SUCCESS);
    }
  });

  test('a nameserver that missed an incremental registration gets the whole table with the next change', async () => {
    proxies[1]!.swallow = true;
    await client.createTopic('ItMissed', 2); // answered once the swallowed request timed out (1 s)
    assert.equal((await namesrvTopics(admins[1]!)).has('ItMissed'), false);
    assert.equal((await namesrvTopics(admins[0]!)).has('ItMissed'), true);
    proxies[1]!.swallow = false;
    const before = proxies.map((p) => p.registrations.length);
    await client.createTopic('ItAfter', 2);
    assert.deepEqual(proxies[0]!.registrations.slice(before[0]), [['ItAfter']]);
    const toSecond = proxies[1]!.registrations.slice(before[1]);
    assert.equal(toSecond.length, 1);
    assert.ok(toSecond[0]!.includes('ItMissed') && toSecond[0]!.includes('ItAfter') && toSecond[0]!.includes(seeds[0]!), 'the whole table');
    const topics = await namesrvTopics(admins[1]!);
    for (const t of ['ItMissed', 'ItAfter', 'ItIncrement', ...seeds]) assert.ok(topics.has(t), `${t} on the second nameserver`);
  });
});

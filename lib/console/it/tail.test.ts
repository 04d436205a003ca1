// The live tail over HTTP against a real nameserver, two broker groups and the console: messages appear as they are
// stored, filters narrow them on the server, masking for viewers, pause/resume, a closed page stops the pulling, the
// rate cap drops and counts, the per-user limit answers 429, and a hung broker (SIGSTOP) does not hold the other back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { spawnBroker, TestClient, type BrokerProcess } from '../../broker/it/harness.ts';
import { consoleHttp, startConsoleRig, waitFor, type ConsoleRig } from './console-build.ts';
import { openSse, type SseClient } from './sse-client.ts';

setLogSink(() => {});

const TOPIC = 'TailTopic';
const QUEUES = 2;

describe('live tail over Server-Sent Events', { timeout: 300_000 }, () => {
  let rig: ConsoleRig;
  let brokerB: BrokerProcess | undefined;
  let clientB: TestClient | undefined;
  let stoppedB = false;
  const open: SseClient[] = [];
  let seq = 0;

  const http = consoleHttp(() => rig.url);
  const tail = async (query: string, cookie?: string): Promise<SseClient> => {
    const c = await openSse(`${rig.url}/api/tail?topic=${TOPIC}&${query}`, { cookie: cookie ?? rig.op });
    open.push(c);
    if (c.status === 200) await c.until('hello', (ev) => ev[0]?.event === 'hello');
    return c;
  };
  const closeAll = async (): Promise<void> => {
    for (const c of open.splice(0)) c.close();
    await waitFor('no tail open', async () => (await http.call('GET', '/api/tail/streams')).body.streams.length === 0, 10_000);
  };
  /** A body unique to this test run and message. */
  const mark = (what: string): string => `${what}-${++seq}-${Date.now()}`;

  before(async () => {
    rig = await startConsoleRig('console-tail-it', async ({ ns, client }) => {
      await client.createTopic(TOPIC, QUEUES);
      brokerB = await spawnBroker({ namesrv: ns.address, props: { brokerName: 'broker-it-b' } });
      clientB = new TestClient(brokerB.address);
      await clientB.createTopic(TOPIC, QUEUES);
    }, () => ({ ROCKETDECK_TAIL_MAX_PER_USER: '3', ROCKETDECK_MASK_PROPERTIES: 'phone', ROCKETDECK_MASK_BODY_FIELDS: 'email,card.number' }));
    // both broker groups on the topic's route before a tail reads it
    await waitFor('route with both brokers', async () => (await rig.admin.topicRoute(TOPIC)).brokerDatas.length === 2, 30_000);
  });

  after(async () => {
    for (const c of open) c.close();
    if (stoppedB) brokerB?.child.kill('SIGCONT');
    await clientB?.close();
    await brokerB?.destroy();
    await rig?.stop();
  });

  test('new messages of both broker groups appear; the stream starts with hello and sends stats', async () => {
    const c = await tail('');
    const bodies = [mark('a'), mark('b'), mark('c'), mark('d')];
    await rig.client.send(TOPIC, bodies[0]!, { queueId: 0 });
    await rig.client.send(TOPIC, bodies[1]!, { queueId: 1 });
    await clientB!.send(TOPIC, bodies[2]!, { queueId: 0 });
    await clientB!.send(TOPIC, bodies[3]!, { queueId: 1, tags: 'T', keys: 'k1' });
    await c.until('four messages', () => bodies.every((b) => c.messages().some((m) => m.body === b)), 10_000);
    const last = c.messages().find((m) => m.body === bodies[3]);
    assert.equal(last.brokerName, 'broker-it-b');
    assert.equal(last.tags, 'T');
    assert.deepEqual(last.keys, ['k1']);
    await c.until('stats', (ev) => ev.some((e) => e.event === 'stats' && e.data.sent >= 4));
    const hello = c.events[0]!.data;
    assert.equal(hello.topic, TOPIC);
    assert.deepEqual(hello.masking, { properties: [], bodyFields: [] }, 'an operator sees values unmasked');
    await closeAll();
  });

  test('a tail from a time reads what was stored before it opened', async () => {
    const t0 = Date.now() - 1;
    const body = mark('past');
    await rig.client.send(TOPIC, body, { queueId: 1 });
    const c = await tail(`from=${t0}`);
    await c.until('the earlier message', () => c.messages().some((m) => m.body === body), 10_000);
    await closeAll();
  });

  test('tag, property, key and body filters narrow the stream on the server', async () => {
    const c = await tail('tag=paid||shipped&prop=region%3Deu&body=order');
    const k = await tail('key=wanted-key');
    const want = [mark('order-paid'), mark('order-shipped')];
    const skip = [mark('order-created'), mark('order-us'), mark('refund')];
    await rig.client.send(TOPIC, skip[0]!, { queueId: 0, tags: 'created', properties: { region: 'eu' } });
    await rig.client.send(TOPIC, want[0]!, { queueId: 0, tags: 'paid', properties: { region: 'eu' } });
    await clientB!.send(TOPIC, skip[1]!, { queueId: 1, tags: 'paid', properties: { region: 'us' } });
    await clientB!.send(TOPIC, skip[2]!, { queueId: 1, tags: 'paid', properties: { region: 'eu' }, keys: 'wanted-key' });
    await rig.client.send(TOPIC, want[1]!, { queueId: 1, tags: 'shipped', properties: { region: 'eu' } });
    await c.until('both matching', () => want.every((b) => c.messages().some((m) => m.body === b)), 10_000);
    await k.until('the keyed one', () => k.messages().some((m) => m.body === skip[2]), 10_000);
    // everything sent is read by now: the stats of a later cycle count all five
    await c.until('five read', (ev) => ev.some((e) => e.event === 'stats' && e.data.scanned >= 5));
    assert.deepEqual(c.messages().map((m) => m.body).sort(), [...want].sort());
    assert.deepEqual(k.messages().map((m) => m.body), [skip[2]]);
    await closeAll();
  });

  test('a SQL92 expression narrows the stream on the server; an invalid one is a 400 with its position', async () => {
    const sql = encodeURIComponent("region = 'eu' AND amount > 100 AND TAGS IN ('paid', 'shipped')");
    const c = await tail(`sql=${sql}`);
    const want = mark('sql-yes');
    const sent: Array<{ body: string; tags: string; properties: Record<string, string> }> = [
      { body: mark('sql-small'), tags: 'paid', properties: { region: 'eu', amount: '50' } },
      { body: want, tags: 'paid', properties: { region: 'eu', amount: '120' } },
      { body: mark('sql-us'), tags: 'paid', properties: { region: 'us', amount: '500' } },
      { body: mark('sql-tag'), tags: 'created', properties: { region: 'eu', amount: '500' } },
      { body: mark('sql-none'), tags: 'paid', properties: { region: 'eu' } },
    ];
    for (const m of sent) await rig.client.send(TOPIC, m.body, { queueId: 0, tags: m.tags, properties: m.properties });
    await c.until('the match', () => c.messages().some((m) => m.body === want), 10_000);
    await c.until('all read', (ev) => ev.some((e) => e.event === 'stats' && e.data.scanned >= sent.length));
    assert.deepEqual(c.messages().map((m) => m.body), [want]);
    const bad = await tail(`sql=${encodeURIComponent("region = 'eu' AND (amount > ")}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.error!.field, 'sql');
    assert.equal(typeof bad.error!.position, 'number');
    assert.match(bad.error!.error, /^sql: .*position \d+/);
    await closeAll();
  });

  test('viewers get masked properties and JSON body fields, in the tail and the message browser; operators do not', async () => {
    const v = await tail('', rig.viewer);
    const o = await tail('', rig.op);
    assert.deepEqual(v.events[0]!.data.masking, { properties: ['phone'], bodyFields: ['email', 'card.number'] });
    const id = mark('masked');
    const body = JSON.stringify({ id, email: 'a@example.com', card: { number: '4111111111111111', exp: '12/30' } });
    await rig.client.send(TOPIC, body, { queueId: 0, keys: id, properties: { phone: '555-0100', region: 'eu' } });
    await v.until('viewer copy', () => v.messages().some((m) => m.body.includes(id)), 10_000);
    await o.until('operator copy', () => o.messages().some((m) => m.body.includes(id)), 10_000);
    const mv = v.messages().find((m) => m.body.includes(id));
    const mo = o.messages().find((m) => m.body.includes(id));
    assert.equal(mv.properties.phone, '******');
    assert.equal(mv.properties.region, 'eu');
    assert.ok(!mv.body.includes('a@example.com') && !mv.body.includes('4111'), mv.body);
    assert.equal(JSON.parse(mv.body).card.exp, '12/30');
    assert.deepEqual([...mv.masked].sort(), ['body:card.number', 'body:email', 'property:phone']);
    assert.equal(mo.properties.phone, '555-0100');
    assert.equal(mo.body, body);
    assert.equal(mo.masked, undefined);
    // a viewer cannot find a masked value by filtering on it
    const probe = await tail('prop=phone%3D555-0100', rig.viewer);
    await rig.client.send(TOPIC, mark('probe'), { queueId: 0, properties: { phone: '555-0100' } });
    await probe.until('read', (ev) => ev.some((e) => e.event === 'stats' && e.data.scanned >= 1));
    assert.equal(probe.messages().length, 0);
    // the message browser
    const byKey = async (cookie: string) => (await http.call('GET', `/api/messages?topic=${TOPIC}&key=${id}`, { cookie })).body.messages[0];
    await waitFor('indexed', async () => (await byKey(rig.op)) !== undefined, 10_000);
    const bv = await byKey(rig.viewer);
    assert.equal(bv.properties.phone, '******');
    assert.ok(!bv.body.includes('a@example.com'));
    assert.ok(!Buffer.from(bv.bodyBase64, 'base64').toString().includes('a@example.com'));
    assert.equal((await byKey(rig.op)).properties.phone, '555-0100');
    await closeAll();
  });

  test('pause stops sending (counting what was missed), resume sends again', async () => {
    const c = await tail('');
    const id = c.events[0]!.data.id;
    const r = await http.call('POST', `/api/tail/${id}`, { body: { action: 'pause' }, cookie: rig.op });
    assert.deepEqual(r.body, { paused: true });
    const during = [mark('p1'), mark('p2'), mark('p3')];
    for (const b of during) await rig.client.send(TOPIC, b, { queueId: 0 });
    await c.until('missed while paused', (ev) => ev.some((e) => e.event === 'stats' && e.data.paused && e.data.missedWhilePaused >= 3), 10_000);
    assert.equal(c.messages().filter((m) => during.includes(m.body)).length, 0);
    // another user cannot resume it
    assert.equal((await http.call('POST', `/api/tail/${id}`, { body: { action: 'resume' }, cookie: rig.viewer })).status, 404);
    assert.equal((await http.call('POST', `/api/tail/${id}`, { body: { action: 'jump' }, cookie: rig.op })).status, 400);
    await http.call('POST', `/api/tail/${id}`, { body: { action: 'resume' }, cookie: rig.op });
    const afterResume = mark('resumed');
    await rig.client.send(TOPIC, afterResume, { queueId: 0 });
    await c.until('message after resume', () => c.messages().some((m) => m.body === afterResume), 10_000);
    await closeAll();
  });

  test('a closed page stops the tail and its pulling', async () => {
    const c = await tail('');
    const list = async () => (await http.call('GET', '/api/tail/streams')).body;
    await waitFor('feed pulling', async () => (await list()).feeds.some((f: { topic: string; pulls: number }) => f.topic === TOPIC && f.pulls > 0), 10_000);
    c.close();
    await waitFor('stream gone', async () => {
      const l = await list();
      return l.streams.length === 0 && l.feeds.length === 0;
    }, 10_000);
    const p1 = (await list()).pullsTotal;
    // an observation window: with no tail open, nothing may be pulled during it
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await list()).pullsTotal, p1);
    open.splice(0);
  });

  test('the rate cap sends at most the limit and counts the rest as dropped', async () => {
    const c = await tail('rate=5&body=burst');
    const t0 = Date.now();
    const N = 120;
    const msgs = Array.from({ length: N }, (_, i) => ({ body: Buffer.from(`burst-${i}`), properties: { WAIT: 'true' } }));
    for (let i = 0; i < N; i += 40) await rig.client.sendBatch(TOPIC, 0, msgs.slice(i, i + 40));
    await c.until('all counted', (ev) => ev.some((e) => e.event === 'stats' && e.data.matched >= N), 15_000);
    const s = c.events.filter((e) => e.event === 'stats').at(-1)!.data;
    const secs = (Date.now() - t0) / 1000;
    assert.ok(s.sent <= 5 + 5 * secs + 1, `sent ${s.sent} in ${secs} s`);
    assert.equal(s.sent + s.dropped, s.matched);
    assert.ok(s.dropped >= N - (5 + 5 * secs + 1), `dropped ${s.dropped}`);
    assert.equal(c.messages().length, s.sent);
    await closeAll();
  });

  test('a page that stops reading gets messages dropped, not buffered without bound', async () => {
    // a raw connection that sends the request and never reads the answer
    const { connect } = await import('node:net');
    const u = new URL(rig.url);
    const sock = connect(Number(u.port), u.hostname);
    sock.pause();
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(`GET /api/tail?topic=${TOPIC}&rate=1000&body=stuck HTTP/1.1\r\nHost: ${u.host}\r\nAccept: text/event-stream\r\n\r\n`);
    const list = async () => (await http.call('GET', '/api/tail/streams')).body;
    await waitFor('the stream open', async () => (await list()).streams.length === 1, 10_000);
    const big = 'stuck-' + 'x'.repeat(4000);
    const N = 2000; // about 8 MB of events: more than the socket and the stream's buffer hold
    for (let i = 0; i < N; i += 50) {
      await rig.client.sendBatch(TOPIC, 1, Array.from({ length: 50 }, () => ({ body: Buffer.from(big), properties: { WAIT: 'true' } })));
    }
    const s = await waitFor('all read and counted', async () => {
      const st = (await list()).streams[0];
      return st && st.sent + st.dropped >= N && st;
    }, 30_000);
    console.log(`page not reading: sent ${s.sent}, dropped ${s.dropped}`);
    assert.ok(s.dropped > 0, `sent ${s.sent}, dropped ${s.dropped}`);
    assert.ok(s.sent * 4000 < 6 * 2 ** 20, `sent ${s.sent} events of 4 KB to a page that reads nothing`);
    sock.destroy();
    await waitFor('closed', async () => (await list()).streams.length === 0, 10_000);
  });

  test('a user past the limit of open tails gets 429; closing one makes room', async () => {
    const three = [await tail('', rig.viewer), await tail('', rig.viewer), await tail('', rig.viewer)];
    const fourth = await tail('', rig.viewer);
    assert.equal(fourth.status, 429);
    assert.match(fourth.error!.error, /viewer.*3 live tails/);
    const other = await tail('', rig.op);
    assert.equal(other.status, 200, 'the limit is per user');
    three[0]!.close();
    await waitFor('room again', async () => (await tail('', rig.viewer)).status === 200, 10_000);
    await closeAll();
  });

  test('bad input is a 400 naming the field', async () => {
    for (const [q, field] of [['queues=nope', 'queues'], ['rate=0', 'rate'], ['from=yesterday', 'from'], ['prop=x', 'prop']] as const) {
      const c = await tail(q);
      assert.equal(c.status, 400, q);
      assert.equal(c.error!.field, field, q);
    }
    const noTopic = await openSse(`${rig.url}/api/tail`);
    assert.equal(noTopic.status, 400);
    assert.equal(noTopic.error!.field, 'topic');
  });

  test('a hung broker (SIGSTOP) does not hold back the tail of the other one, and is named', async () => {
    const c = await tail('');
    brokerB!.child.kill('SIGSTOP');
    stoppedB = true;
    const bodies: string[] = [];
    const sentAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      const b = mark('healthy');
      bodies.push(b);
      sentAt.push(Date.now());
      await rig.client.send(TOPIC, b, { queueId: i % QUEUES });
    }
    await c.until('healthy broker messages', () => bodies.every((b) => c.messages().some((m) => m.body === b)), 10_000);
    const lags = bodies.map((b, i) => c.events.find((e) => e.event === 'message' && e.data.body === b)!.at - sentAt[i]!);
    // blocked would be: not before SIGCONT; the bound leaves room for a loaded machine (healthy: ~200 ms)
    assert.ok(Math.max(...lags) < 3000, `messages of the healthy broker took ${lags.join(', ')} ms`);
    await c.until('hung broker named', (ev) => ev.some((e) => e.event === 'stats' && e.data.brokers.some((b: { brokerName: string; error?: string }) => b.brokerName === 'broker-it-b' && b.error)), 10_000);
    // a new tail opened while it is hung starts at once and reads the healthy broker too
    const t0 = Date.now();
    const c2 = await tail('');
    assert.ok(Date.now() - t0 < 3000, `opening took ${Date.now() - t0} ms`);
    const b2 = mark('second');
    await rig.client.send(TOPIC, b2, { queueId: 0 });
    await c2.until('second tail reads', () => c2.messages().some((m) => m.body === b2), 5_000);
    brokerB!.child.kill('SIGCONT');
    stoppedB = false;
    const b3 = mark('back');
    await clientB!.send(TOPIC, b3, { queueId: 0 });
    await c.until('the broker back', () => c.messages().some((m) => m.body === b3), 15_000);
    await closeAll();
  });
});

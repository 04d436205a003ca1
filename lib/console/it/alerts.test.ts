// Alerts end to end against real processes: a nameserver and a broker, the console built and started with an alerts
// file and a short collector interval, and a real webhook receiver (an HTTP server in this test). Killing the broker
// fires "broker not answering" within two collector cycles with one webhook; restarting it resolves with one more;
// a silenced rule delivers nothing; a failing receiver is retried with backoff, as the delivery log shows; a bad
// alerts file is refused naming its line and field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setLogSink } from '../../common/log.ts';
import { spawnBroker, spawnNamesrv, removeDir, tempDir, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { startConsole, type ConsoleProcess } from '../../cluster/console-process.ts';
import { ensureFreshBuild, freePort, waitFor } from './console-build.ts';

setLogSink(() => {});

const INTERVAL_MS = 1000;
const BACKOFF_MS = 400;

interface Hook {
  path: string;
  at: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('console alerts with a real webhook receiver', { timeout: 420_000 }, () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let consoleProc: ConsoleProcess;
  let receiver: http.Server;
  let hookUrl = '';
  let dir = '';
  let url = '';
  let op = '';
  let viewer = '';
  const hooks: Hook[] = [];
  /** Requests to /flaky answered 500 before the receiver starts accepting. */
  let flakyFailures = 2;

  async function call(method: string, path: string, o: { body?: unknown; cookie?: string } = {}): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const headers: Record<string, string> = { origin: url };
    if (o.cookie) headers.cookie = `rd_session=${o.cookie}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  }
  async function login(username: string, password: string): Promise<string> {
    const res = await fetch(url + '/api/auth/login', { method: 'POST', headers: { origin: url, 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    return /rd_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
  }
  const hooksOf = (path: string, rule?: string) => hooks.filter((h) => h.path === path && (rule === undefined || h.body.rule === rule));

  before(async () => {
    const build = ensureFreshBuild();
    receiver = http.createServer((req, res) => {
      let data = '';
      req.setEncoding('utf8').on('data', (c: string) => (data += c)).on('end', () => {
        const path = req.url ?? '';
        hooks.push({ path, at: Date.now(), body: data ? JSON.parse(data) : null });
        if (path === '/flaky' && flakyFailures > 0) {
          flakyFailures--;
          res.writeHead(500).end('not now');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as import('node:net').AddressInfo).port}`;
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address });
    dir = tempDir('console-alerts-it');
    const file = join(dir, 'alerts.yaml');
    writeFileSync(file, `# alert rules of this test
channels:
  - id: hook
    format: json
    url: ${hookUrl}/hook
    retries: 0
  - id: quiet
    format: slack
    url: ${hookUrl}/quiet
    retries: 0
  - id: flaky
    format: dingtalk
    url: ${hookUrl}/flaky
    retries: 3
    backoff: ${BACKOFF_MS}ms
rules:
  - id: broker-down
    kind: broker_down
    severity: critical
    for: 0s
    scope: { cluster: default, broker: broker-it }
    channels: [hook]
  - id: silenced-ns
    kind: namesrv_down
    scope: { cluster: silent }
    channels: [quiet]
  - id: flaky-ns
    kind: namesrv_down
    scope: { cluster: flaky }
    channels: [flaky]
`);
    await build;
    const port = await freePort();
    consoleProc = await startConsole({
      port, host: '127.0.0.1', namesrvAddr: ns.address,
      env: {
        ROCKETDECK_CONSOLE_DB: join(dir, 'console.db'),
        ROCKETDECK_USERS: 'op:operator:op-pw,viewer:viewer:viewer-pw',
        ROCKETDECK_COLLECT_INTERVAL_MS: String(INTERVAL_MS),
        ROCKETDECK_ALERTS_FILE: file,
        ROCKETDECK_LOG_LEVEL: 'error',
      },
    });
    url = consoleProc.url;
    op = await login('op', 'op-pw');
    viewer = await login('viewer', 'viewer-pw');
  });

  after(async () => {
    await consoleProc?.stop();
    await broker?.destroy();
    await ns?.stop();
    await new Promise((r) => receiver?.close(r));
    if (dir) removeDir(dir);
  });

  test('the rule file loads: its rules and channels are listed, the channel URLs shown without their path', async () => {
    const r = await call('GET', '/api/alerts');
    assert.equal(r.status, 200);
    assert.equal(r.body.fileError, null);
    assert.deepEqual(r.body.rules.map((x: { id: string }) => x.id), ['broker-down', 'flaky-ns', 'silenced-ns']);
    assert.ok(r.body.rules.every((x: { source: string }) => x.source === 'file'));
    assert.deepEqual(r.body.channels.map((c: { id: string }) => c.id), ['flaky', 'hook', 'quiet']);
    assert.ok(r.body.channels.every((c: { url: string }) => !c.url.includes('/hook') && !c.url.includes('/flaky')));
    assert.deepEqual(r.body.firing, [], 'a healthy cluster has nothing firing');
  });

  test('killing the broker fires "broker not answering" within two collector cycles and one webhook arrives; a restart resolves it with one more', async (t) => {
    // the broker must have been seen by a cycle before it goes
    await waitFor('a collector cycle that saw the broker', async () => (await call('GET', '/api/health')).body.collector.lastRunAt > Date.now() - INTERVAL_MS && (await call('GET', '/api/alerts')).body.lastEvaluation.rules >= 3, 30_000);
    const killedAt = Date.now();
    await broker.stop('SIGKILL');
    const fired = await waitFor('the firing webhook', () => hooksOf('/hook', 'broker-down').find((h) => h.body.event === 'firing'), 20_000);
    const took = fired.at - killedAt;
    const lastCycleMs = (await call('GET', '/api/health')).body.collector.lastDurationMs as number;
    t.diagnostic(`firing webhook ${took} ms after the kill (interval ${INTERVAL_MS} ms, last cycle ${lastCycleMs} ms)`);
    assert.ok(took <= 2 * (INTERVAL_MS + Math.max(lastCycleMs, 500)), `webhook ${took} ms after the kill (interval ${INTERVAL_MS} ms, cycle ${lastCycleMs} ms)`);
    assert.equal(fired.body.source, 'rocketdeck');
    assert.equal(fired.body.subject, broker.address);
    assert.equal(fired.body.severity, 'critical');
    assert.match(fired.body.message, /broker-it/);
    const view = (await call('GET', '/api/alerts')).body;
    assert.equal(view.counts.firing, 1);
    assert.equal(view.firing[0].ruleId, 'broker-down');
    const metrics = await call('GET', '/api/metrics');
    assert.match(metrics.body, new RegExp(`^rocketdeck_alert_firing\\{cluster="default",rule="broker-down",subject="${broker.address}",severity="critical",flapping="false"\\} 1$`, 'm'));

    // an operator acknowledges it; a viewer may not
    const id = view.firing[0].id as number;
    assert.equal((await call('POST', `/api/alerts/${id}/ack`, { cookie: viewer })).status, 403);
    const acked = await call('POST', `/api/alerts/${id}/ack`, { cookie: op });
    assert.equal(acked.status, 200);
    assert.equal(acked.body.ackedBy, 'op');

    // a few more cycles: still one webhook for the change
    const cyclesLater = Date.now() + 3 * INTERVAL_MS;
    await waitFor('three more cycles', async () => (await call('GET', '/api/health')).body.collector.lastRunAt > cyclesLater, 30_000);
    assert.equal(hooksOf('/hook', 'broker-down').length, 1, 'one notification per change');

    broker = await spawnBroker({ namesrv: ns.address, dir: broker.dir, port: broker.port });
    const resolved = await waitFor('the resolved webhook', () => hooksOf('/hook', 'broker-down').find((h) => h.body.event === 'resolved'), 30_000);
    assert.equal(resolved.body.alertId, fired.body.alertId);
    assert.ok(resolved.body.resolvedAt >= resolved.body.startedAt);
    assert.equal(hooksOf('/hook', 'broker-down').length, 2, 'exactly two webhooks: firing and resolved');
    const after = (await call('GET', '/api/alerts')).body;
    assert.equal(after.counts.firing, 0);
    assert.equal(after.recent.find((a: { id: number }) => a.id === id).state, 'resolved');
    const audit = (await call('GET', '/api/audit', { cookie: op })).body;
    const actions = (audit.entries ?? audit.items ?? []).map((e: { action: string }) => e.action);
    for (const a of ['alertFiring', 'ackAlert', 'alertResolved']) assert.ok(actions.includes(a), `audit has ${a}`);
  });

  test('a silenced rule fires but delivers nothing', async () => {
    const s = await call('POST', '/api/alerts/silences', { cookie: op, body: { ruleId: 'silenced-ns', duration: '1h', reason: 'planned' } });
    assert.equal(s.status, 201);
    assert.equal(s.body.createdBy, 'op');
    assert.equal((await call('POST', '/api/alerts/silences', { cookie: op, body: { ruleId: 'x', duration: '1h' } })).body.field, 'reason');
    assert.equal((await call('POST', '/api/clusters', { cookie: op, body: { name: 'silent', namesrvAddr: '127.0.0.1:1' } })).status, 201);
    const silenced = await waitFor('the silenced alert', async () => (await call('GET', '/api/alerts')).body.silenced.find((a: { ruleId: string }) => a.ruleId === 'silenced-ns'), 20_000);
    assert.equal(silenced.silencedBy.reason, 'planned');
    const log = await waitFor('its notification', async () => (await call('GET', `/api/alerts/notifications?alertId=${silenced.id}`)).body.notifications[0]);
    assert.equal(log.status, 'silenced');
    assert.deepEqual(log.deliveries, []);
    assert.deepEqual(hooksOf('/quiet'), [], 'the receiver got nothing');
    assert.equal((await call('DELETE', '/api/clusters/silent', { cookie: op })).status, 200);
  });

  test('a failing receiver is retried with doubling backoff until it accepts, and the delivery log shows each attempt', async () => {
    assert.equal((await call('POST', '/api/clusters', { cookie: op, body: { name: 'flaky', namesrvAddr: '127.0.0.1:2' } })).status, 201);
    const alert = await waitFor('the flaky alert', async () => (await call('GET', '/api/alerts')).body.firing.find((a: { ruleId: string }) => a.ruleId === 'flaky-ns'), 20_000);
    const n = await waitFor('the delivered notification', async () => {
      const list = (await call('GET', `/api/alerts/notifications?alertId=${alert.id}`)).body.notifications;
      return list.find((x: { status: string }) => x.status === 'delivered');
    }, 20_000);
    assert.equal(n.attempts, 3);
    assert.deepEqual(n.deliveries.map((d: { ok: boolean; statusCode: number }) => [d.ok, d.statusCode]), [[false, 500], [false, 500], [true, 200]]);
    assert.equal(n.deliveries[0].error, 'HTTP 500');
    const gap1 = n.deliveries[1].ts - n.deliveries[0].ts;
    const gap2 = n.deliveries[2].ts - n.deliveries[1].ts;
    assert.ok(gap1 >= BACKOFF_MS && gap2 >= 2 * BACKOFF_MS, `backoff ${gap1} ms then ${gap2} ms`);
    const got = hooksOf('/flaky');
    assert.equal(got.length, 3);
    assert.equal(got[0]!.body.msgtype, 'text', 'DingTalk payload');
    assert.match(got[0]!.body.text.content, /\[FIRING\].*flaky-ns/);
    assert.equal((await call('DELETE', '/api/clusters/flaky', { cookie: op })).status, 200);
  });

  test('rules and channels change through the API for operators only, bad input names the field, a test send reaches the receiver', async () => {
    const rule = { id: 'lag', kind: 'group_lag', for: '1m', thresholds: { messages: 5 } };
    assert.equal((await call('POST', '/api/alerts/rules', { body: rule })).status, 401);
    assert.equal((await call('POST', '/api/alerts/rules', { cookie: viewer, body: rule })).status, 403);
    const bad = await call('POST', '/api/alerts/rules', { cookie: op, body: { ...rule, severity: 'loud' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'severity');
    assert.equal((await call('POST', '/api/alerts/rules', { cookie: op, body: { ...rule, channels: ['nope'] } })).body.field, 'channels[0]');
    assert.equal((await call('POST', '/api/alerts/rules', { cookie: op, body: rule })).status, 201);
    assert.ok((await call('GET', '/api/alerts')).body.rules.some((r: { id: string; source: string }) => r.id === 'lag' && r.source === 'api'));
    assert.equal((await call('DELETE', '/api/alerts/rules/lag', { cookie: op })).status, 200);
    const ch = await call('POST', '/api/alerts/channels', { cookie: op, body: { id: 'feishu', format: 'feishu', url: `${hookUrl}/feishu` } });
    assert.equal(ch.status, 201);
    assert.equal((await call('POST', '/api/alerts/channels', { cookie: op, body: { id: 'x', url: 'ftp://a' } })).body.field, 'url');
    const sent = await call('POST', '/api/alerts/channels/feishu/test', { cookie: op });
    assert.equal(sent.status, 200);
    assert.equal(sent.body.status, 'delivered');
    const got = hooksOf('/feishu');
    assert.equal(got.length, 1);
    assert.equal(got[0]!.body.msg_type, 'text');
    assert.match(got[0]!.body.content.text, /\[TEST\].*sent by op/);
    assert.equal((await call('DELETE', '/api/alerts/channels/hook', { cookie: op })).status, 409, 'a channel a rule names stays');
    assert.equal((await call('DELETE', '/api/alerts/channels/feishu', { cookie: op })).status, 200);
  });

  test('a bad alerts file is refused naming its line and field, and the console keeps running', async () => {
    const badFile = join(dir, 'bad.yaml');
    writeFileSync(badFile, 'rules:\n  - id: a\n    kind: broker_down\n  - id: b\n    kind: group_lag\n    severity: loud\n');
    const port = await freePort();
    const second = await startConsole({
      port, host: '127.0.0.1', namesrvAddr: ns.address,
      env: { ROCKETDECK_CONSOLE_DB: join(dir, 'second.db'), ROCKETDECK_ALERTS_FILE: badFile, ROCKETDECK_COLLECTOR: 'off', ROCKETDECK_LOG_LEVEL: 'error', ROCKETDECK_USERS: 'op:operator:op-pw' },
    });
    try {
      const r = await (await fetch(`${second.url}/api/alerts`)).json() as { fileError: string; rules: unknown[] };
      assert.match(r.fileError, /bad\.yaml: line 6: rules\[1\]\.severity: must be one of info, warning, critical/);
      assert.deepEqual(r.rules, [], 'nothing of a refused file is loaded');
    } finally {
      await second.stop();
    }
  });
});

// The console's sign-in and hardening against a started console (production build, `next start`) and a real
// OpenID Connect provider: security headers and CSP nonces over HTTP, the session id rotating on sign-in, sign-in
// rate limits per address and per username, the CSRF and role checks of every write route (found by walking
// app/api), refusals in the audit log, and sign-in through the provider with the role its claim maps to.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setLogSink } from '../../common/log.ts';
import { PROJECT_ROOT } from '../../cluster/console-process.ts';
import { consoleHttp, startConsoleRig, type ConsoleRig } from './console-build.ts';
import { startTestOidcProvider, walkProviderPages, type TestOidcProvider } from './oidc-provider.ts';

setLogSink(() => {});

const EVIL = 'http://evil.example';
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Every route handler under app/api with its write methods, as a path with sample values for [segments]. */
/**
 * Write methods that change nothing but the caller's own read stream (pause, resume or close a live tail, which
 * viewers and anonymous readers may open): Origin-checked like every write, not role-checked, not audited.
 */
const STREAM_CONTROLS = new Set(['app/api/tail/[id]/route.ts']);

function writeRoutes(): Array<{ method: string; path: string; file: string }> {
  const out: Array<{ method: string; path: string; file: string }> = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'route.ts') {
        const src = readFileSync(p, 'utf8');
        const path = '/' + relative(join(PROJECT_ROOT, 'app'), dir).split('/').map((s) => (s.startsWith('[') ? '1' : s)).join('/');
        for (const m of WRITE_METHODS) if (new RegExp(`export const ${m}\\b|export (async )?function ${m}\\b`).test(src)) out.push({ method: m, path, file: relative(PROJECT_ROOT, p) });
      }
    }
  };
  walk(join(PROJECT_ROOT, 'app', 'api'));
  return out;
}

describe('console sign-in and hardening over HTTP', { timeout: 300_000 }, () => {
  let rig: ConsoleRig;
  let idp: TestOidcProvider;
  let url = '';
  const http = consoleHttp(() => url);

  async function raw(method: string, path: string, o: { cookie?: string; origin?: string | null; body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.origin !== null) headers.origin = o.origin ?? url;
    if (o.cookie) headers.cookie = `rd_session=${o.cookie}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let body: any = text; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      body = JSON.parse(text);
    } catch {
      // a page
    }
    return { status: res.status, headers: res.headers, body, text };
  }

  const tokenOf = (headers: Headers): string | undefined => /rd_session=([^;]+)/.exec(headers.getSetCookie().join('\n'))?.[1];

  before(async () => {
    // the provider registers the console's callback, so it starts once the rig has picked the console's port
    rig = await startConsoleRig('console-sign-in-it', async () => {}, async (port) => {
      idp = await startTestOidcProvider([`http://127.0.0.1:${port}/api/auth/oidc/callback`], {
        ann: { email: 'ann@example.com', groups: ['rd-ops', 'staff'] },
        vic: { email: 'vic@example.com', groups: ['rd-view'] },
        ada: { email: 'ada@example.com', groups: ['rd-view', 'rd-admins'] },
        nobody: { email: 'nobody@example.com', groups: ['elsewhere'] },
        // the same name as a local console user
        op: { email: 'op', groups: ['rd-ops'] },
      });
      return {
        ROCKETDECK_OIDC_ISSUER: idp.issuer,
        ROCKETDECK_OIDC_CLIENT_ID: idp.clientId,
        ROCKETDECK_OIDC_CLIENT_SECRET: idp.clientSecret,
        ROCKETDECK_OIDC_NAME: 'Test IdP',
        ROCKETDECK_OIDC_ROLES: 'rd-ops=operator,rd-view=viewer,rd-admins=admin',
      };
    }).catch(async (err: unknown) => {
      await idp?.stop();
      throw err;
    });
    url = rig.url;
  });

  after(async () => {
    await rig?.stop();
    await idp?.stop();
  });

  test('pages carry a CSP with a fresh nonce on every script and no unsafe-eval; all answers carry the other headers', async () => {
    const a = await raw('GET', '/', { origin: null });
    const b = await raw('GET', '/', { origin: null });
    assert.equal(a.status, 200);
    const csp = a.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, `a nonce in ${csp}`);
    assert.notEqual(/'nonce-([^']+)'/.exec(b.headers.get('content-security-policy') ?? '')?.[1], nonce, 'a new nonce per request');
    assert.ok(!csp.includes('unsafe-eval'), csp);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    const scripts = [...a.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.ok(scripts.length > 0);
    for (const s of scripts) assert.ok(s.includes(`nonce="${nonce}"`), `script without this response's nonce: ${s}`);
    const chunk = /<script[^>]*src="(\/_next\/static\/[^"]+\.js)"/.exec(a.text)?.[1];
    assert.ok(chunk, 'a static chunk');
    const api = await raw('GET', '/api/health', { origin: null });
    const missing = await raw('GET', '/no-such-page', { origin: null });
    for (const [what, r] of [['page', a], ['api', api], ['404 page', missing], ['static chunk', await raw('GET', chunk, { origin: null })]] as const) {
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', what);
      assert.equal(r.headers.get('referrer-policy'), 'same-origin', what);
      assert.equal(r.headers.get('x-frame-options'), 'DENY', what);
    }
    assert.match(api.headers.get('content-security-policy') ?? '', /^default-src 'none'; frame-ancestors 'none'/);
    assert.match(missing.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  });

  test('signing in rotates the session id: the cookie the browser sent before no longer opens anything', async () => {
    const before = await http.login('op', 'op-pw');
    const again = await raw('POST', '/api/auth/login', { cookie: before, body: { username: 'viewer', password: 'viewer-pw' } });
    assert.equal(again.status, 200);
    const after = tokenOf(again.headers)!;
    assert.ok(after && after !== before);
    assert.deepEqual((await raw('GET', '/api/auth/me', { cookie: before })).body, { username: null, role: null });
    assert.deepEqual((await raw('GET', '/api/auth/me', { cookie: after })).body, { username: 'viewer', role: 'viewer' });
    assert.deepEqual((await raw('GET', '/api/auth/me', { cookie: rig.op })).body, { username: 'op', role: 'operator' }, 'other sessions stay');
  });

  test('failed sign-ins are limited per address and per username: 429 with Retry-After, in the audit log', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await raw('POST', '/api/auth/login', { headers: { 'x-forwarded-for': '10.9.0.1' }, body: { username: `spray${i}`, password: 'x' } });
      assert.equal(r.status, 401, `try ${i}`);
    }
    const held = await raw('POST', '/api/auth/login', { headers: { 'x-forwarded-for': '10.9.0.1' }, body: { username: 'op', password: 'op-pw' } });
    assert.equal(held.status, 429);
    assert.match(held.body.error, /from 10\.9\.0\.1/);
    assert.ok(Number(held.headers.get('retry-after')) > 0);
    assert.equal((await raw('POST', '/api/auth/login', { headers: { 'x-forwarded-for': '10.9.0.2' }, body: { username: 'op', password: 'op-pw' } })).status, 200, 'another address');

    for (let i = 0; i < 5; i++) await raw('POST', '/api/auth/login', { headers: { 'x-forwarded-for': `10.8.0.${i}` }, body: { username: 'ghost', password: 'x' } });
    const user = await raw('POST', '/api/auth/login', { headers: { 'x-forwarded-for': '10.8.1.1' }, body: { username: 'ghost', password: 'x' } });
    assert.equal(user.status, 429);
    assert.match(user.body.error, /for 'ghost'/);

    const audit = (await raw('GET', '/api/audit?limit=1000', { cookie: rig.op })).body.entries as Array<{ action: string; username: string; ok: boolean; result: { status?: number } | null; params: { address?: string } }>;
    assert.ok(audit.some((e) => e.action === 'login' && e.username === 'op' && !e.ok && e.result?.status === 429 && e.params.address === '10.9.0.1'));
    assert.ok(audit.some((e) => e.action === 'login' && e.username === 'ghost' && !e.ok && e.result?.status === 429));
  });

  test('every write route refuses a foreign Origin, a missing Origin, a viewer and an anonymous caller, and audits each refusal', async () => {
    const routes = writeRoutes();
    assert.ok(routes.length >= 20, `found ${routes.length} write routes`);
    for (const r of routes) {
      const where = `${r.method} ${r.path} (${r.file})`;
      const foreign = await raw(r.method, r.path, { cookie: rig.op, origin: EVIL, body: {} });
      assert.equal(foreign.status, 403, `${where} with a foreign Origin: ${JSON.stringify(foreign.body)}`);
      assert.equal(foreign.body.field, 'origin', where);
      if (r.path.startsWith('/api/auth/')) continue; // sign-in and sign-out from scripts may leave Origin out
      if (STREAM_CONTROLS.has(r.file)) {
        const bare = await raw(r.method, r.path, { cookie: rig.viewer, origin: null, body: {} });
        assert.equal(bare.status, 403, `${where} without Origin: ${JSON.stringify(bare.body)}`);
        continue;
      }
      const none = await raw(r.method, r.path, { cookie: rig.op, origin: null, body: {} });
      assert.equal(none.status, 403, `${where} without Origin: ${JSON.stringify(none.body)}`);
      const viewer = await raw(r.method, r.path, { cookie: rig.viewer, body: {} });
      assert.equal(viewer.status, 403, `${where} as a viewer: ${JSON.stringify(viewer.body)}`);
      assert.match(viewer.body.error, /needs the operator role/, where);
      const anonymous = await raw(r.method, r.path, { body: {} });
      assert.equal(anonymous.status, 401, `${where} anonymous: ${JSON.stringify(anonymous.body)}`);
    }
    const audit = (await raw('GET', '/api/audit?limit=1000', { cookie: rig.op })).body.entries as Array<{ action: string; target: string; username: string; ok: boolean }>;
    for (const r of routes.filter((x) => !STREAM_CONTROLS.has(x.file))) {
      const refused = audit.filter((e) => e.action === 'refused' && e.target === `${r.method} ${r.path}` && !e.ok);
      const expected = r.path.startsWith('/api/auth/') ? 1 : 4;
      assert.equal(refused.length, expected, `${r.method} ${r.path}: ${refused.length} refusals audited`);
      if (expected === 4) assert.ok(refused.some((e) => e.username === 'viewer') && refused.some((e) => e.username === 'anonymous'), r.path);
    }
  });

  test('every write route records its change in the audit log (statically: it or the module it calls audits)', () => {
    for (const r of writeRoutes().filter((x) => !STREAM_CONTROLS.has(x.file))) {
      const src = readFileSync(join(PROJECT_ROOT, r.file), 'utf8');
      // http.ts audits refusals and audit.ts defines the calls: neither says this route audits its change
      const called = [...src.matchAll(/from '@\/lib\/console\/([\w/.-]+)'/g)]
        .filter((m) => m[1] !== 'http.ts' && m[1] !== 'audit.ts')
        .map((m) => readFileSync(join(PROJECT_ROOT, 'lib', 'console', m[1]!), 'utf8'));
      assert.ok([src, ...called].some((s) => /\baudited\s*(<[^>]*>)?\(|\brecordAudit\(/.test(s)), `${r.method} ${r.path} writes no audit entry`);
    }
  });

  /** Starts a sign-in at the console, walks the provider's pages as `login`, and calls the console back. */
  async function oidcSignIn(login: string, next = '/topics', cookie?: string) {
    const start = await raw('GET', `/api/auth/oidc/start?next=${encodeURIComponent(next)}`, { origin: null, ...(cookie ? { cookie } : {}) });
    assert.equal(start.status, 302, start.text);
    const flow = /rd_oidc_flow=([^;]+)/.exec(start.headers.getSetCookie().join('\n'))![1]!;
    const authUrl = new URL(start.headers.get('location')!);
    const callback = await walkProviderPages(authUrl.href, login, url);
    const cb = await raw('GET', callback.pathname + callback.search, { origin: null, headers: { cookie: `rd_oidc_flow=${flow}` } });
    return { start, authUrl, flow, callback, cb, token: tokenOf(cb.headers) };
  }

  const errorOf = (page: string): string => decodeURIComponent(/url=\/login\?error=([^"]+)"/.exec(page)?.[1] ?? '').replace(/&#39;/g, "'");

  test('sign-in through the provider: PKCE S256, state and nonce; the claim maps to the role; the audit names subject and e-mail', async () => {
    assert.deepEqual((await raw('GET', '/api/auth/providers', { origin: null })).body, { password: true, oidc: { name: 'Test IdP', startUrl: '/api/auth/oidc/start' } });
    const s = await oidcSignIn('ann');
    assert.equal(s.authUrl.origin, idp.issuer);
    assert.equal(s.authUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(s.authUrl.searchParams.get('state') && s.authUrl.searchParams.get('nonce') && s.authUrl.searchParams.get('code_challenge'));
    assert.equal(s.authUrl.searchParams.get('redirect_uri'), `${url}/api/auth/oidc/callback`);
    assert.match(s.start.headers.getSetCookie().join('\n'), /rd_oidc_flow=[^;]+; HttpOnly; SameSite=Lax; Path=\/api\/auth\/oidc; Max-Age=600/);
    assert.equal(s.cb.status, 200);
    assert.match(s.cb.text, /http-equiv="refresh" content="0;url=\/topics"/);
    assert.ok(s.token, 'a session cookie');
    assert.deepEqual((await raw('GET', '/api/auth/me', { cookie: s.token })).body, { username: 'ann@example.com', role: 'operator' });
    // an operator through the provider may change things; a viewer through it may not
    const created = await raw('POST', '/api/clusters', { cookie: s.token, body: { name: 'oidc-made', namesrvAddr: rig.ns.address } });
    assert.ok(created.status < 300, JSON.stringify(created.body));
    // from a browser signed in already: the new session replaces the old one
    const earlier = await http.login('viewer', 'viewer-pw');
    const v = await oidcSignIn('vic', '/topics', earlier);
    assert.deepEqual((await raw('GET', '/api/auth/me', { cookie: earlier })).body, { username: null, role: null }, 'the session that started the sign-in ended');
    assert.deepEqual((await raw('GET', '/api/auth/me', { cookie: v.token })).body, { username: 'vic@example.com', role: 'viewer' });
    assert.equal((await raw('POST', '/api/clusters', { cookie: v.token, body: { name: 'oidc-viewer', namesrvAddr: rig.ns.address } })).status, 403);
    // the highest mapped value wins; an admin has the operator's rights too
    const a = await oidcSignIn('ada');
    assert.deepEqual((await raw('GET', '/api/auth/me', { cookie: a.token })).body, { username: 'ada@example.com', role: 'admin' });
    assert.ok((await raw('DELETE', '/api/clusters/oidc-made', { cookie: a.token })).status < 300);
    const audit = (await raw('GET', '/api/audit?limit=1000', { cookie: rig.op })).body.entries as Array<{ action: string; username: string; ok: boolean; params: Record<string, unknown> }>;
    const login = audit.find((e) => e.action === 'login' && e.username === 'ann@example.com' && e.ok)!;
    assert.deepEqual({ method: login.params.method, subject: login.params.subject, email: login.params.email, role: login.params.role }, { method: 'oidc', subject: 'ann', email: 'ann@example.com', role: 'operator' });
    assert.ok(audit.some((e) => e.action === 'saveCluster' && e.username === 'ann@example.com' && e.ok));
    assert.ok(audit.some((e) => e.action === 'refused' && e.username === 'vic@example.com'));
  });

  test('a failed callback lands on the sign-in page with the reason: replayed, foreign browser, tampered state, no role, local name, refused at the provider', async () => {
    const s = await oidcSignIn('ann');
    const replay = await raw('GET', s.callback.pathname + s.callback.search, { origin: null, headers: { cookie: `rd_oidc_flow=${s.flow}` } });
    assert.match(errorOf(replay.text), /already used|not started in this browser/);
    assert.equal(tokenOf(replay.headers), undefined);

    const noCookie = await raw('GET', s.callback.pathname + s.callback.search, { origin: null });
    assert.match(errorOf(noCookie.text), /not started in this browser/);

    const start = await raw('GET', '/api/auth/oidc/start', { origin: null });
    const flow = /rd_oidc_flow=([^;]+)/.exec(start.headers.getSetCookie().join('\n'))![1]!;
    const back = await walkProviderPages(start.headers.get('location')!, 'ann', url);
    back.searchParams.set('state', 'forged');
    const tampered = await raw('GET', back.pathname + back.search, { origin: null, headers: { cookie: `rd_oidc_flow=${flow}` } });
    assert.match(errorOf(tampered.text), /not accepted.*state/);
    assert.equal(tokenOf(tampered.headers), undefined);

    assert.match(errorOf((await oidcSignIn('nobody')).cb.text), /'nobody@example.com' has no console role: claim 'groups'/);
    assert.match(errorOf((await oidcSignIn('op')).cb.text), /'op' is a local console user/);

    const start2 = await raw('GET', '/api/auth/oidc/start', { origin: null });
    const flow2 = /rd_oidc_flow=([^;]+)/.exec(start2.headers.getSetCookie().join('\n'))![1]!;
    const denied = await raw('GET', `/api/auth/oidc/callback?error=access_denied&error_description=End-User+aborted&state=x`, { origin: null, headers: { cookie: `rd_oidc_flow=${flow2}` } });
    assert.match(errorOf(denied.text), /refused the sign-in: access_denied \(End-User aborted\)/);

    const audit = (await raw('GET', '/api/audit?limit=1000', { cookie: rig.op })).body.entries as Array<{ action: string; ok: boolean; params: { method?: string } }>;
    assert.ok(audit.filter((e) => e.action === 'login' && !e.ok && e.params.method === 'oidc').length >= 6);
  });
});

// Request guards: Origin check, role check, input validation naming the field, and cluster failures mapped to statuses.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCode, AdminError, BrokerUnavailableError, DeadlineError, RemotingConnectError, RemotingTimeoutError, ResponseCodeError,
} from '../admin/index.ts';
import { ensureUsers, signIn } from './auth.ts';
import { checkCluster, clusterOf, listClusters, saveCluster, seedDefaultCluster } from './clusters.ts';
import { openConsoleDb } from './db.ts';
import {
  HttpError, api, checkGroup, checkOrigin, checkTopic, int, parseCookies, parseTime, readBody, requireOperator, requireUser, sessionCookie, statusOf,
} from './http.ts';
import { pageQuery, sortAndPage } from './paging.ts';
import { consumeModeOf, resetRequestOf, subGroupOf, topicConfigOf } from './writes.ts';

const req = (headers: Record<string, string>, method = 'POST', body?: string) =>
  new Request('http://127.0.0.1:3000/api/topics', { method, headers, body });

function thrown(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof HttpError, `expected HttpError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a throw');
}

describe('origin check', () => {
  test('same host passes; a foreign, malformed or (for changes) missing Origin is refused with 403', () => {
    checkOrigin(req({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }));
    assert.equal(thrown(() => checkOrigin(req({ host: '127.0.0.1:3000', origin: 'http://evil.example' }))).status, 403);
    assert.equal(thrown(() => checkOrigin(req({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3001' }))).status, 403);
    assert.equal(thrown(() => checkOrigin(req({ host: '127.0.0.1:3000', origin: 'not a url' }))).status, 403);
    assert.equal(thrown(() => checkOrigin(req({ host: '127.0.0.1:3000' }))).status, 403);
    checkOrigin(req({ host: '127.0.0.1:3000' }), false);
  });
});

describe('role check', () => {
  const db = openConsoleDb(':memory:');
  ensureUsers(db, [{ username: 'op', role: 'operator', password: 'a' }, { username: 'v', role: 'viewer', password: 'b' }]);
  const op = signIn(db, 'op', 'a')!.token;
  const viewer = signIn(db, 'v', 'b')!.token;
  const good = { host: 'h:1', origin: 'http://h:1' };

  test('anonymous gets 401, a viewer 403, an operator passes; the Origin is checked first', () => {
    assert.equal(thrown(() => requireOperator(req(good), db)).status, 401);
    assert.equal(thrown(() => requireOperator(req({ ...good, cookie: `rd_session=${viewer}` }), db)).status, 403);
    assert.equal(requireOperator(req({ ...good, cookie: `other=1; rd_session=${op}` }), db).username, 'op');
    assert.equal(thrown(() => requireOperator(req({ host: 'h:1', origin: 'http://x:1', cookie: `rd_session=${op}` }), db)).status, 403);
    assert.equal(requireUser(req({ cookie: `rd_session=${viewer}` }), db).role, 'viewer');
  });

  test('a user dropped from the configuration loses its session at once', () => {
    const db2 = openConsoleDb(':memory:');
    ensureUsers(db2, [{ username: 'x', role: 'operator', password: 'p' }]);
    const t = signIn(db2, 'x', 'p')!.token;
    ensureUsers(db2, [{ username: 'y', role: 'operator', password: 'p' }]);
    assert.equal(thrown(() => requireUser(req({ cookie: `rd_session=${t}` }), db2)).status, 401);
  });

  test('the session cookie is HttpOnly and SameSite=Strict', () => {
    const c = sessionCookie(req({}), 'tok');
    assert.match(c, /^rd_session=tok; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    assert.deepEqual(parseCookies('a=1; rd_session=x%3Dy'), { a: '1', rd_session: 'x=y' });
  });
});

describe('input validation', () => {
  test('topic and group names are checked as RocketMQ does, naming the field', () => {
    assert.equal(checkTopic('Orders_1'), 'Orders_1');
    const e = thrown(() => checkTopic('bad topic'));
    assert.equal(e.status, 400);
    assert.equal(e.field, 'topic');
    assert.match(e.message, /^topic: .*illegal characters/);
    assert.match(thrown(() => checkTopic('x'.repeat(200))).message, /longer than topic max length/);
    assert.equal(thrown(() => checkGroup('', 'groupName')).field, 'groupName');
    assert.equal(thrown(() => checkTopic(undefined)).field, 'topic');
  });

  test('numbers, times and bodies', () => {
    assert.equal(int({ n: '12' }, 'n'), 12);
    assert.equal(int({}, 'n'), undefined);
    assert.equal(thrown(() => int({ n: 1.5 }, 'n')).field, 'n');
    assert.match(thrown(() => int({ n: 0 }, 'n', { min: 1 })).message, /n: must be at least 1/);
    assert.equal(parseTime('1700000000000', 'ts'), 1700000000000);
    assert.equal(parseTime('2026-01-01T00:00:00Z', 'ts'), Date.UTC(2026, 0, 1));
    assert.equal(thrown(() => parseTime('yesterday', 'ts')).field, 'ts');
  });

  test('a body that is not a JSON object is a 400 on field body', async () => {
    await assert.rejects(readBody(req({}, 'POST', '{oops')), (e: HttpError) => e.status === 400 && e.field === 'body');
    await assert.rejects(readBody(req({}, 'POST', '[1]')), (e: HttpError) => e.field === 'body');
    assert.deepEqual(await readBody(req({}, 'POST', '')), {});
  });

  test('topic, group and reset inputs name their bad fields', () => {
    assert.deepEqual(topicConfigOf({ topic: 'T', readQueueNums: 4, writeQueueNums: '4', perm: 6 }), { topic: 'T', readQueueNums: 4, writeQueueNums: 4, perm: 6 });
    assert.equal(thrown(() => topicConfigOf({ topic: 'T', perm: 5 })).field, 'perm');
    assert.equal(thrown(() => topicConfigOf({ topic: 'T', readQueueNums: 0 })).field, 'readQueueNums');
    assert.equal(thrown(() => subGroupOf({ groupName: 'g', retryMaxTimes: 'x' })).field, 'retryMaxTimes');
    assert.deepEqual(resetRequestOf({ topic: 'T', to: 'earliest' }), { topic: 'T', to: 'earliest', point: 'earliest', preview: false });
    assert.deepEqual(resetRequestOf({ topic: 'T', to: 'timestamp', timestamp: 5, preview: true }).point, { timestamp: 5 });
    assert.equal(thrown(() => resetRequestOf({ topic: 'T', to: 'timestamp' })).field, 'timestamp');
    assert.equal(thrown(() => resetRequestOf({ topic: 'T', to: 'soon' })).field, 'to');
    assert.equal(thrown(() => resetRequestOf({ topic: 'T', to: 'offsets', offsets: [{ brokerName: 'b', queueId: 0 }] })).field, 'offsets[0].offset');
  });

  test('a consume mode switch names its bad fields', () => {
    assert.deepEqual(consumeModeOf({ topic: 'T', mode: 'pop' }), { topic: 'T', mode: 'POP', popShareQueueNum: 0 });
    assert.deepEqual(consumeModeOf({ topic: 'T', mode: 'PULL', popShareQueueNum: 2 }), { topic: 'T', mode: 'PULL', popShareQueueNum: 2 });
    assert.equal(thrown(() => consumeModeOf({ topic: 'T', mode: 'PUSH' })).field, 'mode');
    assert.equal(thrown(() => consumeModeOf({ topic: 'T' })).field, 'mode');
    assert.equal(thrown(() => consumeModeOf({ topic: '%RETRY%g', mode: 'POP' })).field, 'topic');
    assert.equal(thrown(() => consumeModeOf({ topic: 'T', mode: 'POP', popShareQueueNum: -1 })).field, 'popShareQueueNum');
  });

  test('paging parameters are bounded and the sort key is one of the list', () => {
    const q = pageQuery(new URL('http://h/x?search=Ab&page=2&pageSize=2&sort=-lag'), ['name', 'lag']);
    assert.deepEqual(q, { search: 'ab', page: 2, pageSize: 2, sortKey: 'lag', descending: true });
    assert.equal(thrown(() => pageQuery(new URL('http://h/x?sort=size'), ['name'])).field, 'sort');
    assert.equal(thrown(() => pageQuery(new URL('http://h/x?pageSize=501'), ['name'])).field, 'pageSize');
    const items = [{ n: 'a', v: 1 }, { n: 'b', v: 3 }, { n: 'c', v: null }, { n: 'd', v: 2 }];
    const page = sortAndPage(items, q, (i) => i.v, (i) => i.n);
    // b 3, d 2 on page 1; then a 1 and the unknown c last
    assert.deepEqual(page, { items: [{ n: 'a', v: 1 }, { n: 'c', v: null }], total: 4 });
  });
});

describe('saved clusters', () => {
  test('NAMESRV_ADDR seeds "default" first; the header picks another; unknown names are a 400 on the header', () => {
    const db = openConsoleDb(':memory:');
    saveCluster(db, checkCluster('staging', '10.0.0.1:9876'));
    seedDefaultCluster(db, '127.0.0.1:9876; 127.0.0.2:9876');
    assert.deepEqual(listClusters(db), [{ name: 'default', namesrvAddr: '127.0.0.1:9876;127.0.0.2:9876' }, { name: 'staging', namesrvAddr: '10.0.0.1:9876' }]);
    assert.equal(clusterOf(db, null).name, 'default');
    assert.equal(clusterOf(db, 'staging').name, 'staging');
    assert.equal(thrown(() => clusterOf(db, 'prod')).field, 'x-rocketdeck-cluster');
    assert.equal(thrown(() => checkCluster('p', 'nohost')).field, 'namesrvAddr');
    assert.equal(thrown(() => checkCluster('bad name', '1.2.3.4:9876')).field, 'name');
  });
});

describe('error statuses', () => {
  test('unknown things are 404, cluster failures 502, timeouts 504', () => {
    assert.equal(statusOf(new ResponseCodeError('b:1', AdminCode.TOPIC_NOT_EXIST, 'no route', 105)).status, 404);
    assert.equal(statusOf(new AdminError('gone', AdminCode.SUBSCRIPTION_GROUP_NOT_EXIST)).status, 404);
    assert.equal(statusOf(new AdminError('no nameserver answered')).status, 502);
    assert.equal(statusOf(new RemotingConnectError('b:1', 'refused')).status, 502);
    assert.equal(statusOf(new RemotingTimeoutError('b:1', 3000, 'slow')).status, 504);
    assert.equal(statusOf(new DeadlineError('broker-b (b:1) did not answer within 800ms', 'b:1', 800)).status, 504);
    const held = statusOf(new BrokerUnavailableError('b:1', 1000, 'missed a deadline', 500, 3000));
    assert.equal(held.status, 502, 'a broker held off by its breaker is a cluster failure');
    assert.match(held.error, /b:1 is not answering/);
    assert.deepEqual(statusOf(new HttpError(400, 'topic: bad', 'topic')), { status: 400, error: 'topic: bad', field: 'topic' });
  });

  test('the api wrapper turns a throw into a JSON error answer', async () => {
    const handler = api(async () => {
      throw new HttpError(400, 'page: must be an integer', 'page');
    });
    const res = await handler(new Request('http://h/'));
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'page: must be an integer', field: 'page' });
  });
});

describe('errors from another bundle', () => {
  test('are classified by shape: a minified ResponseCodeError copy with TOPIC_NOT_EXIST is still a 404', () => {
    const foreign = Object.assign(new Error('b:1 answered request 105 with code 17'), { name: 'eE', code: 17, remark: 'no route', requestCode: 105, addr: 'b:1' });
    assert.deepEqual(statusOf(foreign), { status: 404, error: 'TOPIC_NOT_EXIST (17): no route' });
    assert.equal(statusOf(Object.assign(new Error('slow'), { name: 'x', addr: 'b:1', timeoutMs: 3000 })).status, 504);
    assert.equal(statusOf(Object.assign(new Error('refused'), { name: 'y', addr: 'b:1' })).status, 502);
    assert.equal(statusOf(Object.assign(new Error('topic: bad'), { name: 'HttpError', status: 400, field: 'topic' })).status, 400);
    assert.equal(statusOf(new TypeError('bug')).status, 500);
  });
});

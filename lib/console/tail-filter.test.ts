import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTailFilter, parseTailFilter, type Sql92Compiler } from './tail-filter.ts';
import { HttpError } from './http.ts';

const msg = { tags: 'paid', keys: ['order-1', 'c-9'], properties: { region: 'eu', TAGS: 'paid' }, body: Buffer.from('{"amount": 120}') };
const f = (qs: string, sql?: Sql92Compiler) => compileTailFilter(parseTailFilter(new URL(`http://x/api/tail?topic=T&${qs}`)), sql);

test('an empty filter matches everything', () => {
  const c = f('');
  assert.equal(c.all, true);
  assert.equal(c.matches(msg), true);
  assert.equal(f('tag=*').all, true);
});

test('tag expression, key, property equals and body contains all have to match', () => {
  assert.equal(f('tag=created||paid').matches(msg), true);
  assert.equal(f('tag=created').matches(msg), false);
  assert.equal(f('key=c-9').matches(msg), true);
  assert.equal(f('key=c').matches(msg), false);
  assert.equal(f('prop=region=eu').matches(msg), true);
  assert.equal(f('prop=region=us').matches(msg), false);
  assert.equal(f('body=amount').matches(msg), true);
  assert.equal(f('body=amount').matches({ ...msg, body: '{"amount": 1}' }), true);
  assert.equal(f('body=refund').matches(msg), false);
  assert.equal(f('tag=paid&prop=region=us').matches(msg), false);
  assert.equal(f('tag=paid&prop=region=eu&key=order-1&body=120').matches(msg), true);
});

test('a bad filter is a 400 naming the field', () => {
  assert.throws(() => f('tag=a||'), (e: unknown) => e instanceof HttpError && e.field === 'tag');
  assert.throws(() => f('prop=noequals'), (e: unknown) => e instanceof HttpError && e.field === 'prop');
});

test('a SQL92 expression evaluates on the properties; a refused one carries its position', () => {
  const sql: Sql92Compiler = (text) =>
    text === 'bad' ? { ok: false, message: 'unexpected end', position: 3 } : { ok: true, evaluate: (p) => p.region === 'eu' };
  assert.equal(f('sql=region%3D%27eu%27', sql).matches(msg), true);
  assert.equal(f('sql=region%3D%27eu%27', sql).matches({ ...msg, properties: {} }), false);
  assert.throws(() => f('sql=bad', sql), (e: unknown) => e instanceof HttpError && e.field === 'sql' && (e as HttpError & { position?: number }).position === 3 && /position 3/.test(e.message));
  const throwing: Sql92Compiler = () => ({ ok: true, evaluate: () => { throw new Error('type'); } });
  assert.equal(f('sql=x', throwing).matches(msg), false);
});

test('the console wires RocketMQ SQL92 (lib/filter): numeric coercion of string properties, TAGS, and a fault at its offset', async () => {
  const { tailSql92 } = await import('./tail.ts');
  const m = { ...msg, properties: { region: 'eu', amount: '120', TAGS: 'paid' } };
  assert.equal(f(`sql=${encodeURIComponent("region = 'eu' AND amount > 100")}`, tailSql92).matches(m), true);
  assert.equal(f(`sql=${encodeURIComponent("region = 'eu' AND amount BETWEEN 0 AND 100")}`, tailSql92).matches(m), false);
  assert.equal(f(`sql=${encodeURIComponent("TAGS IN ('paid', 'shipped')")}`, tailSql92).matches(m), true);
  assert.equal(f(`sql=${encodeURIComponent('missing > 1')}`, tailSql92).matches(m), false, 'unknown is not a match');
  assert.throws(() => f(`sql=${encodeURIComponent("region = 'eu' AND")}`, tailSql92), (e: unknown) => {
    const pos = (e as { position?: number }).position;
    return e instanceof HttpError && e.field === 'sql' && typeof pos === 'number' && pos >= 14 && pos <= 17;
  });
});

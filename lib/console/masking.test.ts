import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MASKED, MaskConfigError, maskBody, maskFor, maskMessage, maskProperties, maskRulesFromEnv } from './masking.ts';

const rules = { properties: ['phone'], bodyFields: ['email', 'card.number'] };

test('maskRulesFromEnv reads comma lists and names the variable of a bad entry', () => {
  assert.deepEqual(maskRulesFromEnv({ ROCKETDECK_MASK_PROPERTIES: ' phone, idCard ,', ROCKETDECK_MASK_BODY_FIELDS: 'card.number' }), { properties: ['phone', 'idCard'], bodyFields: ['card.number'] });
  assert.deepEqual(maskRulesFromEnv({}), { properties: [], bodyFields: [] });
  assert.throws(() => maskRulesFromEnv({ ROCKETDECK_MASK_BODY_FIELDS: 'card..number' }), (e: unknown) => e instanceof MaskConfigError && /ROCKETDECK_MASK_BODY_FIELDS/.test((e as Error).message));
});

test('maskProperties replaces only the named values and leaves the input alone', () => {
  const props = { phone: '555-1234', region: 'eu' };
  const r = maskProperties(props, rules);
  assert.deepEqual(r.properties, { phone: MASKED, region: 'eu' });
  assert.deepEqual(r.masked, ['property:phone']);
  assert.equal(props.phone, '555-1234');
  assert.equal(maskProperties({ region: 'eu' }, rules).masked.length, 0);
});

test('maskBody masks a key at any depth and a dotted path from the root, across arrays', () => {
  const body = JSON.stringify({ email: 'a@x', card: { number: '4111', exp: '12/30' }, items: [{ email: 'b@y' }], other: { card: { number: 'keep' } } });
  const r = maskBody(body, rules);
  const out = JSON.parse(r.body);
  assert.equal(out.email, MASKED);
  assert.equal(out.card.number, MASKED);
  assert.equal(out.card.exp, '12/30');
  assert.equal(out.items[0].email, MASKED);
  assert.equal(out.other.card.number, 'keep', 'a dotted path starts at the root');
  assert.deepEqual(r.masked.sort(), ['body:card.number', 'body:email']);
  assert.ok(!r.body.includes('4111') && !r.body.includes('a@x'));
});

test('maskBody leaves a body that is not JSON, or names no field, byte for byte', () => {
  for (const b of ['plain text email=a@x', '{"broken": ', '{ "name": "x" }']) assert.deepEqual(maskBody(b, rules), { body: b, masked: [] });
});

test('maskMessage keeps no copy of a masked value in the base64 body; maskFor leaves operators alone', () => {
  const body = '{"email":"a@x"}';
  const m = { properties: { phone: '1' }, body, bodyBase64: Buffer.from(body).toString('base64') };
  const v = maskFor(m, 'viewer', rules);
  assert.ok(!Buffer.from(v.bodyBase64!, 'base64').toString().includes('a@x'));
  assert.deepEqual(v.masked, ['property:phone', 'body:email']);
  assert.equal(maskFor(m, undefined, rules).properties.phone, MASKED, 'anonymous readers see masked values');
  assert.equal(maskFor(m, 'operator', rules), m);
  assert.equal(maskMessage(m, { properties: [], bodyFields: [] }), m);
});

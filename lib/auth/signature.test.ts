import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createRequest } from '../remoting/command.ts';
import { calSignature, combineRequestContent, resolveCredentials, signRequest, verifySignature, SIGNATURE, UNIQUE_MSG_QUERY_FLAG, VERSION_4_9_3 } from './signature.ts';

// Computed with Apache's algorithm (TreeMap of ext fields, values concatenated as UTF-8, then the body, HmacSHA1,
// base64) by lib/auth/fixtures/SignatureVector.java (javac 17; run it to reproduce).
const JAVA_VECTOR = 'UW931i9xV5rOxxtKzUNpxQLMhho=';

test('signRequest gives the signature Apache computes for the same ext fields, token and body', () => {
  const req = createRequest(310, {
    a: 'pg_1', b: 'TopicTest', c: 'TBW102', d: 4, e: 0, f: 0, g: 1733500000000, h: 0, i: 'KEYS\u0001k1\u0002TAGS\u0001tä\u0002',
  }, { body: Buffer.from('héllo body', 'utf8') });
  signRequest(req, { accessKey: 'rocketmq2', secretKey: '12345678', securityToken: 'tok' });
  assert.equal(req.extFields?.AccessKey, 'rocketmq2');
  assert.equal(req.extFields?.SecurityToken, 'tok');
  assert.equal(req.extFields?.[SIGNATURE], JAVA_VECTOR);
  assert.equal(verifySignature(req, '12345678'), true);
  assert.equal(verifySignature(req, '12345679'), false);
});

test('content is the sorted values then the body; Signature is never part of it', () => {
  const c = combineRequestContent({ b: '2', a: '1', Signature: 'x', B: '0' }, Buffer.from('!'));
  assert.equal(c.toString(), '012!');
  assert.equal(calSignature(Buffer.from(''), 'k').length, 28);
});

test('credentials come from options, else from ROCKETMQ_ACCESS_KEY/ROCKETMQ_SECRET_KEY; half a pair is an error', () => {
  assert.deepEqual(resolveCredentials({ accessKey: 'ak', secretKey: 'sk' }, {}), { accessKey: 'ak', secretKey: 'sk' });
  assert.deepEqual(resolveCredentials({}, { ROCKETMQ_ACCESS_KEY: 'a', ROCKETMQ_SECRET_KEY: 'b' }), { accessKey: 'a', secretKey: 'b' });
  assert.equal(resolveCredentials({}, {}), undefined);
  assert.throws(() => resolveCredentials({ accessKey: 'ak' }, {}), /secretKey/);
});

const fieldName = fc.string({ minLength: 1, maxLength: 12 });
const fields = fc.dictionary(fieldName, fc.string({ maxLength: 40 }), { maxKeys: 12 });
const body = fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined });
const key = fc.string({ minLength: 1, maxLength: 24 });

test('fuzz: a request is accepted only with the signature of its own content and the right key', () => {
  fc.assert(
    fc.property(fields, body, key, key, fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 40 }), (ext, b, secret, otherSecret, tamperKey, tamperValue) => {
      const req = createRequest(10, ext, { body: b ? Buffer.from(b) : undefined });
      signRequest(req, { accessKey: 'user', secretKey: secret });
      assert.equal(verifySignature(req, secret), true);
      if (otherSecret !== secret) assert.equal(verifySignature(req, otherSecret), false);
      // Any change to a signed field, an added field with a value, or the body must break the signature.
      const tampered = { ...req, extFields: { ...req.extFields } };
      if (tamperKey !== SIGNATURE && tamperValue !== '' && Object.hasOwn(tampered.extFields, tamperKey)) {
        tampered.extFields[tamperKey] = tampered.extFields[tamperKey] + tamperValue;
        assert.equal(verifySignature(tampered, secret), false);
      }
      const withBody = { ...req, body: Buffer.concat([req.body ?? Buffer.alloc(0), Buffer.from([1])]) };
      assert.equal(verifySignature(withBody, secret), false);
      const forged = { ...req, extFields: { ...req.extFields, [SIGNATURE]: calSignature(Buffer.from(tamperValue), secret) } };
      if (forged.extFields[SIGNATURE] !== req.extFields?.[SIGNATURE]) assert.equal(verifySignature(forged, secret), false);
    }),
    { numRuns: 2000 },
  );
});

test('a query carrying _UNIQUE_KEY_QUERY is signed without it and announced as V4_9_3, so 4.9.8 and 5.x servers both accept it', () => {
  const creds = { accessKey: 'ak', secretKey: 'sk-123456' };
  const req = createRequest(12, { topic: 'T', key: 'k', maxNum: '32', beginTimestamp: '0', endTimestamp: '1' });
  req.extFields![UNIQUE_MSG_QUERY_FLAG] = 'false';
  signRequest(req, creds);
  assert.equal(req.version, VERSION_4_9_3);
  // Apache 4.9.8's PlainAccessValidator: the values without Signature and _UNIQUE_KEY_QUERY, sorted by name
  const fields = Object.fromEntries(Object.entries(req.extFields!).filter(([k]) => k !== SIGNATURE && k !== UNIQUE_MSG_QUERY_FLAG));
  assert.equal(req.extFields![SIGNATURE], calSignature(combineRequestContent(fields, undefined), creds.secretKey));
  // 5.x (and RocketDeck's broker) skip the flag for clients up to V4_9_3
  assert.ok(verifySignature(req, creds.secretKey));
  // other requests keep their version and sign every field
  const send = createRequest(310, { topic: 'T' });
  const v = send.version;
  signRequest(send, creds);
  assert.equal(send.version, v);
  assert.ok(verifySignature(send, creds.secretKey));
});

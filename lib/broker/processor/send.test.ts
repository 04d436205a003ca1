// parseSendHeader: SEND_MESSAGE_V2's one-pass reading gives what the spec decoder gives, and the same errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RequestCode } from '../../protocol/codes.ts';
import { SendMessageRequestHeaderV2, sendHeaderV2ToV1 } from '../../protocol/headers/message.ts';
import { decodeHeader, HeaderError } from '../../protocol/headers/spec.ts';
import { createRequest } from '../../remoting/command.ts';
import { parseSendHeader } from './send.ts';

/** What the handler read before: the whole V2 header through the spec decoder, then renamed (without bname). */
function reference(ext: Record<string, string>): unknown {
  const v1: Record<string, unknown> = { ...sendHeaderV2ToV1(decodeHeader(SendMessageRequestHeaderV2, ext)) };
  delete v1.bname;
  return v1;
}

const outcome = (f: () => unknown): unknown => {
  try {
    return { ok: f() };
  } catch (err) {
    assert.ok(err instanceof HeaderError, `not a HeaderError: ${String(err)}`);
    return { error: err.message };
  }
};

const v2 = (ext: Record<string, string>) => ({ ...createRequest(RequestCode.SEND_MESSAGE_V2), extFields: ext });

test('a Java client header reads as the spec decoder reads it', () => {
  const ext = {
    a: 'demo_producer_group', b: 'VecTopic', c: 'TBW102', d: '4', e: '0', f: '0', g: '1795556241542', h: '0',
    i: 'KEYS\u0001KEY-0\u0002WAIT\u0001true', j: '0', k: 'false', m: 'false', n: 'broker-a',
  };
  const h = parseSendHeader(v2(ext));
  assert.deepEqual(h, reference(ext));
  assert.equal(h.bornTimestamp, 1795556241542);
  assert.equal(h.batch, false);
});

test('any field text gives the same header or the same HeaderError as the spec decoder', () => {
  const number = fc.oneof(
    fc.integer().map(String), fc.maxSafeInteger().map(String), fc.bigInt().map(String),
    fc.constantFrom('', '-', '-0', '+5', '007', '2147483648', '-2147483649', '9999999999', '1e3', ' 1', '0x10', '１'),
  );
  const bool = fc.constantFrom('true', 'TRUE', 'True', 'false', 'yes', '');
  const fields = {
    a: fc.string(), b: fc.string(), c: fc.string(), d: number, e: number, f: number, g: number, h: number,
    i: fc.string(), j: number, k: bool, l: number, m: bool, n: fc.string(),
  };
  fc.assert(fc.property(
    // mostly with every required field present (else the first missing one decides both answers)
    fc.oneof({ arbitrary: fc.record(fields, { requiredKeys: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] }), weight: 4 }, fc.record(fields, { requiredKeys: [] })),
    (ext) => {
      assert.deepEqual(outcome(() => parseSendHeader(v2(ext))), outcome(() => reference(ext)));
    },
  ), { numRuns: 3000 });
});

// Frame codec against frames captured from Apache RocketMQ 4.9.8, plus stream splitting and a fuzz of bad input.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import fc from 'fast-check';
import { createRequest, createResponse, type RemotingCommand } from './command.ts';
import { FrameDecoder, decodeFrame, decodeFrameWithLength, encodeFrame } from './codec.ts';
import { FrameDecodeError } from './errors.ts';

const VECTORS = new URL('../protocol/fixtures/vectors/', import.meta.url);

interface CapturedFrame {
  name: string;
  frame: Buffer;
  header: Record<string, unknown>;
  serializeType: 'JSON' | 'ROCKETMQ';
}

function loadFrames(): CapturedFrame[] {
  const out: CapturedFrame[] = [];
  for (const dir of readdirSync(VECTORS, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const base = new URL(`${dir.name}/`, VECTORS);
    const metaUrl = new URL('meta.json', base);
    const meta = existsSync(metaUrl) ? (JSON.parse(readFileSync(metaUrl, 'utf8')) as Record<string, string>) : {};
    for (const kind of ['request', 'response'] as const) {
      const hexUrl = new URL(`${kind}.hex`, base);
      if (!existsSync(hexUrl)) continue;
      const st = kind === 'request' ? meta.serializeType : meta.responseSerializeType;
      out.push({
        name: `${dir.name}/${kind}`,
        frame: Buffer.from(readFileSync(hexUrl, 'utf8').trim(), 'hex'),
        header: JSON.parse(readFileSync(new URL(`${kind}.header.json`, base), 'utf8')) as Record<string, unknown>,
        serializeType: st?.startsWith('ROCKETMQ') ? 'ROCKETMQ' : 'JSON',
      });
    }
  }
  return out;
}

const frames = loadFrames();

function concatStream(list: Buffer[]): Buffer {
  return Buffer.concat(list);
}

describe('captured RocketMQ 4.9.8 frames', () => {
  test('the fixture set holds every request/response frame of the capture (140) in both serializations', () => {
    assert.equal(frames.length, 140);
    assert.ok(frames.some((f) => f.serializeType === 'ROCKETMQ'));
    assert.ok(frames.some((f) => f.serializeType === 'JSON'));
  });

  for (const f of frames) {
    test(`${f.name} decodes to its captured header and re-encodes byte for byte`, () => {
      const cmd = decodeFrameWithLength(f.frame);
      const h = f.header;
      assert.equal(cmd.serializeType, f.serializeType);
      assert.equal(cmd.code, h.code);
      assert.equal(cmd.opaque, h.opaque);
      assert.equal(cmd.flag, h.flag);
      assert.equal(cmd.language, h.language);
      assert.equal(cmd.version, h.version);
      assert.equal(cmd.remark, h.remark ?? undefined);
      assert.deepEqual(cmd.extFields ?? {}, h.extFields ?? {});
      if (h.serializeTypeCurrentRPC !== undefined) assert.equal(cmd.serializeType, h.serializeTypeCurrentRPC);
      const bodyLength = f.frame.readInt32BE(0) - 4 - (f.frame.readInt32BE(4) & 0xffffff);
      assert.equal(cmd.body?.length ?? 0, bodyLength);
      assert.ok(encodeFrame(cmd).equals(f.frame), 'encodeFrame(decode(frame)) differs from the captured bytes');
    });
  }
});

describe('FrameDecoder', () => {
  const stream = concatStream(frames.map((f) => f.frame));

  test('yields every captured frame when the stream arrives one byte at a time', () => {
    const d = new FrameDecoder();
    const got: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) got.push(...d.push(stream.subarray(i, i + 1)));
    assert.equal(got.length, frames.length);
    got.forEach((g, i) => assert.ok(g.equals(frames[i]!.frame.subarray(4)), `frame ${frames[i]!.name}`));
    assert.equal(d.pending, 0);
  });

  test('a frame split at every possible byte boundary comes out whole', () => {
    const samples = [frames.find((f) => f.serializeType === 'ROCKETMQ')!, frames.find((f) => f.serializeType === 'JSON')!];
    for (const s of samples) {
      for (let cut = 0; cut <= s.frame.length; cut++) {
        const d = new FrameDecoder();
        const got = [...d.push(s.frame.subarray(0, cut)), ...d.push(s.frame.subarray(cut))];
        assert.equal(got.length, 1, `${s.name} cut at ${cut}`);
        assert.ok(got[0]!.equals(s.frame.subarray(4)));
      }
    }
  });

  test('many frames in one chunk all come out, in order', () => {
    const d = new FrameDecoder();
    const got = d.push(Buffer.concat([stream, stream]));
    assert.equal(got.length, frames.length * 2);
    assert.deepEqual(
      got.map((g) => decodeFrame(g).opaque),
      [...frames, ...frames].map((f) => f.header.opaque),
    );
  });

  test('a frame longer than maxFrameLength throws FrameDecodeError before it is buffered', () => {
    const d = new FrameDecoder(1024);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(1025);
    assert.throws(() => d.push(prefix), FrameDecodeError);
    assert.throws(() => new FrameDecoder().push(Buffer.from([0x7f, 0xff, 0xff, 0xff])), /exceeds the maximum/);
  });

  test('negative and too-small lengths throw FrameDecodeError', () => {
    for (const len of [-1, -2147483648, 0, 3]) {
      const b = Buffer.alloc(8);
      b.writeInt32BE(len);
      assert.throws(() => new FrameDecoder().push(b), FrameDecodeError, `length ${len}`);
    }
  });
});

describe('encode/decode round trip', () => {
  test('a request with header, remark and body survives both serializations', () => {
    for (const serializeType of ['JSON', 'ROCKETMQ'] as const) {
      const req = createRequest(10, { topic: 'T', queueId: 3, batch: false, none: undefined }, { serializeType, body: Buffer.from('hello'), remark: 'r' });
      req.opaque = 77;
      const back = decodeFrameWithLength(encodeFrame(req));
      assert.deepEqual(back, { ...req, extFields: { topic: 'T', queueId: '3', batch: 'false' } });
    }
  });

  test('a response keeps the request opaque and serialization', () => {
    const req: RemotingCommand = { ...createRequest(105, { topic: 'x' }, { serializeType: 'ROCKETMQ' }), opaque: 9 };
    const res = decodeFrameWithLength(encodeFrame(createResponse(req, 17, 'no route')));
    assert.equal(res.opaque, 9);
    assert.equal(res.flag, 1);
    assert.equal(res.serializeType, 'ROCKETMQ');
    assert.equal(res.remark, 'no route');
  });

  test('the JSON header is the text JSON.stringify writes for the fastjson-ordered command, whatever its strings hold', () => {
    // what jsonHeaderText wrote before it built the text itself
    const reference = (cmd: RemotingCommand): string => {
      const obj: Record<string, unknown> = { code: cmd.code };
      if (cmd.extFields) obj.extFields = cmd.extFields;
      obj.flag = cmd.flag;
      obj.language = cmd.language;
      obj.opaque = cmd.opaque;
      if (cmd.remark !== undefined && cmd.remark !== null) obj.remark = cmd.remark;
      obj.serializeTypeCurrentRPC = cmd.serializeType;
      obj.version = cmd.version;
      return JSON.stringify(obj);
    };
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), fc.constantFrom('', '"', '\\', '\u0001', '\ud800', 'é', 'a"b\\c\nd', '\u2028'));
    fc.assert(fc.property(
      fc.dictionary(text, fc.oneof(text, fc.constant(undefined))), text, fc.option(text, { nil: undefined }), fc.integer(), fc.integer(),
      (ext, language, remark, code, opaque) => {
        const cmd: RemotingCommand = { code, language, version: 409, opaque, flag: 1, remark, extFields: ext as Record<string, string>, serializeType: 'JSON' };
        const frame = encodeFrame(cmd);
        const header = frame.subarray(8, 8 + (frame.readInt32BE(4) & 0xffffff));
        assert.equal(header.toString('utf8'), reference(cmd));
        assert.equal(frame.readInt32BE(0), frame.length - 4);
      },
    ), { numRuns: 500 });
  });

  test('the ROCKETMQ header holds each field as Buffer.from writes it, and reads back as toString per field does', () => {
    // the layout written and read field by field, as the codec did before it sized and sliced in one pass
    const referenceEncode = (cmd: RemotingCommand): Buffer => {
      const parts: Buffer[] = [];
      for (const [k, v] of Object.entries(cmd.extFields ?? {})) {
        if (v === undefined || v === null) continue;
        const kb = Buffer.from(k, 'utf8');
        const vb = Buffer.from(String(v), 'utf8');
        const kl = Buffer.alloc(2);
        kl.writeInt16BE(kb.length);
        const vl = Buffer.alloc(4);
        vl.writeInt32BE(vb.length);
        parts.push(kl, kb, vl, vb);
      }
      const ext = Buffer.concat(parts);
      const remark = cmd.remark ? Buffer.from(cmd.remark, 'utf8') : Buffer.alloc(0);
      const fixed = Buffer.alloc(17);
      fixed.writeInt16BE(cmd.code, 0);
      fixed.writeUInt8(0, 2); // JAVA
      fixed.writeInt16BE(cmd.version, 3);
      fixed.writeInt32BE(cmd.opaque, 5);
      fixed.writeInt32BE(cmd.flag, 9);
      fixed.writeInt32BE(remark.length, 13);
      const extLen = Buffer.alloc(4);
      extLen.writeInt32BE(ext.length);
      return Buffer.concat([fixed, remark, extLen, ext]);
    };
    const referenceFields = (header: Buffer): Record<string, string> => {
      const out: Record<string, string> = {};
      let o = 17 + header.readInt32BE(13);
      const end = o + 4 + header.readInt32BE(o);
      o += 4;
      while (o < end) {
        const kl = header.readInt16BE(o);
        const key = header.toString('utf8', o + 2, o + 2 + kl);
        o += 2 + kl;
        const vl = header.readInt32BE(o);
        out[key] = header.toString('utf8', o + 4, o + 4 + vl);
        o += 4 + vl;
      }
      return out;
    };
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }));
    fc.assert(fc.property(
      fc.dictionary(text.filter((k) => k !== '__proto__'), fc.oneof(text, fc.constant(undefined))), fc.option(text, { nil: undefined }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      (ext, remark, opaque) => {
        const cmd: RemotingCommand = { code: 310, language: 'JAVA', version: 409, opaque, flag: 0, remark, extFields: ext as Record<string, string>, serializeType: 'ROCKETMQ' };
        const frame = encodeFrame(cmd);
        const header = frame.subarray(8, 8 + (frame.readInt32BE(4) & 0xffffff));
        assert.deepEqual(header, referenceEncode(cmd));
        assert.deepEqual(decodeFrameWithLength(frame).extFields, referenceFields(header));
      },
    ), { numRuns: 500 });
    // bytes that are not valid UTF-8 (and latin1 bytes above 0x7f) read as a per-field UTF-8 decode reads them
    fc.assert(fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 40 })), { maxLength: 6 }), (pairs) => {
      const parts: Buffer[] = [];
      for (const [k, v] of pairs) {
        const kl = Buffer.alloc(2);
        kl.writeInt16BE(k.length);
        const vl = Buffer.alloc(4);
        vl.writeInt32BE(v.length);
        parts.push(kl, Buffer.from(k), vl, Buffer.from(v));
      }
      const ext = Buffer.concat(parts);
      const fixed = Buffer.alloc(17);
      fixed.writeInt16BE(310, 0);
      const extLen = Buffer.alloc(4);
      extLen.writeInt32BE(ext.length);
      const header = Buffer.concat([fixed, extLen, ext]);
      const word = Buffer.alloc(4);
      word.writeInt32BE((1 << 24) | header.length);
      assert.deepEqual(decodeFrame(Buffer.concat([word, header])).extFields, referenceFields(header));
    }), { numRuns: 500 });
  });

  test('decodeFrame rejects truncated frames, unknown serialize types and bad headers', () => {
    const bad: Buffer[] = [
      Buffer.from([0, 0]),
      Buffer.from([0x05, 0, 0, 0]),
      Buffer.from([0, 0, 0, 9, 0x7b]),
      Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('[1,2]')]),
      Buffer.concat([Buffer.from([0, 0, 0, 9]), Buffer.from('{"code":1')]),
      Buffer.concat([Buffer.from([1, 0, 0, 3]), Buffer.from([0, 1, 0])]),
    ];
    for (const b of bad) assert.throws(() => decodeFrame(b), FrameDecodeError, b.toString('hex'));
  });
});

/** Runs bytes through a decoder in the given chunk sizes; every outcome other than FrameDecodeError fails. */
function feed(bytes: Uint8Array, chunkSizes: number[], maxFrameLength: number): RemotingCommand[] {
  const d = new FrameDecoder(maxFrameLength);
  const buf = Buffer.from(bytes);
  const out: RemotingCommand[] = [];
  let o = 0;
  let i = 0;
  try {
    while (o < buf.length) {
      const n = Math.max(1, chunkSizes.length ? chunkSizes[i++ % chunkSizes.length]! : buf.length);
      for (const f of d.push(buf.subarray(o, o + n))) out.push(decodeFrame(f));
      o += n;
    }
  } catch (err) {
    if (!(err instanceof FrameDecodeError)) throw err;
  }
  return out;
}

// A decoder bug that loops forever fails on this timeout instead of stalling the run.
describe('fuzz', { timeout: 120_000 }, () => {
  test('random bytes yield commands or FrameDecodeError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 8 }), (bytes, chunks) => {
        feed(bytes, chunks, 1 << 20);
      }),
      { numRuns: 2000 },
    );
  });

  test('random bytes behind a plausible length prefix and header word yield commands or FrameDecodeError', () => {
    const framed = fc
      .tuple(fc.constantFrom(0, 1, 2), fc.uint8Array({ minLength: 0, maxLength: 600 }), fc.integer({ min: 0, max: 700 }))
      .map(([type, body, headerLen]) => {
        const b = Buffer.alloc(8 + body.length);
        b.writeInt32BE(4 + body.length, 0);
        b.writeUInt32BE(((type << 24) | headerLen) >>> 0, 4);
        Buffer.from(body).copy(b, 8);
        return b;
      });
    fc.assert(
      fc.property(framed, (b) => {
        feed(b, [], 1 << 20);
      }),
      { numRuns: 3000 },
    );
  });

  test('mutated captured frames yield commands or FrameDecodeError', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), value: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: frames.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 5 }),
        (index, mutations, chunks) => {
          let b = Buffer.from(frames[index]!.frame);
          for (const m of mutations) {
            const at = b.length ? m.at % b.length : 0;
            if (m.kind === 'set' && b.length) b[at] = m.value;
            else if (m.kind === 'cut') b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + (m.value % 16))]);
            else b = Buffer.concat([b.subarray(0, at), Buffer.from([m.value]), b.subarray(at)]);
          }
          // A valid frame after the mutated one must still come out when the mutation kept the stream in sync.
          feed(Buffer.concat([b, frames[0]!.frame]), chunks, 1 << 20);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('mutations inside the header keep the frame boundaries and yield commands or FrameDecodeError', () => {
    // Rewrites header bytes only and fixes up nothing: exercises the JSON and ROCKETMQ header parsers directly.
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: frames.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (index, edits) => {
          const b = Buffer.from(frames[index]!.frame.subarray(4));
          const headerLen = b.readUInt32BE(0) & 0xffffff;
          for (const [at, v] of edits) if (headerLen > 0) b[4 + (at % headerLen)] = v;
          try {
            decodeFrame(b);
          } catch (err) {
            if (!(err instanceof FrameDecodeError)) throw err;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

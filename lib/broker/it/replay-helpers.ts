// Helpers of the vector replay test: a raw frame connection that can also answer requests the broker sends to
// it, and a field-by-field shape comparison of commands (header fields, extFields keys and value kinds, bodies as
// fastjson structures, properties key sets or stored message records).

import assert from 'node:assert/strict';
import net from 'node:net';
import { FJDouble, FJObject, parseFastJson, type FJValue } from '../../protocol/fastjson.ts';
import { decodeMessages } from '../../protocol/message-codec.ts';
import { decodeFrame, encodeFrame, FrameDecoder } from '../../remoting/codec.ts';
import { FLAG_RESPONSE, type RemotingCommand } from '../../remoting/command.ts';

/** A TCP connection speaking raw frames: requests out as captured, responses matched by opaque. */
export class FrameConnection {
  private readonly decoder = new FrameDecoder();
  private readonly responses = new Map<number, (cmd: RemotingCommand) => void>();
  /** Requests the broker sent to this connection, in arrival order. */
  readonly received: RemotingCommand[] = [];
  /** Answers for requests the broker sends (by request code). */
  readonly answer = new Map<number, (req: RemotingCommand) => RemotingCommand | undefined>();

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) {
        const cmd = decodeFrame(f);
        if (cmd.flag & FLAG_RESPONSE) {
          this.responses.get(cmd.opaque)?.(cmd);
          this.responses.delete(cmd.opaque);
        } else {
          this.received.push(cmd);
          const res = this.answer.get(cmd.code)?.(cmd);
          if (res) socket.write(encodeFrame({ ...res, opaque: cmd.opaque, flag: res.flag | FLAG_RESPONSE }));
        }
      }
    });
  }

  static connect(address: string): Promise<FrameConnection> {
    const i = address.lastIndexOf(':');
    return new Promise((resolve, reject) => {
      const s = net.connect(Number(address.slice(i + 1)), address.slice(0, i), () => resolve(new FrameConnection(s)));
      s.once('error', reject);
    });
  }

  /** Sends a request as is and resolves with its response. */
  exchange(req: RemotingCommand, timeoutMs = 10_000): Promise<RemotingCommand> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response to request ${req.code} (opaque ${req.opaque})`)), timeoutMs);
      this.responses.set(req.opaque, (cmd) => {
        clearTimeout(timer);
        resolve(cmd);
      });
      this.socket.write(encodeFrame(req));
    });
  }

  /** Sends a oneway request (nothing comes back). */
  send(req: RemotingCommand): void {
    this.socket.write(encodeFrame(req));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Which object fields are maps with data-dependent keys (compared by the shape of their values). */
const MAP_FIELDS = new Set([
  'offsetTable', 'topicConfigTable', 'subscriptionGroupTable', 'subscriptionTable', 'table', 'mqTable', 'statusTable',
  'properties', 'consumerTable', 'brokerAddrs', 'attributes', 'forbiddenTable',
  // a list of single-entry maps group -> stats
  'consumeStatsList',
]);

type ShapeOf = { kind: 'scalar'; type: string } | { kind: 'array'; of?: ShapeOf } | { kind: 'map'; key?: string; of?: ShapeOf } | { kind: 'bean'; fields: Map<string, ShapeOf> };

function scalarType(v: FJValue): string {
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof FJDouble) return 'number';
  return typeof v;
}

export function shapeOf(v: FJValue, field?: string): ShapeOf {
  // Elements of an array take the array's field name (a list of maps is compared as maps).
  if (Array.isArray(v)) return { kind: 'array', of: v.length > 0 ? shapeOf(v[0]!, field) : undefined };
  if (v instanceof FJObject) {
    const nonStringKey = v.entries.some(([k]) => typeof k !== 'string');
    if ((field !== undefined && MAP_FIELDS.has(field)) || nonStringKey) {
      const first = v.entries[0];
      if (!first) return { kind: 'map' };
      const k = first[0];
      const keyKind = k instanceof FJObject ? 'object' : typeof k === 'string' ? 'string' : 'number';
      return { kind: 'map', key: keyKind, of: shapeOf(first[1]) };
    }
    const fields = new Map<string, ShapeOf>();
    for (const [k, x] of v.entries) fields.set(String(k), shapeOf(x, String(k)));
    return { kind: 'bean', fields };
  }
  return { kind: 'scalar', type: scalarType(v) };
}

/** Asserts `got` has the shape of `want`; empty arrays/maps match any element shape; `extra` fields of ours are allowed. */
export function assertSameShape(got: ShapeOf, want: ShapeOf, path: string, extra: ReadonlySet<string> = new Set()): void {
  // A captured null (absent value) matches anything we send there.
  if (want.kind === 'scalar' && want.type === 'null') return;
  assert.equal(got.kind, want.kind, `${path}: ${got.kind} where the capture has ${want.kind}`);
  if (got.kind === 'scalar' && want.kind === 'scalar') assert.equal(got.type, want.type, `${path}: type`);
  if (got.kind === 'array' && want.kind === 'array' && got.of && want.of) assertSameShape(got.of, want.of, `${path}[]`, extra);
  if (got.kind === 'map' && want.kind === 'map' && got.of && want.of) {
    assert.equal(got.key, want.key, `${path}: map key kind`);
    assertSameShape(got.of, want.of, `${path}{}`, extra);
  }
  if (got.kind === 'bean' && want.kind === 'bean') {
    for (const [k, s] of want.fields) {
      const g = got.fields.get(k);
      assert.ok(g, `${path}.${k}: missing`);
      assertSameShape(g, s, `${path}.${k}`, extra);
    }
    for (const k of got.fields.keys()) assert.ok(want.fields.has(k) || extra.has(k), `${path}.${k}: not in the capture`);
  }
}

export interface CompareOptions {
  /** Response codes may differ (an intended difference, documented at the call). */
  code?: number;
  /** extFields keys we add on top of the capture. */
  extraHeader?: string[];
  /** Body fields we add on top of the capture. */
  extraBody?: string[];
  /** Compare the remark text exactly (fixed texts such as "FOUND"). */
  exactRemark?: boolean;
  /** How to compare bodies: fastjson structure (default for JSON), properties keys, or stored message records. */
  body?: 'json' | 'properties' | 'records' | 'none';
}

const isNumeric = (s: string): boolean => /^-?\d+$/.test(s);

/** Field-by-field shape comparison of one of our commands with a captured one. */
export function assertSameCommand(got: RemotingCommand, want: RemotingCommand, name: string, o: CompareOptions = {}): void {
  assert.equal(got.code, o.code ?? want.code, `${name}: code (remark ${got.remark})`);
  assert.equal(got.flag & 3, want.flag & 3, `${name}: flag`);
  assert.equal(got.language, want.language, `${name}: language`);
  assert.equal(got.version, want.version, `${name}: version`);
  assert.equal(got.serializeType, want.serializeType, `${name}: serializeType`);
  if (o.code === undefined) {
    assert.equal(got.remark !== undefined, want.remark !== undefined, `${name}: remark present (${got.remark} / ${want.remark})`);
    if (o.exactRemark) assert.equal(got.remark, want.remark, `${name}: remark`);
  }
  const g = got.extFields ?? {};
  const w = want.extFields ?? {};
  const extra = new Set(o.extraHeader ?? []);
  for (const [k, v] of Object.entries(w)) {
    assert.ok(k in g, `${name}: extFields.${k} missing`);
    assert.equal(isNumeric(g[k]!), isNumeric(v), `${name}: extFields.${k} kind (${g[k]} / ${v})`);
  }
  for (const k of Object.keys(g)) assert.ok(k in w || extra.has(k), `${name}: extFields.${k} not in the capture`);
  const mode = o.body ?? (want.body && want.body.length > 0 && (want.body[0] === 0x7b || want.body[0] === 0x5b) ? 'json' : 'none');
  if (mode === 'none' || o.code !== undefined) return;
  assert.ok(got.body && got.body.length > 0, `${name}: body missing`);
  if (mode === 'json') {
    assertSameShape(shapeOf(parseFastJson(got.body!.toString('utf8'))), shapeOf(parseFastJson(want.body!.toString('utf8'))), `${name}: body`, new Set(o.extraBody ?? []));
  } else if (mode === 'properties') {
    const keys = (b: Buffer) => new Set(b.toString('utf8').split('\n').filter((l) => l.includes('=')).map((l) => l.slice(0, l.indexOf('='))));
    const ours = keys(got.body!);
    for (const k of keys(want.body!)) assert.ok(ours.has(k), `${name}: body key ${k} missing`);
  } else {
    const ours = decodeMessages(got.body!);
    const theirs = decodeMessages(want.body!);
    assert.ok(ours.length > 0, `${name}: no records`);
    assert.deepEqual(Object.keys(ours[0]!).sort(), Object.keys(theirs[0]!).sort(), `${name}: record fields`);
  }
}

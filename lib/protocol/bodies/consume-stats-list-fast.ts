// A fast reader for the GET_BROKER_CONSUME_STATS body (half a megabyte for a thousand groups): the text made
// standard JSON and given to the native JSON.parse. Any shape it is not sure of is left to the generic reader.
import type { ConsumeStats, ConsumeStatsList, OffsetWrapper } from './stats.ts';
import type { MessageQueue } from './read.ts';
import { ProtocolError } from '../errors.ts';

/** Thrown inside the fast path when the body is not the plain shape; the caller falls back to the generic reader. */
class NotPlain extends ProtocolError {
  override name = 'NotPlain';
  constructor() {
    super('not the plain ConsumeStatsList shape');
  }
}

const notPlain = (): never => {
  throw new NotPlain();
};

/** Index of the quote closing the string opening at `i`, or -1. */
function endOfString(text: string, i: number): number {
  let j = i;
  for (;;) {
    j = text.indexOf('"', j + 1);
    if (j < 0) return -1;
    let slashes = 0;
    for (let k = j - 1; text.charCodeAt(k) === 92; k--) slashes++;
    if (slashes % 2 === 0) return j;
  }
}

/** Index of the brace closing the object opening at `i`, or -1. */
function endOfObject(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 34) {
      j = endOfString(text, j);
      if (j < 0) return -1;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}

/**
 * fastjson writes a map with bean keys (MessageQueue -> OffsetWrapper) as `{{"brokerName":..}:{..}}`; standard
 * JSON cannot, so each such key is turned into a string holding its text. undefined for any other non-standard
 * form (bare keys), which the generic reader handles.
 */
export function standardizeObjectKeys(text: string): string | undefined {
  const parts: string[] = [];
  const stack: number[] = [];
  let last = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = endOfString(text, i);
      if (i < 0) return undefined;
      expectKey = false;
    } else if (c === 123) {
      if (expectKey) {
        const end = endOfObject(text, i);
        if (end < 0) return undefined;
        parts.push(text.slice(last, i), JSON.stringify(text.slice(i, end + 1)));
        last = end + 1;
        i = end;
        expectKey = false;
      } else {
        stack.push(c);
        expectKey = true;
      }
    } else if (c === 91) {
      stack.push(c);
      expectKey = false;
    } else if (c === 125 || c === 93) {
      stack.pop();
      expectKey = false;
    } else if (c === 44) {
      expectKey = stack[stack.length - 1] === 123;
    } else if (c === 58) {
      expectKey = false;
    } else if (expectKey && c > 32) {
      return undefined;
    }
  }
  parts.push(text.slice(last));
  return parts.join('');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A number field: absent or null -> `def`, a double or a long within 2^53 -> it; anything else is not the plain shape. */
function num(v: unknown, def: number): number {
  if (v === undefined || v === null) return def;
  if (typeof v !== 'number' || (Number.isInteger(v) && !Number.isSafeInteger(v))) return notPlain();
  return v;
}

function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : notPlain();
}

function messageQueue(keyText: string): MessageQueue {
  const k: unknown = JSON.parse(keyText);
  if (!isObject(k)) return notPlain();
  return { topic: str(k.topic), brokerName: str(k.brokerName), queueId: num(k.queueId, 0) };
}

function offsetWrapper(v: unknown): OffsetWrapper {
  if (!isObject(v)) return notPlain();
  const out: OffsetWrapper = { brokerOffset: num(v.brokerOffset, 0), consumerOffset: num(v.consumerOffset, 0), lastTimestamp: num(v.lastTimestamp, 0) };
  const pull = num(v.pullOffset, Number.NaN);
  if (!Number.isNaN(pull)) out.pullOffset = pull;
  return out;
}

function consumeStats(v: unknown): ConsumeStats {
  if (!isObject(v)) return notPlain();
  const table = v.offsetTable;
  if (!isObject(table)) return notPlain();
  const offsetTable: ConsumeStats['offsetTable'] = [];
  for (const [keyText, w] of Object.entries(table)) {
    if (!keyText.startsWith('{')) return notPlain();
    offsetTable.push([messageQueue(keyText), offsetWrapper(w)]);
  }
  return { offsetTable, consumeTps: num(v.consumeTps, 0) };
}

// JSON.parse orders integer-like keys first; a map of several groups with such a name is left to the generic reader.
const INDEX_LIKE = /^(0|[1-9]\d*)$/;

/** The ConsumeStatsList of a body in the plain shape, or undefined when the generic reader should read it. */
export function fastDecodeConsumeStatsList(text: string): ConsumeStatsList | undefined {
  const standard = standardizeObjectKeys(text);
  if (standard === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(standard);
    if (!isObject(v)) return undefined;
    const list = v.consumeStatsList;
    if (!Array.isArray(list)) return undefined;
    const consumeStatsList = list.map((entry: unknown) => {
      if (!isObject(entry)) return notPlain();
      const names = Object.keys(entry);
      if (names.length > 1 && names.some((n) => INDEX_LIKE.test(n))) return notPlain();
      const m = new Map<string, ConsumeStats[]>();
      for (const name of names) {
        const stats = entry[name];
        if (!Array.isArray(stats)) return notPlain();
        m.set(name, stats.map(consumeStats));
      }
      return m;
    });
    const out: ConsumeStatsList = { consumeStatsList, brokerAddr: str(v.brokerAddr), totalDiff: num(v.totalDiff, 0) };
    const inflight = num(v.totalInflightDiff, Number.NaN);
    if (!Number.isNaN(inflight)) out.totalInflightDiff = inflight;
    return out;
  } catch (err) {
    if (err instanceof NotPlain || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

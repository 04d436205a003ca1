// Java properties text bodies: UPDATE_BROKER_CONFIG (25) request, GET_BROKER_CONFIG (26) / GET_NAMESRV_CONFIG (319)
// answers, UPDATE_NAMESRV_CONFIG (318) request.
//
// Writing follows RocketMQ's MixAll.properties2String: one `key=value\n` per entry, no escaping, null values left
// out. Reading follows java.util.Properties.load, which is what the receiving side uses (string2Properties):
// comments (# or !), blank lines, `\` line continuations, key/value separated by '=', ':' or whitespace, and the
// \t \n \r \f \uXXXX escapes.
import type { BodyInput } from './read.ts';

export interface PropertyLine {
  key: string;
  value: string;
  /** 1-based line where the entry starts (config-file errors point at it). */
  line: number;
}

/** Entries in text order; a repeated key appears twice (the last one wins in parseProperties). */
export function parsePropertyLines(text: string): PropertyLine[] {
  const out: PropertyLine[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    let line = stripLeading(lines[i]);
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    while (endsWithContinuation(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + stripLeading(lines[++i]);
    }
    if (endsWithContinuation(line)) line = line.slice(0, -1);
    const [key, value] = splitKeyValue(line);
    out.push({ key: unescape(key), value: unescape(value), line: startLine });
  }
  return out;
}

export function parseProperties(text: string): Map<string, string> {
  return new Map(parsePropertyLines(text).map((e) => [e.key, e.value]));
}

const stripLeading = (s: string): string => s.replace(/^[ \t\f]+/, '');

function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function splitKeyValue(line: string): [string, string] {
  let i = 0;
  for (; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
  }
  const key = line.slice(0, i);
  let j = i;
  while (j < line.length && (line[j] === ' ' || line[j] === '\t' || line[j] === '\f')) j++;
  if (j < line.length && (line[j] === '=' || line[j] === ':')) j++;
  while (j < line.length && (line[j] === ' ' || line[j] === '\t' || line[j] === '\f')) j++;
  return [key, line.slice(j)];
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const e = s[++i];
    if (e === 't') out += '\t';
    else if (e === 'n') out += '\n';
    else if (e === 'r') out += '\r';
    else if (e === 'f') out += '\f';
    else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += e;
  }
  return out;
}

/** `key=value\n` lines in the map's order, as MixAll.properties2String writes them. */
export function stringifyProperties(props: Iterable<readonly [string, string | number | boolean | null | undefined]>): string {
  let out = '';
  for (const [k, v] of props) if (v !== null && v !== undefined) out += `${k}=${String(v)}\n`;
  return out;
}

export function decodeProperties(body: BodyInput | undefined): Map<string, string> {
  if (body === undefined) return new Map();
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return parseProperties(text);
}

export const encodeProperties = (props: Map<string, string | number | boolean | null | undefined>): Buffer =>
  Buffer.from(stringifyProperties(props), 'utf8');

// The live tail's server-side filters: tag expression, key, property equals, body contains and a SQL92 expression,
// all of which must match. Parsed from a request's query (a bad one is a 400 naming the field and, for SQL92,
// the position of the fault).

import { HttpError, bad } from './http.ts';

/** What a filter reads of a message (the masked copy for readers who see masked values). */
export interface FilterableMessage {
  tags?: string;
  keys: string[];
  properties: Record<string, string>;
  body: Buffer | string;
}

export interface TailFilterSpec {
  /** RocketMQ tag expression: "*", "a", "a || b". */
  tag?: string;
  key?: string;
  /** name=value pairs, each must equal. */
  props?: Array<{ name: string; value: string }>;
  bodyContains?: string;
  sql?: string;
}

/** A SQL92 expression compiled: evaluates against a message's properties (TAGS, KEYS and user properties). */
export type Sql92Compiler = (text: string) => { ok: true; evaluate: (props: Record<string, string>) => boolean } | { ok: false; message: string; position?: number };

export interface CompiledTailFilter {
  spec: TailFilterSpec;
  /** True when nothing is filtered. */
  all: boolean;
  matches(m: FilterableMessage): boolean;
}

const MAX_LEN = 4096;

/** The filter a tail request names in its query: tag, key, prop (name=value, repeatable), body, sql. */
export function parseTailFilter(url: URL): TailFilterSpec {
  const p = url.searchParams;
  const spec: TailFilterSpec = {};
  const text = (name: string): string | undefined => {
    const v = p.get(name);
    if (v === null || v.trim() === '') return undefined;
    if (v.length > MAX_LEN) throw bad(name, `is longer than ${MAX_LEN} characters`);
    return v;
  };
  const tag = text('tag')?.trim();
  if (tag && tag !== '*') {
    const tags = tag.split('||').map((s) => s.trim());
    if (tags.some((t) => t === '')) throw bad('tag', `'${tag}' is not a tag expression (tags joined by ||)`);
    spec.tag = tags.join(' || ');
  }
  const key = text('key')?.trim();
  if (key) spec.key = key;
  const props = p.getAll('prop').filter((v) => v.trim() !== '');
  if (props.length) {
    spec.props = props.map((raw) => {
      const i = raw.indexOf('=');
      const name = i > 0 ? raw.slice(0, i).trim() : '';
      if (!name) throw bad('prop', `'${raw}' is not name=value`);
      return { name, value: raw.slice(i + 1) };
    });
  }
  const body = text('body');
  if (body !== undefined) spec.bodyContains = body;
  const sql = text('sql')?.trim();
  if (sql) spec.sql = sql;
  return spec;
}

/** The filter as one predicate; a SQL92 expression the compiler refuses is a 400 with its position. */
export function compileTailFilter(spec: TailFilterSpec, sql92?: Sql92Compiler): CompiledTailFilter {
  const checks: Array<(m: FilterableMessage) => boolean> = [];
  if (spec.tag) {
    const tags = new Set(spec.tag.split('||').map((s) => s.trim()));
    checks.push((m) => m.tags !== undefined && tags.has(m.tags));
  }
  if (spec.key) {
    const key = spec.key;
    checks.push((m) => m.keys.includes(key));
  }
  for (const { name, value } of spec.props ?? []) checks.push((m) => m.properties[name] === value);
  if (spec.bodyContains !== undefined) {
    const needle = spec.bodyContains;
    const bytes = Buffer.from(needle, 'utf8');
    checks.push((m) => (typeof m.body === 'string' ? m.body.includes(needle) : m.body.indexOf(bytes) >= 0));
  }
  if (spec.sql) {
    if (!sql92) throw bad('sql', 'SQL92 expressions are not available in this console');
    const c = sql92(spec.sql);
    if (!c.ok) {
      const at = c.position === undefined ? '' : ` at position ${c.position}`;
      const err = new HttpError(400, `sql: ${c.message}${at}`, 'sql') as HttpError & { position?: number };
      if (c.position !== undefined) err.position = c.position;
      throw err;
    }
    const evaluate = c.evaluate;
    checks.push((m) => {
      try {
        return evaluate(m.properties) === true;
      } catch {
        return false; // RocketMQ treats an expression that fails on a message as not matching
      }
    });
  }
  return { spec, all: checks.length === 0, matches: (m) => checks.every((c) => c(m)) };
}

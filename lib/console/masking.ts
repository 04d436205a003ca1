// Masking of sensitive message content for viewers: the values of named properties and of named JSON body fields
// are replaced before a message leaves the console (live tail, message browser, exports).
//
// Setting: ROCKETDECK_MASK_PROPERTIES="phone,idCard" and ROCKETDECK_MASK_BODY_FIELDS="card.number,email" (comma
// lists). A body field without a dot matches that key at any depth of a JSON body; a dotted path matches from the
// root (array elements are crossed: "items.sku" masks the sku of every item). Operators see values unmasked.

import { roleAtLeast, type Role } from './auth.ts';
import { RocketDeckError } from '../common/errors.ts';

export const MASKED = '******';

export interface MaskRules {
  /** Property names whose values are masked (exact, case-sensitive, as RocketMQ keys are). */
  properties: string[];
  /** JSON body fields: a key name (any depth) or a dotted path from the root. */
  bodyFields: string[];
}

export class MaskConfigError extends RocketDeckError {
  constructor(message: string) {
    super(message);
    this.name = 'MaskConfigError';
  }
}

const NAME = /^[^\s,]+$/;

function list(raw: string | undefined, key: string): string[] {
  const items = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const it of items) if (!NAME.test(it) || it.startsWith('.') || it.endsWith('.') || it.includes('..')) throw new MaskConfigError(`${key}: '${it}' is not a name or dotted path`);
  return [...new Set(items)];
}

/** The rules the environment sets (empty lists when unset); a malformed entry is an error naming the variable. */
export function maskRulesFromEnv(env: Record<string, string | undefined> = process.env): MaskRules {
  return {
    properties: list(env.ROCKETDECK_MASK_PROPERTIES, 'ROCKETDECK_MASK_PROPERTIES'),
    bodyFields: list(env.ROCKETDECK_MASK_BODY_FIELDS, 'ROCKETDECK_MASK_BODY_FIELDS'),
  };
}

export const hasRules = (r: MaskRules): boolean => r.properties.length > 0 || r.bodyFields.length > 0;

/** Whether a reader sees masked values: everyone but a signed-in operator or admin. */
export const masksFor = (role: Role | undefined): boolean => role === undefined || !roleAtLeast(role, 'operator');

/** Properties with the named values replaced, and which were. */
export function maskProperties(props: Record<string, string>, rules: MaskRules): { properties: Record<string, string>; masked: string[] } {
  const masked: string[] = [];
  let out = props;
  for (const name of rules.properties) {
    if (!Object.hasOwn(props, name)) continue;
    if (out === props) out = { ...props };
    out[name] = MASKED;
    masked.push(`property:${name}`);
  }
  return { properties: out, masked };
}

function maskValue(v: unknown, names: Set<string>, paths: string[][], at: string[], masked: Set<string>): unknown {
  if (Array.isArray(v)) return v.map((x) => maskValue(x, names, paths, at, masked));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const here = [...at, k];
    const byPath = paths.some((p) => p.length === here.length && p.every((s, i) => s === here[i]));
    if (names.has(k) || byPath) {
      out[k] = MASKED;
      masked.add(`body:${byPath ? here.join('.') : k}`);
    } else {
      out[k] = maskValue(x, names, paths, here, masked);
    }
  }
  return out;
}

/**
 * A JSON body with the named fields' values replaced (re-serialised compactly), and which were; a body that is not
 * a JSON object or array, or that names none of the fields, comes back as it was.
 */
export function maskBody(body: string, rules: MaskRules): { body: string; masked: string[] } {
  if (rules.bodyFields.length === 0) return { body, masked: [] };
  const t = body.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return { body, masked: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { body, masked: [] };
  }
  const names = new Set(rules.bodyFields.filter((f) => !f.includes('.')));
  const paths = rules.bodyFields.filter((f) => f.includes('.')).map((f) => f.split('.'));
  const masked = new Set<string>();
  const out = maskValue(parsed, names, paths, [], masked);
  return masked.size ? { body: JSON.stringify(out), masked: [...masked] } : { body, masked: [] };
}

/** A message as pages and exports show it: UTF-8 body text, optionally its base64, and its properties. */
export interface MaskableMessage {
  properties: Record<string, string>;
  body: string;
  bodyBase64?: string;
}

/**
 * The message with masked values, and `masked` naming what was replaced (absent when nothing was). The base64 body
 * follows the masked text, so no copy of a masked value survives.
 */
export function maskMessage<T extends MaskableMessage>(m: T, rules: MaskRules): T & { masked?: string[] } {
  if (!hasRules(rules)) return m;
  const p = maskProperties(m.properties, rules);
  const b = maskBody(m.body, rules);
  const masked = [...p.masked, ...b.masked];
  if (masked.length === 0) return m;
  const out: T & { masked?: string[] } = { ...m, properties: p.properties, body: b.body, masked };
  if (m.bodyBase64 !== undefined && b.masked.length) out.bodyBase64 = Buffer.from(b.body, 'utf8').toString('base64');
  return out;
}

/** maskMessage for a reader of `role`: operators get the message unchanged. */
export function maskFor<T extends MaskableMessage>(m: T, role: Role | undefined, rules: MaskRules): T & { masked?: string[] } {
  return masksFor(role) ? maskMessage(m, rules) : m;
}

/** The messages as a reader of `role` may see them, under the environment's rules (message browser, exports). */
export function maskAllFor<T extends MaskableMessage>(messages: T[], role: Role | undefined, rules: MaskRules = maskRulesFromEnv()): Array<T & { masked?: string[] }> {
  if (!masksFor(role) || !hasRules(rules)) return messages;
  return messages.map((m) => maskMessage(m, rules));
}

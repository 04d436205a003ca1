// Alert rules and channels: their types, defaults and validation (each problem names the field's path).

import { RocketDeckError } from '../../common/errors.ts';

export const RULE_KINDS = [
  'broker_down', 'broker_missing_from_namesrv', 'master_without_slave', 'slave_behind',
  'group_no_member_with_lag', 'group_lag', 'lag_growing', 'dlq_growing', 'topic_tps_drop', 'disk_full', 'namesrv_down',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const CHANNEL_FORMATS = ['json', 'slack', 'dingtalk', 'feishu', 'email'] as const;
export type ChannelFormat = (typeof CHANNEL_FORMATS)[number];

/** Glob patterns (`*`, `?`) a subject must match; an absent part matches everything. */
export interface RuleScope {
  cluster?: string;
  broker?: string;
  topic?: string;
  group?: string;
  namesrv?: string;
}

export interface RuleThresholds {
  messages?: number;
  seconds?: number;
  percent?: number;
  bytes?: number;
}

export interface AlertRule {
  id: string;
  kind: RuleKind;
  severity: Severity;
  /** How long the condition must hold before the alert fires (0: at once). */
  forMs: number;
  scope: RuleScope;
  thresholds: RuleThresholds;
  /** Channel ids to notify; empty: every channel. */
  channels: string[];
  enabled: boolean;
  /** System groups (CID_*, %SYS% ...) are left out unless asked for. */
  includeSystem: boolean;
  /** More than `changes` firing/resolved changes within `windowMs` marks the alert flapping. */
  flapping: { changes: number; windowMs: number };
  description?: string;
}

export interface AlertChannel {
  id: string;
  format: ChannelFormat;
  url: string;
  /** Attempts after the first one when the receiver fails. */
  retries: number;
  /** Wait before the first retry, doubled each time. */
  backoffMs: number;
  timeoutMs: number;
  enabled: boolean;
}

/** The threshold each kind needs, and its default. */
export const KIND_THRESHOLDS: Record<RuleKind, Partial<Record<keyof RuleThresholds, number>>> = {
  broker_down: {},
  broker_missing_from_namesrv: {},
  master_without_slave: {},
  slave_behind: { bytes: 64 * 1024 * 1024 },
  group_no_member_with_lag: { messages: 1 },
  group_lag: { messages: 10_000 },
  lag_growing: { seconds: 600, messages: 1 },
  dlq_growing: { seconds: 300 },
  topic_tps_drop: { percent: 50 },
  disk_full: { percent: 85 },
  namesrv_down: {},
};

export class AlertConfigError extends RocketDeckError {
  constructor(message: string, readonly field: string, readonly line?: number) {
    super(line !== undefined ? `line ${line}: ${field}: ${message}` : `${field}: ${message}`);
    this.name = 'AlertConfigError';
  }
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "5m", "30s", "1h", 1500 (ms) -> milliseconds. */
export function parseDuration(v: unknown, field: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.round(v);
  const m = typeof v === 'string' ? DURATION_RE.exec(v.trim()) : null;
  if (!m) throw new AlertConfigError(`expected a duration such as 30s, 5m or 1h, got ${JSON.stringify(v)}`, field);
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function known(o: Obj, keys: readonly string[], path: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new AlertConfigError(`unknown key (known: ${keys.join(', ')})`, `${path}.${k}`);
}

function oneOf<T extends string>(v: unknown, list: readonly T[], field: string, fallback?: T): T {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || !list.includes(v as T)) throw new AlertConfigError(`must be one of ${list.join(', ')}`, field);
  return v as T;
}

function posNumber(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new AlertConfigError('must be a number >= 0', field);
  return v;
}

function boolOr(v: unknown, field: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new AlertConfigError('must be true or false', field);
  return v;
}

function checkId(v: unknown, field: string): string {
  if (typeof v !== 'string' || !ID_RE.test(v)) throw new AlertConfigError('must be 1-64 letters, digits, _ . - (starting with a letter or digit)', field);
  return v;
}

const RULE_KEYS = ['id', 'kind', 'severity', 'for', 'scope', 'thresholds', 'channels', 'enabled', 'includeSystem', 'flapping', 'description'] as const;

/** A rule from user input (API body or file entry); `path` prefixes the field names in errors. */
export function parseRule(input: unknown, path = 'rule'): AlertRule {
  if (!isObj(input)) throw new AlertConfigError('must be an object', path);
  known(input, RULE_KEYS, path);
  const id = checkId(input.id, `${path}.id`);
  const kind = oneOf(input.kind, RULE_KINDS, `${path}.kind`);
  const severity = oneOf(input.severity, SEVERITIES, `${path}.severity`, 'warning');
  const forMs = input.for === undefined ? 0 : parseDuration(input.for, `${path}.for`);
  const scope: RuleScope = {};
  if (input.scope !== undefined) {
    if (!isObj(input.scope)) throw new AlertConfigError('must be an object', `${path}.scope`);
    known(input.scope, ['cluster', 'broker', 'topic', 'group', 'namesrv'], `${path}.scope`);
    for (const [k, v] of Object.entries(input.scope)) {
      if (typeof v !== 'string' || v === '') throw new AlertConfigError('must be a non-empty pattern (* and ? allowed)', `${path}.scope.${k}`);
      scope[k as keyof RuleScope] = v;
    }
  }
  const thresholds: RuleThresholds = {};
  const wanted = KIND_THRESHOLDS[kind];
  if (input.thresholds !== undefined) {
    if (!isObj(input.thresholds)) throw new AlertConfigError('must be an object', `${path}.thresholds`);
    known(input.thresholds, ['messages', 'seconds', 'percent', 'bytes'], `${path}.thresholds`);
    for (const [k, v] of Object.entries(input.thresholds)) {
      const field = `${path}.thresholds.${k}`;
      if (k === 'seconds' && typeof v === 'string') thresholds.seconds = parseDuration(v, field) / 1000;
      else thresholds[k as keyof RuleThresholds] = posNumber(v, field);
    }
    if (thresholds.percent !== undefined && thresholds.percent > 100) throw new AlertConfigError('must be at most 100', `${path}.thresholds.percent`);
  }
  for (const [k, d] of Object.entries(wanted)) if (thresholds[k as keyof RuleThresholds] === undefined) thresholds[k as keyof RuleThresholds] = d;
  let channels: string[] = [];
  if (input.channels !== undefined) {
    if (!Array.isArray(input.channels)) throw new AlertConfigError('must be a list of channel ids', `${path}.channels`);
    channels = input.channels.map((c, i) => checkId(c, `${path}.channels[${i}]`));
  }
  let flapping = { changes: 6, windowMs: 30 * 60_000 };
  if (input.flapping !== undefined) {
    if (!isObj(input.flapping)) throw new AlertConfigError('must be an object', `${path}.flapping`);
    known(input.flapping, ['changes', 'window'], `${path}.flapping`);
    flapping = {
      changes: input.flapping.changes === undefined ? flapping.changes : Math.max(1, Math.floor(posNumber(input.flapping.changes, `${path}.flapping.changes`))),
      windowMs: input.flapping.window === undefined ? flapping.windowMs : parseDuration(input.flapping.window, `${path}.flapping.window`),
    };
  }
  const rule: AlertRule = {
    id, kind, severity, forMs, scope, thresholds, channels,
    enabled: boolOr(input.enabled, `${path}.enabled`, true),
    includeSystem: boolOr(input.includeSystem, `${path}.includeSystem`, false),
    flapping,
  };
  if (input.description !== undefined) {
    if (typeof input.description !== 'string') throw new AlertConfigError('must be text', `${path}.description`);
    rule.description = input.description;
  }
  return rule;
}

const CHANNEL_KEYS = ['id', 'format', 'url', 'retries', 'backoff', 'timeout', 'enabled'] as const;

export function parseChannel(input: unknown, path = 'channel'): AlertChannel {
  if (!isObj(input)) throw new AlertConfigError('must be an object', path);
  known(input, CHANNEL_KEYS, path);
  const id = checkId(input.id, `${path}.id`);
  const format = oneOf(input.format, CHANNEL_FORMATS, `${path}.format`, 'json');
  let url: URL;
  try {
    url = new URL(String(input.url ?? ''));
  } catch {
    throw new AlertConfigError(format === 'email' ? 'must be mailto:ADDRESS[,ADDRESS...]' : 'must be an http(s) URL', `${path}.url`);
  }
  if (format === 'email') {
    // recipients only: the SMTP server is the console's (ROCKETDECK_SMTP_URL)
    if (url.protocol !== 'mailto:') throw new AlertConfigError('must be mailto:ADDRESS[,ADDRESS...] for an email channel', `${path}.url`);
    const to = String(input.url).slice('mailto:'.length).split(',').map((a) => a.trim());
    for (const a of to) if (!/^[^\s@,<>?]+@[^\s@,<>?]+$/.test(a)) throw new AlertConfigError(`'${a}' is not an email address`, `${path}.url`);
  } else if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AlertConfigError('must be an http(s) URL', `${path}.url`);
  const retries = input.retries === undefined ? 3 : Math.floor(posNumber(input.retries, `${path}.retries`));
  if (retries > 10) throw new AlertConfigError('must be at most 10', `${path}.retries`);
  return {
    id, format, url: url.toString(), retries,
    backoffMs: input.backoff === undefined ? 1000 : parseDuration(input.backoff, `${path}.backoff`),
    timeoutMs: input.timeout === undefined ? 5000 : Math.max(100, parseDuration(input.timeout, `${path}.timeout`)),
    enabled: boolOr(input.enabled, `${path}.enabled`, true),
  };
}

/** A rule back in the shape a file or API body gives it (durations in ms). */
export function ruleToInput(r: AlertRule): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: r.id, kind: r.kind, severity: r.severity, for: r.forMs, scope: r.scope, thresholds: r.thresholds, channels: r.channels,
    enabled: r.enabled, includeSystem: r.includeSystem, flapping: { changes: r.flapping.changes, window: r.flapping.windowMs },
  };
  if (r.description !== undefined) out.description = r.description;
  return out;
}

/** A glob (`*` any run, `?` one character) as an anchored RegExp. */
export function globRe(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** A compiled scope: one test per part (an absent part passes). */
export interface ScopeTest {
  cluster: (v: string) => boolean;
  broker: (...names: string[]) => boolean;
  topic: (v: string) => boolean;
  group: (v: string) => boolean;
  namesrv: (v: string) => boolean;
}

/** The test of a part a scope leaves open (compared by identity to skip work). */
export const PASS = (): boolean => true;

export function compileScope(scope: RuleScope): ScopeTest {
  const one = (p: string | undefined): ((v: string) => boolean) => {
    if (p === undefined || p === '*') return PASS;
    const re = globRe(p);
    return (v: string) => re.test(v);
  };
  const broker = one(scope.broker);
  return {
    cluster: one(scope.cluster),
    broker: (...names: string[]) => names.some((n) => broker(n)),
    topic: one(scope.topic),
    group: one(scope.group),
    namesrv: one(scope.namesrv),
  };
}

/** Rules a console starts with when none were ever configured: the failures nobody should miss. */
export const DEFAULT_RULES: AlertRule[] = [
  parseRule({ id: 'broker-down', kind: 'broker_down', severity: 'critical', for: '0s', description: 'A broker does not answer or left the nameservers' }),
  parseRule({ id: 'namesrv-down', kind: 'namesrv_down', severity: 'critical', for: '0s', description: 'A nameserver does not answer' }),
  parseRule({ id: 'disk-full', kind: 'disk_full', severity: 'warning', for: '1m', thresholds: { percent: 85 } }),
];

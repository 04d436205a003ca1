// Options shared by producers and consumers (RocketMQ's ClientConfig), their defaults, validation and the client id.

import { ipFromBytes, localIpForUniqId } from '../protocol/message.ts';
import { parseNamesrvAddr, validateNamesrvAddr } from '../common/namesrv-addr.ts';
import { createLogger, type Logger } from '../common/log.ts';
import { CredentialsError, resolveCredentials, type SessionCredentials } from '../auth/signature.ts';
import { ClientConfigError } from './errors.ts';

export interface ClientOptions {
  /** Nameserver addresses: "host:port;host:port" or a list. Default: the NAMESRV_ADDR environment variable. */
  namesrvAddr?: string | string[];
  /** Part of the client id; two clients with the same id in one process share a connection set and heartbeat. */
  instanceName?: string;
  /** The ip announced in the client id; default: the first public IPv4, else a private one (as Java picks it). */
  clientIP?: string;
  /** Appended to the client id when set (unit mode deployments). */
  unitName?: string;
  /** How often topic routes are refreshed from a nameserver, ms (pollNameServerInterval). */
  pollNameServerInterval?: number;
  /** How often every broker gets a HEART_BEAT, ms (heartbeatBrokerInterval). */
  heartbeatBrokerInterval?: number;
  /** How often consumers commit offsets, ms (persistConsumerOffsetInterval). */
  persistConsumerOffsetInterval?: number;
  /** Timeout of the client's own requests (routes, offsets, heartbeats), ms (mqClientApiTimeout). */
  mqClientApiTimeout?: number;
  /** Timeout of connecting to a broker or nameserver, ms. */
  connectTimeoutMillis?: number;
  /** Where log lines go; default a logger for role "client". */
  logger?: Logger;
  /**
   * ACL credentials: every request is signed with them (AccessKey + HmacSHA1 Signature, as Apache's
   * AclClientRPCHook). Default: ROCKETMQ_ACCESS_KEY / ROCKETMQ_SECRET_KEY (and ROCKETMQ_SECURITY_TOKEN).
   */
  accessKey?: string;
  secretKey?: string;
  securityToken?: string;
}

export interface ClientConfig {
  namesrvAddr: string[];
  instanceName: string;
  clientIP: string;
  unitName?: string;
  pollNameServerInterval: number;
  heartbeatBrokerInterval: number;
  persistConsumerOffsetInterval: number;
  mqClientApiTimeout: number;
  connectTimeoutMillis: number;
  logger: Logger;
  credentials?: SessionCredentials;
}

export const CLIENT_OPTION_KEYS = [
  'namesrvAddr', 'instanceName', 'clientIP', 'unitName', 'pollNameServerInterval', 'heartbeatBrokerInterval',
  'persistConsumerOffsetInterval', 'mqClientApiTimeout', 'connectTimeoutMillis', 'logger', 'accessKey', 'secretKey',
  'securityToken',
] as const;

/** The ClientOptions part of a producer's or consumer's options (defined keys only). */
export function pickClientOptions(opts: ClientOptions): ClientOptions {
  const out: Record<string, unknown> = {};
  for (const k of CLIENT_OPTION_KEYS) if ((opts as Record<string, unknown>)[k] !== undefined) out[k] = (opts as Record<string, unknown>)[k];
  return out as ClientOptions;
}

let defaultClientIP: string | undefined;
let instanceSeq = 0;

/** ip as Java's client picks it (public IPv4 first, then IPv6, then private IPv4, loopback last). */
export function defaultClientIp(): string {
  defaultClientIP ??= (() => {
    const b = localIpForUniqId();
    return b.length === 4 || b.length === 16 ? ipFromBytes(b, 0, b.length as 4 | 16) : '127.0.0.1';
  })();
  return defaultClientIP;
}

/**
 * Like ClientConfig.changeInstanceNameToPID: "pid#nanotime", unique per client object, so two producers in one
 * process get two client ids unless they are given the same instanceName.
 */
export function defaultInstanceName(): string {
  return `${process.pid}#${process.hrtime.bigint() + BigInt(++instanceSeq)}`;
}

/** Throws ClientConfigError naming the first key of `opts` that is not in `allowed`. */
export function checkOptionKeys(opts: object, allowed: readonly string[], what: string): void {
  const known = new Set(allowed);
  for (const key of Object.keys(opts)) {
    if (!known.has(key)) throw new ClientConfigError(key, `${what}: unknown option "${key}"`);
  }
}

/** A positive integer option (or undefined -> default). */
export function intOption(opts: Record<string, unknown>, key: string, def: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const v = opts[key];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ClientConfigError(key, `option "${key}" must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
}

export function boolOption(opts: Record<string, unknown>, key: string, def: boolean): boolean {
  const v = opts[key];
  if (v === undefined) return def;
  if (typeof v !== 'boolean') throw new ClientConfigError(key, `option "${key}" must be a boolean, got ${String(v)}`);
  return v;
}

export function stringOption(opts: Record<string, unknown>, key: string, def?: string): string | undefined {
  const v = opts[key];
  if (v === undefined) return def;
  if (typeof v !== 'string' || v.length === 0) throw new ClientConfigError(key, `option "${key}" must be a non-empty string`);
  return v;
}

export function enumOption<T extends string>(opts: Record<string, unknown>, key: string, values: readonly T[], def: T): T {
  const v = opts[key];
  if (v === undefined) return def;
  if (typeof v !== 'string' || !values.includes(v as T)) {
    throw new ClientConfigError(key, `option "${key}" must be one of ${values.join(', ')}, got ${String(v)}`);
  }
  return v as T;
}

/** Validated ClientConfig with RocketMQ's defaults (30 s routes and heartbeats, 5 s offset commits, 3 s timeouts). */
export function resolveClientConfig(opts: ClientOptions): ClientConfig {
  const o = opts as Record<string, unknown>;
  const raw = opts.namesrvAddr ?? process.env.NAMESRV_ADDR;
  const namesrvAddr = Array.isArray(raw) ? raw.map((s) => s.trim()).filter(Boolean) : parseNamesrvAddr(raw);
  if (namesrvAddr.length === 0) throw new ClientConfigError('namesrvAddr', 'option "namesrvAddr" is required (or set NAMESRV_ADDR)');
  try {
    validateNamesrvAddr(namesrvAddr);
  } catch (err) {
    throw new ClientConfigError('namesrvAddr', (err as Error).message);
  }
  return {
    namesrvAddr,
    instanceName: stringOption(o, 'instanceName') ?? defaultInstanceName(),
    clientIP: stringOption(o, 'clientIP') ?? defaultClientIp(),
    unitName: stringOption(o, 'unitName'),
    pollNameServerInterval: intOption(o, 'pollNameServerInterval', 30_000, 10),
    heartbeatBrokerInterval: intOption(o, 'heartbeatBrokerInterval', 30_000, 10),
    persistConsumerOffsetInterval: intOption(o, 'persistConsumerOffsetInterval', 5_000, 10),
    mqClientApiTimeout: intOption(o, 'mqClientApiTimeout', 3_000, 1),
    connectTimeoutMillis: intOption(o, 'connectTimeoutMillis', 3_000, 1),
    logger: opts.logger ?? createLogger('client'),
    credentials: clientCredentials(opts),
  };
}

function clientCredentials(opts: ClientOptions): SessionCredentials | undefined {
  try {
    return resolveCredentials(opts);
  } catch (err) {
    if (err instanceof CredentialsError) throw new ClientConfigError(err.key, err.message);
    throw err;
  }
}

/** ClientConfig.buildMQClientId: ip@instanceName[@unitName]. */
export function buildClientId(cfg: Pick<ClientConfig, 'clientIP' | 'instanceName' | 'unitName'>): string {
  return cfg.unitName ? `${cfg.clientIP}@${cfg.instanceName}@${cfg.unitName}` : `${cfg.clientIP}@${cfg.instanceName}`;
}

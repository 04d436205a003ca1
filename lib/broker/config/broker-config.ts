// The broker's typed configuration: RocketMQ broker.conf (Java properties) parsed over RocketMQ's defaults.
//
// Three kinds of keys are accepted: broker keys (typed fields below), store keys (lib/store's MessageStoreConfig,
// under `store`), and passive keys (broker-config-keys.ts: known to RocketMQ, no effect here, reported back by
// GET_BROKER_CONFIG). Anything else fails with the key named; a value of the wrong type names key and type.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseNamesrvAddr } from '../../common/namesrv-addr.ts';
import { parsePropertyLines, stringifyProperties, type PropertyLine } from '../../protocol/bodies/properties.ts';
import { defaultMessageStoreConfig, resolveMessageStoreConfig, type MessageStoreConfig } from '../../store/config.ts';
import { StoreConfigError } from '../../store/errors.ts';
import { PASSIVE_KEYS, type ConfigKind } from './broker-config-keys.ts';
import { RocketDeckError } from '../../common/errors.ts';

export interface BrokerConfig {
  brokerClusterName: string;
  brokerName: string;
  /** 0 = master; a SLAVE needs an id > 0. */
  brokerId: number;
  /** Address registered with the nameservers and written into message ids. */
  brokerIP1: string;
  /** HA address (the master's address slaves connect to). */
  brokerIP2: string;
  listenPort: number;
  haListenPort: number;
  /** Interface the remoting server binds (RocketMQ 5.x NettyServerConfig.bindAddress). */
  bindAddress: string;
  namesrvAddr: string[];
  rocketmqHome: string;
  /** PermName bits for the whole broker (6 = read + write). */
  brokerPermission: number;
  defaultTopicQueueNums: number;
  autoCreateTopicEnable: boolean;
  autoCreateSubscriptionGroup: boolean;
  clusterTopicEnable: boolean;
  brokerTopicEnable: boolean;
  traceTopicEnable: boolean;
  msgTraceTopicName: string;
  rejectTransactionMessage: boolean;
  longPollingEnable: boolean;
  shortPollingTimeMills: number;
  notifyConsumerIdsChangedEnable: boolean;
  /** A client connection silent for longer than this (ms) is dropped (5.x key; 4.9 hard-codes 120 s). */
  channelExpiredTimeout: number;
  flushConsumerOffsetInterval: number;
  flushDelayOffsetInterval: number;
  registerNameServerPeriod: number;
  registerBrokerTimeoutMills: number;
  forceRegister: boolean;
  slaveReadEnable: boolean;
  startAcceptSendRequestTimeStamp: number;
  regionId: string;
  traceOn: boolean;
  enablePropertyFilter: boolean;
  /**
   * Calculate each SQL92 subscription's match of a message once at dispatch and keep it as filter bits, so pulls
   * skip queue entries that cannot match without reading them (RocketMQ's bloom filter bit map; here exact bits,
   * in memory, no consume queue ext files).
   */
  enableCalcFilterBitMap: boolean;
  filterSupportRetry: boolean;
  /** Delay levels, e.g. "1s 5s 10s 30s 1m ... 2h" (level n = n-th entry). */
  messageDelayLevel: string;
  configBlackList: string;
  /** Serve the gRPC endpoint for 5.x clients inside this broker process (5.x local proxy mode). */
  enableGrpcEndpoint: boolean;
  /** Port of that endpoint (5.x proxy's grpcServerPort). */
  grpcListenPort: number;
  store: MessageStoreConfig;
  /** Passive keys that were set, as text. */
  passive: Map<string, string>;
}

type BrokerKey = Exclude<keyof BrokerConfig, 'store' | 'passive'>;

/** A broker.conf problem; the message names the key and says what to do. */
export class BrokerConfigError extends RocketDeckError {
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = 'BrokerConfigError';
  }
}

const BROKER_KEYS: Record<BrokerKey, ConfigKind> = {
  brokerClusterName: 'string', brokerName: 'string', brokerId: 'long', brokerIP1: 'string', brokerIP2: 'string',
  listenPort: 'int', haListenPort: 'int', bindAddress: 'string', namesrvAddr: 'string', rocketmqHome: 'string',
  brokerPermission: 'int', defaultTopicQueueNums: 'int', autoCreateTopicEnable: 'bool',
  autoCreateSubscriptionGroup: 'bool', clusterTopicEnable: 'bool', brokerTopicEnable: 'bool',
  traceTopicEnable: 'bool', msgTraceTopicName: 'string', rejectTransactionMessage: 'bool',
  longPollingEnable: 'bool', shortPollingTimeMills: 'long', notifyConsumerIdsChangedEnable: 'bool',
  channelExpiredTimeout: 'long', flushConsumerOffsetInterval: 'int', flushDelayOffsetInterval: 'long',
  registerNameServerPeriod: 'int', registerBrokerTimeoutMills: 'int', forceRegister: 'bool',
  slaveReadEnable: 'bool', startAcceptSendRequestTimeStamp: 'long', regionId: 'string', traceOn: 'bool',
  enablePropertyFilter: 'bool', enableCalcFilterBitMap: 'bool', filterSupportRetry: 'bool', messageDelayLevel: 'string', configBlackList: 'string',
  enableGrpcEndpoint: 'bool', grpcListenPort: 'int',
};

/** RemotingUtil.getLocalAddress: the first non-loopback IPv4 address, else loopback. */
export function localAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export function defaultBrokerConfig(env: Record<string, string | undefined> = process.env): BrokerConfig {
  const ip = localAddress();
  return {
    brokerClusterName: 'DefaultCluster',
    brokerName: os.hostname(),
    brokerId: 0,
    brokerIP1: ip,
    brokerIP2: ip,
    listenPort: 10911,
    haListenPort: 10912,
    bindAddress: '0.0.0.0',
    namesrvAddr: parseNamesrvAddr(env.NAMESRV_ADDR),
    rocketmqHome: env.ROCKETMQ_HOME ?? '',
    brokerPermission: 6,
    defaultTopicQueueNums: 8,
    autoCreateTopicEnable: true,
    autoCreateSubscriptionGroup: true,
    clusterTopicEnable: true,
    brokerTopicEnable: true,
    traceTopicEnable: false,
    msgTraceTopicName: 'RMQ_SYS_TRACE_TOPIC',
    rejectTransactionMessage: false,
    longPollingEnable: true,
    shortPollingTimeMills: 1000,
    notifyConsumerIdsChangedEnable: true,
    channelExpiredTimeout: 120_000,
    flushConsumerOffsetInterval: 5000,
    flushDelayOffsetInterval: 10_000,
    registerNameServerPeriod: 30_000,
    registerBrokerTimeoutMills: 6000,
    forceRegister: true,
    slaveReadEnable: false,
    startAcceptSendRequestTimeStamp: 0,
    regionId: 'DefaultRegion',
    traceOn: true,
    enablePropertyFilter: false,
    enableCalcFilterBitMap: false,
    filterSupportRetry: false,
    messageDelayLevel: '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h',
    configBlackList: 'configBlackList;brokerConfigPath',
    enableGrpcEndpoint: false,
    grpcListenPort: 8081,
    store: defaultMessageStoreConfig(),
    passive: new Map(),
  };
}

const storeKinds = (): Map<string, ConfigKind> => {
  const out = new Map<string, ConfigKind>();
  for (const [k, v] of Object.entries(defaultMessageStoreConfig())) {
    out.set(k, typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? (Number.isInteger(v) ? 'long' : 'double') : 'string');
  }
  return out;
};
const STORE_KINDS = storeKinds();
// Store ratios and the like may be written with a fraction.
for (const k of ['diskMaxUsedSpaceRatio', 'diskSpaceCleanForciblyRatio', 'diskSpaceWarningLevelRatio', 'accessMessageInMemoryMaxRatio']) {
  if (STORE_KINDS.has(k)) STORE_KINDS.set(k, 'double');
}

const isBrokerKey = (k: string): k is BrokerKey => Object.hasOwn(BROKER_KEYS, k);

/** Kind of any accepted key, or undefined for an unknown one. */
export function brokerConfigKeyKind(key: string): ConfigKind | undefined {
  if (isBrokerKey(key)) return BROKER_KEYS[key];
  return STORE_KINDS.get(key) ?? PASSIVE_KEYS.get(key)?.kind;
}

function allKeys(): string[] {
  return [...Object.keys(BROKER_KEYS), ...STORE_KINDS.keys(), ...PASSIVE_KEYS.keys()];
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

function suggest(key: string): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(key.length / 5)) + 1;
  for (const k of allKeys()) {
    if (k.toLowerCase() === lower) return k;
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

const KIND_TEXT: Record<ConfigKind, string> = {
  string: 'a string',
  int: 'an integer (int32)',
  long: 'an integer',
  bool: 'true or false',
  double: 'a number',
};

function parseValue(key: string, kind: ConfigKind, raw: string, where: string): string | number | boolean {
  const text = raw.trim();
  const bad = (): BrokerConfigError =>
    new BrokerConfigError(`${where}${key} must be ${KIND_TEXT[kind]}, got '${raw}'`, key);
  switch (kind) {
    case 'int':
    case 'long': {
      if (!/^[+-]?\d+$/.test(text)) throw bad();
      const n = Number(text);
      if (!Number.isSafeInteger(n) || (kind === 'int' && (n < -(2 ** 31) || n > 2 ** 31 - 1))) throw bad();
      return n;
    }
    case 'double': {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw bad();
      return Number(text);
    }
    case 'bool':
      // Java's Boolean.parseBoolean reads any typo as false; a typo is better reported.
      if (!/^(true|false)$/i.test(text)) throw bad();
      return text.toLowerCase() === 'true';
    default:
      return text;
  }
}

/** Parses "1s 5s 10s 30s 1m ... 2h" into milliseconds per level (level 1 = index 0). */
export function parseDelayLevels(text: string): number[] {
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const parts = text.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) throw new BrokerConfigError(`messageDelayLevel must list at least one delay such as "1s 5s 1m"`, 'messageDelayLevel');
  return parts.map((p) => {
    const m = /^(\d+)([smhd])$/.exec(p);
    if (!m) {
      throw new BrokerConfigError(`messageDelayLevel entry '${p}' is not a number followed by s, m, h or d (e.g. "1s 5s 10s 30s 1m 2h")`, 'messageDelayLevel');
    }
    return Number(m[1]) * unit[m[2]!]!;
  });
}

/**
 * Applies property entries onto `base` (a copy is returned). Each key must be known and each value of its type;
 * store keys are validated by the store's own rules. `source` ("broker.conf") prefixes messages with file:line.
 */
export function applyBrokerProperties(base: BrokerConfig, entries: readonly PropertyLine[], source?: string): BrokerConfig {
  const next: BrokerConfig = { ...base, store: { ...base.store }, passive: new Map(base.passive) };
  const storeOverrides: Record<string, unknown> = { ...base.store };
  let storeChanged = false;
  let commitLogSet = false;
  for (const { key, value, line } of entries) {
    const where = source ? `${source}:${line}: ` : '';
    if (isBrokerKey(key)) {
      const v = parseValue(key, BROKER_KEYS[key], value, where);
      if (key === 'namesrvAddr') next.namesrvAddr = parseNamesrvAddr(String(v));
      else (next as unknown as Record<string, unknown>)[key] = v;
      continue;
    }
    const storeKind = STORE_KINDS.get(key);
    if (storeKind) {
      storeOverrides[key] = parseValue(key, storeKind, value, where);
      storeChanged = true;
      if (key === 'storePathCommitLog') commitLogSet = true;
      continue;
    }
    const passive = PASSIVE_KEYS.get(key);
    if (passive) {
      next.passive.set(key, String(parseValue(key, passive.kind, value, where)));
      continue;
    }
    const hint = suggest(key);
    throw new BrokerConfigError(
      `${where}unknown broker config key '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}: fix its spelling or remove the line`,
      key,
    );
  }
  if (storeChanged) {
    // storePathCommitLog follows storePathRootDir unless it was given (here or before).
    const rootChanged = storeOverrides.storePathRootDir !== base.store.storePathRootDir;
    const commitLogFollowed = base.store.storePathCommitLog === path.join(base.store.storePathRootDir, 'commitlog');
    if (rootChanged && !commitLogSet && commitLogFollowed) delete storeOverrides.storePathCommitLog;
    try {
      next.store = resolveMessageStoreConfig(storeOverrides as Partial<MessageStoreConfig>);
    } catch (err) {
      if (err instanceof StoreConfigError) throw new BrokerConfigError(`${source ? `${source}: ` : ''}${err.message}`);
      throw err;
    }
  }
  return next;
}

/** Checks the combination of values (ports, ids, permission, delay levels); throws BrokerConfigError. */
export function validateBrokerConfig(cfg: BrokerConfig): BrokerConfig {
  const fail = (key: string, msg: string): never => {
    throw new BrokerConfigError(`${key} ${msg}`, key);
  };
  for (const key of ['listenPort', 'haListenPort', 'grpcListenPort'] as const) {
    if (cfg[key] < 0 || cfg[key] > 65535) fail(key, `must be 0..65535, got ${cfg[key]}`);
  }
  if (cfg.brokerPermission < 0 || cfg.brokerPermission > 7) fail('brokerPermission', `must be 0..7 (6 = read+write), got ${cfg.brokerPermission}`);
  if (cfg.defaultTopicQueueNums <= 0) fail('defaultTopicQueueNums', `must be positive, got ${cfg.defaultTopicQueueNums}`);
  if (cfg.brokerId < 0) fail('brokerId', `must be 0 (master) or positive (slave), got ${cfg.brokerId}`);
  if (cfg.store.brokerRole === 'SLAVE' && cfg.brokerId <= 0) fail('brokerId', `of a SLAVE must be > 0, got ${cfg.brokerId}`);
  if (cfg.store.brokerRole !== 'SLAVE' && cfg.brokerId !== 0) fail('brokerId', `of a ${cfg.store.brokerRole} must be 0, got ${cfg.brokerId}`);
  if (cfg.brokerName.trim() === '') fail('brokerName', 'must not be empty');
  if (cfg.brokerClusterName.trim() === '') fail('brokerClusterName', 'must not be empty');
  for (const key of ['registerNameServerPeriod', 'channelExpiredTimeout', 'flushConsumerOffsetInterval', 'flushDelayOffsetInterval'] as const) {
    if (cfg[key] <= 0) fail(key, `must be positive, got ${cfg[key]}`);
  }
  for (const a of cfg.namesrvAddr) {
    const i = a.lastIndexOf(':');
    const port = Number(a.slice(i + 1));
    if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      fail('namesrvAddr', `entry '${a}' is not host:port (e.g. 127.0.0.1:9876;127.0.0.2:9876)`);
    }
  }
  parseDelayLevels(cfg.messageDelayLevel);
  return cfg;
}

/** Reads "key=value" arguments (the CLI's --set) as property entries. */
export function parseSetArguments(sets: readonly string[]): PropertyLine[] {
  return sets.map((s, i) => {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new BrokerConfigError(`--set '${s}' is not key=value`);
    return { key: s.slice(0, eq).trim(), value: s.slice(eq + 1), line: i + 1 };
  });
}

export interface LoadBrokerConfigOptions {
  /** broker.conf path; absent = defaults only. */
  file?: string;
  /** "key=value" overrides applied after the file. */
  sets?: readonly string[];
  env?: Record<string, string | undefined>;
}

/** Defaults, then the file, then --set overrides; validated. */
export function loadBrokerConfig(opts: LoadBrokerConfigOptions = {}): BrokerConfig {
  let cfg = defaultBrokerConfig(opts.env);
  const given = new Set<string>();
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (err) {
      throw new BrokerConfigError(`cannot read broker config file ${opts.file}: ${(err as Error).message}`);
    }
    const lines = parsePropertyLines(text);
    for (const l of lines) given.add(l.key);
    cfg = applyBrokerProperties(cfg, lines, opts.file);
  }
  if (opts.sets?.length) {
    const lines = parseSetArguments(opts.sets);
    for (const l of lines) given.add(l.key);
    cfg = applyBrokerProperties(cfg, lines, '--set');
  }
  // As RocketMQ 4.9: the HA port sits right above listenPort unless set (0 = any free port, for tests).
  if (!given.has('haListenPort')) cfg = { ...cfg, haListenPort: cfg.listenPort === 0 ? 0 : cfg.listenPort + 1 };
  return validateBrokerConfig(cfg);
}

/** Keys holding credentials: never reported by GET_BROKER_CONFIG, never changed by UPDATE_BROKER_CONFIG. */
const SECRET_KEYS = new Set(['initAuthenticationUser', 'innerClientAuthenticationCredentials']);

/** Every reported key with its current value, as GET_BROKER_CONFIG's body lists them (`key=value` lines). */
export function brokerConfigEntries(cfg: BrokerConfig): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const key of Object.keys(BROKER_KEYS) as BrokerKey[]) {
    const v = key === 'namesrvAddr' ? cfg.namesrvAddr.join(';') : cfg[key];
    out.push([key, String(v)]);
  }
  for (const [key, v] of Object.entries(cfg.store)) out.push([key, String(v)]);
  for (const [key, p] of PASSIVE_KEYS) {
    if (STORE_KINDS.has(key) || isBrokerKey(key) || SECRET_KEYS.has(key)) continue;
    const v = cfg.passive.get(key) ?? (p.v5Only ? undefined : p.defaultText);
    if (v !== undefined) out.push([key, v]);
  }
  return out;
}

export const formatBrokerConfig = (cfg: BrokerConfig): string => stringifyProperties(brokerConfigEntries(cfg));

/** Keys UPDATE_BROKER_CONFIG refuses: the configured black list plus paths and identity a live broker cannot change. */
export function brokerConfigBlackList(cfg: BrokerConfig): Set<string> {
  const out = new Set([
    'configBlackList', 'brokerConfigPath', 'rocketmqHome', 'storePathRootDir', 'storePathCommitLog',
    'brokerClusterName', 'brokerName', 'brokerId', 'listenPort', 'bindAddress', 'brokerRole',
    // Access control is switched and seeded at start only (a refused admin could otherwise switch it off).
    'aclEnable', 'authenticationEnabled', 'authorizationEnabled', ...SECRET_KEYS,
  ]);
  for (const k of cfg.configBlackList.split(';')) if (k.trim()) out.add(k.trim());
  return out;
}

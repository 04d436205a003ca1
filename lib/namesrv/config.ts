// The nameserver's typed configuration: defaults as RocketMQ's, namesrv.conf parsing, GET/UPDATE_NAMESRV_CONFIG.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parsePropertyLines, stringifyProperties, type PropertyLine } from '../protocol/bodies/properties.ts';
import { RocketDeckError } from '../common/errors.ts';

export interface NamesrvConfig {
  /** Address to bind (RocketDeck's; RocketMQ 4.9 binds every interface). */
  bindAddress: string;
  listenPort: number;
  rocketmqHome: string;
  kvConfigPath: string;
  /** Where UPDATE_NAMESRV_CONFIG persists the whole configuration. */
  configStorePath: string;
  productEnvName: string;
  clusterTest: boolean;
  /** GET_ROUTEINFO_BY_TOPIC fills orderTopicConf from the ORDER_TOPIC_CONFIG namespace only when set (4.9 rule). */
  orderMessageEnable: boolean;
  /** Keys UPDATE_NAMESRV_CONFIG may not change, ';'-separated (configBlackList, configStorePath, kvConfigPath always). */
  configBlackList: string;
  /** A broker silent for longer than this (ms) is dropped; RocketMQ's fixed BROKER_CHANNEL_EXPIRED_TIME. */
  brokerChannelExpiredTime: number;
  /** How often (ms) the expiry scan runs: RocketMQ 5.x's 5 s (4.9 scanned every 10 s). */
  scanNotActiveBrokerInterval: number;
  // RocketMQ NettyServerConfig keys: accepted so existing namesrv.conf files load, reported by
  // GET_NAMESRV_CONFIG, and otherwise without effect on the Node.js transport.
  serverWorkerThreads: number;
  serverCallbackExecutorThreads: number;
  serverSelectorThreads: number;
  serverOnewaySemaphoreValue: number;
  serverAsyncSemaphoreValue: number;
  serverChannelMaxIdleTimeSeconds: number;
  serverSocketSndBufSize: number;
  serverSocketRcvBufSize: number;
  writeBufferHighWaterMark: number;
  writeBufferLowWaterMark: number;
  serverSocketBacklog: number;
  serverPooledByteBufAllocatorEnable: boolean;
  useEpollNativeSelector: boolean;
}

type Kind = 'string' | 'int' | 'bool';

/** Every accepted key with its type; anything else in a namesrv.conf is an error naming the key. */
const KEYS: Record<keyof NamesrvConfig, Kind> = {
  bindAddress: 'string',
  listenPort: 'int',
  rocketmqHome: 'string',
  kvConfigPath: 'string',
  configStorePath: 'string',
  productEnvName: 'string',
  clusterTest: 'bool',
  orderMessageEnable: 'bool',
  configBlackList: 'string',
  brokerChannelExpiredTime: 'int',
  scanNotActiveBrokerInterval: 'int',
  serverWorkerThreads: 'int',
  serverCallbackExecutorThreads: 'int',
  serverSelectorThreads: 'int',
  serverOnewaySemaphoreValue: 'int',
  serverAsyncSemaphoreValue: 'int',
  serverChannelMaxIdleTimeSeconds: 'int',
  serverSocketSndBufSize: 'int',
  serverSocketRcvBufSize: 'int',
  writeBufferHighWaterMark: 'int',
  writeBufferLowWaterMark: 'int',
  serverSocketBacklog: 'int',
  serverPooledByteBufAllocatorEnable: 'bool',
  useEpollNativeSelector: 'bool',
};

/** A namesrv.conf or UPDATE_NAMESRV_CONFIG problem; the message names the key (and file/line when known). */
export class NamesrvConfigError extends RocketDeckError {
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = 'NamesrvConfigError';
  }
}

/** RocketMQ's home-relative files: ~/namesrv/kvConfig.json and ~/namesrv/namesrv.properties. */
export const defaultDataDir = (): string => join(homedir(), 'namesrv');

export function defaultNamesrvConfig(dataDir = defaultDataDir()): NamesrvConfig {
  return {
    bindAddress: '127.0.0.1',
    listenPort: 9876,
    rocketmqHome: process.env.ROCKETMQ_HOME ?? '',
    kvConfigPath: join(dataDir, 'kvConfig.json'),
    configStorePath: join(dataDir, 'namesrv.properties'),
    productEnvName: 'center',
    clusterTest: false,
    orderMessageEnable: false,
    configBlackList: 'configBlackList;configStorePath;kvConfigPath',
    brokerChannelExpiredTime: 120_000,
    scanNotActiveBrokerInterval: 5_000,
    serverWorkerThreads: 8,
    serverCallbackExecutorThreads: 0,
    serverSelectorThreads: 3,
    serverOnewaySemaphoreValue: 256,
    serverAsyncSemaphoreValue: 64,
    serverChannelMaxIdleTimeSeconds: 120,
    serverSocketSndBufSize: 0,
    serverSocketRcvBufSize: 0,
    writeBufferHighWaterMark: 0,
    writeBufferLowWaterMark: 0,
    serverSocketBacklog: 1024,
    serverPooledByteBufAllocatorEnable: true,
    useEpollNativeSelector: false,
  };
}

const isKey = (k: string): k is keyof NamesrvConfig => Object.hasOwn(KEYS, k);

function parseValue(key: keyof NamesrvConfig, raw: string, where: string): string | number | boolean {
  const text = raw.trim();
  switch (KEYS[key]) {
    case 'int': {
      if (!/^-?\d+$/.test(text)) throw new NamesrvConfigError(`${where}${key} must be an integer, got '${raw}'`, key);
      const n = Number(text);
      if (!Number.isSafeInteger(n)) throw new NamesrvConfigError(`${where}${key} is out of range: ${raw}`, key);
      if (key === 'listenPort' && (n < 0 || n > 65535)) throw new NamesrvConfigError(`${where}listenPort must be 0..65535, got ${n}`, key);
      if ((key === 'brokerChannelExpiredTime' || key === 'scanNotActiveBrokerInterval') && n <= 0) {
        throw new NamesrvConfigError(`${where}${key} must be positive, got ${n}`, key);
      }
      return n;
    }
    case 'bool':
      // Java's Boolean.parseBoolean would read anything but "true" as false; a typo is better reported.
      if (!/^(true|false)$/i.test(text)) throw new NamesrvConfigError(`${where}${key} must be true or false, got '${raw}'`, key);
      return text.toLowerCase() === 'true';
    default:
      return text;
  }
}

/** Applies property entries onto `base`, checking every key and value. */
export function applyProperties(base: NamesrvConfig, entries: readonly PropertyLine[], source?: string): NamesrvConfig {
  const next: Record<string, unknown> = { ...base };
  for (const { key, value, line } of entries) {
    const where = source ? `${source}:${line}: ` : '';
    if (!isKey(key)) throw new NamesrvConfigError(`${where}unknown namesrv config key '${key}'`, key);
    next[key] = parseValue(key, value, where);
  }
  return next as unknown as NamesrvConfig;
}

/** Reads a namesrv.conf (Java properties) over the defaults. */
export function loadNamesrvConfigFile(path: string, base: NamesrvConfig): NamesrvConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new NamesrvConfigError(`cannot read namesrv config file ${path}: ${(err as Error).message}`);
  }
  return applyProperties(base, parsePropertyLines(text), path);
}

/** Keys UPDATE_NAMESRV_CONFIG refuses (RocketMQ adds rocketmqHome and the three path/list keys to the configured list). */
export function configBlackList(config: NamesrvConfig): Set<string> {
  const out = new Set(['configBlackList', 'configStorePath', 'kvConfigPath', 'rocketmqHome']);
  for (const k of config.configBlackList.split(';')) if (k.trim()) out.add(k.trim());
  return out;
}

/** GET_NAMESRV_CONFIG's body: every key as `key=value` lines. */
export function formatNamesrvConfig(config: NamesrvConfig): string {
  return stringifyProperties((Object.keys(KEYS) as Array<keyof NamesrvConfig>).map((k) => [k, config[k]] as const));
}

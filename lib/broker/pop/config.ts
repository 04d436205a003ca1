// POP and timer settings: RocketMQ 5.x broker.conf keys that lib/cluster accepts as passive keys, read here with
// 5.3.3's defaults (BrokerConfig / MessageStoreConfig).
import type { BrokerConfig } from '../config/broker-config.ts';

function num(cfg: BrokerConfig, key: string, def: number): number {
  const text = cfg.passive.get(key);
  if (text === undefined) return def;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : def;
}

function bool(cfg: BrokerConfig, key: string, def: boolean): boolean {
  const text = cfg.passive.get(key);
  return text === undefined ? def : text.trim().toLowerCase() === 'true';
}

export interface PopConfig {
  /** Queues of rmq_sys_REVIVE_LOG_<cluster> (checkpoints and acks are spread over them). */
  reviveQueueNum: number;
  /** Percent of pops that look at the group's retry topic first. */
  popFromRetryProbability: number;
  /** Retry topics named %RETRY%group+topic instead of %RETRY%group_topic. */
  enableRetryTopicV2: boolean;
  /** Held (long polling) pops per topic beyond which POLLING_FULL is answered. */
  popPollingSize: number;
  /** QUERY_ASSIGNMENT's mode for groups with none set. */
  defaultMessageRequestMode: 'PULL' | 'POP';
  defaultPopShareQueueNum: number;
}

export function popConfig(cfg: BrokerConfig): PopConfig {
  const mode = cfg.passive.get('defaultMessageRequestMode')?.trim().toUpperCase();
  return {
    reviveQueueNum: Math.max(1, num(cfg, 'reviveQueueNum', 8)),
    popFromRetryProbability: num(cfg, 'popFromRetryProbability', 20),
    enableRetryTopicV2: bool(cfg, 'enableRetryTopicV2', false),
    popPollingSize: num(cfg, 'popPollingSize', 1024),
    defaultMessageRequestMode: mode === 'POP' ? 'POP' : 'PULL',
    defaultPopShareQueueNum: num(cfg, 'defaultPopShareQueueNum', -1),
  };
}

export interface TimerConfig {
  /** Delivery granularity; a timer is due no earlier than its time and checked this often at most. */
  timerPrecisionMs: number;
  /** Longest delay accepted (default 3 days); longer ones are refused with MESSAGE_ILLEGAL. */
  timerMaxDelaySec: number;
  timerWheelEnable: boolean;
  timerStopDequeue: boolean;
}

export function timerConfig(cfg: BrokerConfig): TimerConfig {
  return {
    timerPrecisionMs: Math.max(10, num(cfg, 'timerPrecisionMs', 1000)),
    timerMaxDelaySec: num(cfg, 'timerMaxDelaySec', 3 * 24 * 3600),
    timerWheelEnable: bool(cfg, 'timerWheelEnable', true),
    timerStopDequeue: bool(cfg, 'timerStopDequeue', false),
  };
}

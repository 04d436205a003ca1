// Replication settings of a broker: RocketMQ's ha* broker.conf keys (accepted by ../config/broker-config.ts as passive keys, read
// here) with RocketMQ's defaults.

import type { BrokerConfig } from '../config/broker-config.ts';
import { DEFAULT_HA_CONFIG, type HAConfig } from '../../store/ha/types.ts';

export interface BrokerHAConfig extends HAConfig {
  /** A slave's fixed master HA address; when unset it follows the nameservers' answers (haServerAddr). */
  haMasterAddress: string | undefined;
}

function positive(cfg: BrokerConfig, key: keyof HAConfig): number {
  const text = cfg.passive.get(key);
  const v = text === undefined ? DEFAULT_HA_CONFIG[key] : Number(text);
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_HA_CONFIG[key];
}

export function haConfigOf(cfg: BrokerConfig): BrokerHAConfig {
  const master = cfg.passive.get('haMasterAddress')?.trim();
  return {
    haSendHeartbeatInterval: positive(cfg, 'haSendHeartbeatInterval'),
    haHousekeepingInterval: positive(cfg, 'haHousekeepingInterval'),
    haTransferBatchSize: positive(cfg, 'haTransferBatchSize'),
    haSlaveFallbehindMax: positive(cfg, 'haSlaveFallbehindMax'),
    // RocketMQ ignores an address shorter than 6 characters (BrokerController.initialize).
    haMasterAddress: master && master.length >= 6 ? master : undefined,
  };
}

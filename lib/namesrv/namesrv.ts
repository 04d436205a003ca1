// The nameserver process: remoting server + route registry + KV store + the broker expiry scan.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger, type Logger } from '../common/log.ts';
import { RemotingServer } from '../remoting/server.ts';
import type { RemotingConnection } from '../remoting/connection.ts';
import { applyProperties, formatNamesrvConfig, type NamesrvConfig } from './config.ts';
import { KVConfigManager } from './kv-config.ts';
import type { PropertyLine } from '../protocol/bodies/properties.ts';
import { registerNamesrvProcessors, RouteBodyCache, type NamesrvContext } from './processors/index.ts';
import { RouteInfoManager } from './route-info-manager.ts';
import type { BrokerRemoval } from './route-types.ts';

export interface NamesrvOptions {
  logger?: Logger;
  /** Clock for the registry (tests); defaults to Date.now. */
  now?: () => number;
}

export class NamesrvController {
  readonly routes: RouteInfoManager;
  readonly kv: KVConfigManager;
  readonly server: RemotingServer;
  private cfg: NamesrvConfig;
  private readonly log: Logger;
  private scanTimer?: NodeJS.Timeout;
  private stopping?: Promise<void>;

  constructor(config: NamesrvConfig, opts: NamesrvOptions = {}) {
    this.cfg = config;
    this.log = opts.logger ?? createLogger('namesrv');
    this.routes = new RouteInfoManager({
      brokerChannelExpiredTime: config.brokerChannelExpiredTime,
      logger: this.log.child('route'),
      now: opts.now,
    });
    this.kv = new KVConfigManager(config.kvConfigPath, this.log.child('kv'));
    this.server = new RemotingServer({ host: config.bindAddress, port: config.listenPort, logger: this.log.child('remoting') });
    const ctx: NamesrvContext = {
      routes: this.routes,
      kv: this.kv,
      log: this.log,
      routeBodies: new RouteBodyCache(),
      config: () => this.cfg,
      updateConfig: (entries) => this.updateConfig(entries),
    };
    registerNamesrvProcessors(this.server, ctx);
    // RocketMQ's BrokerHousekeepingService: a closed broker connection takes its brokers with it at once.
    this.server.on('disconnect', (conn: RemotingConnection) => this.routes.onConnectionClosed(conn));
  }

  get config(): NamesrvConfig {
    return this.cfg;
  }

  /** "host:port" the server listens on (after start). */
  get address(): string {
    return this.server.address;
  }

  /** Loads the KV store, listens, and starts the expiry scan. Resolves with the bound address. */
  async start(): Promise<string> {
    this.kv.load();
    await this.server.listen();
    this.scheduleScan();
    this.log.info('namesrv_started', {
      address: this.address,
      brokerChannelExpiredTime: this.cfg.brokerChannelExpiredTime,
      scanNotActiveBrokerInterval: this.cfg.scanNotActiveBrokerInterval,
      kvConfigPath: this.cfg.kvConfigPath,
    });
    return this.address;
  }

  /** Runs the expiry scan now (the timer runs it every scanNotActiveBrokerInterval). */
  scanNotActiveBroker(): BrokerRemoval[] {
    return this.routes.scanNotActiveBroker();
  }

  private scheduleScan(): void {
    clearInterval(this.scanTimer);
    this.scanTimer = setInterval(() => {
      try {
        this.routes.scanNotActiveBroker();
      } catch (err) {
        this.log.error('broker_scan_failed', { error: err });
      }
    }, this.cfg.scanNotActiveBrokerInterval);
    this.scanTimer.unref();
  }

  /** UPDATE_NAMESRV_CONFIG: validates, applies what can change live, and persists to configStorePath. */
  updateConfig(entries: readonly PropertyLine[]): void {
    const next = applyProperties(this.cfg, entries);
    const prev = this.cfg;
    this.cfg = next;
    this.routes.brokerChannelExpiredTime = next.brokerChannelExpiredTime;
    if (next.scanNotActiveBrokerInterval !== prev.scanNotActiveBrokerInterval && this.scanTimer) this.scheduleScan();
    this.log.info('config_updated', { keys: entries.map((e) => e.key) });
    const tmp = `${next.configStorePath}.tmp`;
    try {
      mkdirSync(dirname(next.configStorePath), { recursive: true });
      writeFileSync(tmp, formatNamesrvConfig(next));
      renameSync(tmp, next.configStorePath);
    } catch (err) {
      this.log.error('config_persist_failed', { path: next.configStorePath, error: err });
    }
  }

  /** Stops the scan and the server (running requests get a short grace period). */
  shutdown(graceMs = 1000): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.scanTimer);
      await this.server.close(graceMs);
      this.log.info('namesrv_stopped', {});
    })();
    return this.stopping;
  }
}

/** Creates and starts a nameserver. */
export async function startNamesrv(config: NamesrvConfig, opts: NamesrvOptions = {}): Promise<NamesrvController> {
  const ctl = new NamesrvController(config, opts);
  await ctl.start();
  return ctl;
}

// A broker's part in master/slave replication, by brokerRole (RocketMQ's BrokerController role handling):
//  - a master (ASYNC_MASTER, SYNC_MASTER) serves slaves on haListenPort; a SYNC_MASTER answers a send only once a
//    slave has the message (CommitLog.handleHA: FLUSH_SLAVE_TIMEOUT after syncFlushTimeout, SLAVE_NOT_AVAILABLE
//    when no slave is connected or the best one is more than haSlaveFallbehindMax behind);
//  - a SLAVE replicates the commit log from its master's HA address (haMasterAddress, else what the nameservers
//    answer on registration) and copies the master's metadata every 10 s.

import type { Logger } from '../../common/log.ts';
import type { BrokerConfig } from '../config/broker-config.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { createRequest } from '../../remoting/command.ts';
import type { BrokerRole } from '../../store/config.ts';
import { HAClient } from '../../store/ha/ha-client.ts';
import { HAService } from '../../store/ha/ha-service.ts';
import type { HAMasterStore, HASlaveStore } from '../../store/ha/types.ts';
import type { MessageExtBatch, MessageExtBrokerInner, PutMessageResult } from '../../store/types.ts';
import { haConfigOf, type BrokerHAConfig } from './config.ts';
import {
  decodeHAStatus,
  masterHAStatus,
  masterRuntimeEntries,
  slaveHAStatus,
  slaveRuntimeEntries,
  type HAStatus,
  type MasterView,
  type RuntimeEntries,
} from './runtime-info.ts';
import { SlaveSynchronize, type SlaveSyncDeps } from './slave-sync.ts';

/** A slave asks its master how far behind it is at most this often, and gives up on the answer after this long. */
const MASTER_VIEW_CACHE_MS = 1000;
const MASTER_VIEW_TIMEOUT_MS = 1000;
/**
 * Runtime info waits at most this long for the master's answer: a hung master (accepts, never answers) must not
 * make the slave's own answer slow; the lag is then reported unknown (-1), as when the master cannot be asked.
 */
const MASTER_VIEW_WAIT_MS = 300;
/** A master view this recent stands in for one that is late. */
const MASTER_VIEW_STALE_MS = 5000;

/** What a slave syncs from its master (SlaveSyncDeps, less the timeout taken from the config), plus the store. */
export interface BrokerReplicationDeps extends Omit<SlaveSyncDeps, 'timeoutMs'> {
  config: () => BrokerConfig;
  store: HAMasterStore & HASlaveStore;
}

/** What the nameservers answered to REGISTER_BROKER (a slave learns its master there). */
export interface RegisterAnswer {
  masterAddr?: string;
  haServerAddr?: string;
}

/** The client's "wait for the store" flag (WAIT property, default true). */
export function waitStoreMsgOK(msg: MessageExtBrokerInner): boolean {
  return msg.properties[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] !== 'false';
}

/** The same flag of a batch, from the properties its records share. */
export function batchWaitStoreMsgOK(batch: MessageExtBatch): boolean {
  return !(batch.propertiesString ?? '').split('\u0002').includes(`${MessageConst.PROPERTY_WAIT_STORE_MSG_OK}\u0001false`);
}

export class BrokerReplication {
  readonly role: BrokerRole;
  readonly ha: BrokerHAConfig;
  private service: HAService | undefined;
  private client: HAClient | undefined;
  private sync: SlaveSynchronize | undefined;
  private masterView: { at: number; view: Promise<{ masterCommitLogMaxOffset: number; lagMs: number } | undefined> } | undefined;
  /** The last ask of the master got no answer. */
  private masterSilent = false;
  /** The last answer the master gave, and when. */
  private lastMasterView: { at: number; view: { masterCommitLogMaxOffset: number; lagMs: number } } | undefined;

  constructor(private readonly deps: BrokerReplicationDeps) {
    const c = deps.config();
    this.role = c.store.brokerRole;
    this.ha = haConfigOf(c);
  }

  get isSlave(): boolean {
    return this.role === 'SLAVE';
  }

  async start(): Promise<void> {
    const c = this.deps.config();
    const log = this.deps.log;
    if (!this.isSlave) {
      // RocketMQ derives haListenPort from listenPort; a broker on any free port (listenPort 0) takes any free HA port.
      const port = c.listenPort === 0 ? 0 : c.haListenPort;
      this.service = new HAService(this.deps.store, { host: c.bindAddress, port, config: this.ha, logger: log });
      await this.service.start();
      return;
    }
    this.client = new HAClient(this.deps.store, { config: this.ha, mappedFileSizeCommitLog: c.store.mappedFileSizeCommitLog, logger: log });
    if (this.ha.haMasterAddress) this.client.updateMasterAddress(this.ha.haMasterAddress);
    this.client.start();
    this.sync = new SlaveSynchronize({ ...this.deps, timeoutMs: c.registerBrokerTimeoutMills, log });
    this.sync.start();
  }

  /** The HA address registered with the nameservers: brokerIP2 and the port slaves connect to. */
  haServerAddr(): string {
    const c = this.deps.config();
    return `${c.brokerIP2}:${this.service?.port || c.haListenPort}`;
  }

  /** New commit log data was written: push it to the slaves now. */
  wakeup(): void {
    this.service?.wakeup();
  }

  /**
   * SYNC_MASTER: holds a stored message's answer until a slave has it (CommitLog.handleHA). RocketMQ waits for the
   * flush and for the slave at the same time, each for syncFlushTimeout from the append, and combines the two
   * statuses, replication's winning: FLUSH_DISK_TIMEOUT when only the flush was late, FLUSH_SLAVE_TIMEOUT when
   * the slave was (whatever the flush did), SLAVE_NOT_AVAILABLE when no slave is connected or the best one is
   * more than haSlaveFallbehindMax behind. Here the master ships what it wrote to the page cache before its flush
   * ends, so a slave's acknowledgement that came during the flush is already counted when the flush answers; the
   * wait for the slave gets what is left of syncFlushTimeout since `putStartedAt`, so the two overlap as RocketMQ's.
   */
  async handleHA(r: PutMessageResult, waitStoreMsgOK: boolean, putStartedAt = Date.now()): Promise<PutMessageResult> {
    const a = r.appendResult;
    if (this.role !== 'SYNC_MASTER' || !waitStoreMsgOK || !a || !this.service) return r;
    if (r.status !== 'PUT_OK' && r.status !== 'FLUSH_DISK_TIMEOUT') return r;
    const end = a.wroteOffset + a.wroteBytes;
    if (!this.service.isSlaveOK(end)) return { ...r, status: 'SLAVE_NOT_AVAILABLE' };
    const left = Math.max(0, putStartedAt + this.deps.config().store.syncFlushTimeout - Date.now());
    const ok = await this.service.waitForSlaveAck(end, left);
    return ok ? r : { ...r, status: 'FLUSH_SLAVE_TIMEOUT' };
  }

  /** StoreAdapter's afterPut hook: handleHA with the message's (or batch's) WAIT flag. */
  afterPut(r: PutMessageResult, msg: MessageExtBrokerInner | MessageExtBatch, putStartedAt?: number): Promise<PutMessageResult> {
    if (this.role !== 'SYNC_MASTER') return Promise.resolve(r);
    return this.handleHA(r, 'properties' in msg ? waitStoreMsgOK(msg) : batchWaitStoreMsgOK(msg), putStartedAt);
  }

  /** A slave follows the nameservers' answer: the master's broker address, and its HA address unless fixed. */
  onRegistered(answer: RegisterAnswer): void {
    if (!this.isSlave) return;
    this.sync?.setMasterAddr(answer.masterAddr || undefined);
    if (!this.ha.haMasterAddress && answer.haServerAddr) this.client?.updateMasterAddress(answer.haServerAddr);
  }

  /** GET_BROKER_HA_STATUS body. */
  haStatus(): HAStatus {
    if (this.service) return masterHAStatus(this.service.runtimeInfo());
    return slaveHAStatus(this.client!.runtimeInfo());
  }

  /** GET_BROKER_RUNTIME_INFO keys (see runtime-info.ts). */
  async runtimeInfo(): Promise<RuntimeEntries> {
    if (this.service) return masterRuntimeEntries(this.role, this.haServerAddr(), this.service.runtimeInfo());
    // a master that gave no answer last time is not waited on again (it is down or hung): the answer goes at once
    const fresh = await waitAtMost(this.fetchMasterView(), this.masterSilent ? 0 : MASTER_VIEW_WAIT_MS);
    const seen = fresh ?? (this.lastMasterView && Date.now() - this.lastMasterView.at < MASTER_VIEW_STALE_MS ? this.lastMasterView.view : undefined);
    const me = this.client!.runtimeInfo();
    // The master's answer may be up to a second old: what the slave appended since counts.
    const view: MasterView | undefined = seen && {
      masterCommitLogMaxOffset: seen.masterCommitLogMaxOffset,
      lagBytes: Math.max(0, seen.masterCommitLogMaxOffset - me.maxOffset),
      lagMs: me.maxOffset >= seen.masterCommitLogMaxOffset ? 0 : seen.lagMs,
    };
    return slaveRuntimeEntries(me, this.sync!.status(), view);
  }

  /** The master's commit log end and this slave's lag in time as the master measures it, cached for a second. */
  private fetchMasterView(): Promise<{ masterCommitLogMaxOffset: number; lagMs: number } | undefined> {
    const now = Date.now();
    if (this.masterView && now - this.masterView.at < MASTER_VIEW_CACHE_MS) return this.masterView.view;
    const view = this.askMaster();
    this.masterView = { at: now, view };
    void view.then((v) => {
      this.masterSilent = v === undefined;
      if (v) this.lastMasterView = { at: Date.now(), view: v };
    });
    return view;
  }

  private async askMaster(): Promise<{ masterCommitLogMaxOffset: number; lagMs: number } | undefined> {
    const addr = this.sync?.masterAddr;
    const localAddr = this.client?.runtimeInfo().localAddr;
    if (!addr || !localAddr) return undefined;
    try {
      const res = await this.deps.client.invoke(addr, createRequest(RequestCode.GET_BROKER_HA_STATUS), MASTER_VIEW_TIMEOUT_MS);
      if (res.code !== ResponseCode.SUCCESS || !res.body) return undefined;
      const status = decodeHAStatus(res.body);
      const mine = status.haConnectionInfo.find((c) => c.addr === localAddr);
      return { masterCommitLogMaxOffset: status.masterCommitLogMaxOffset, lagMs: mine ? mine.lagMs : -1 };
    } catch {
      return undefined;
    }
  }

  async shutdown(): Promise<void> {
    await this.sync?.stop();
    await this.client?.shutdown();
    await this.service?.shutdown();
  }
}

/** `p`'s value, or undefined when it has not settled within `ms` (the timer never outlives it). */
function waitAtMost<T>(p: Promise<T | undefined>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    p.then((v) => {
      clearTimeout(timer);
      resolve(v);
    }, () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}

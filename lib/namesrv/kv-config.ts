// The nameserver's namespaced key/value store (KVConfigManager), persisted as JSON after every change.
//
// File layout (RocketMQ's KVConfigSerializeWrapper, written by fastjson):
//   {"configTable":{"<namespace>":{"<key>":"<value>",...},...}}
// A write goes to "<path>.tmp" first and is renamed over the file, so a crash leaves the old or the new file.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger, type Logger } from '../common/log.ts';
import { FJObject, parseFastJson, stringifyFastJson } from '../protocol/fastjson.ts';
import { JavaHashMap } from './java-hash.ts';
import { RocketDeckError } from '../common/errors.ts';

/** Namespace whose entries ("topic" -> "brokerName:queueNums;...") mark ordered topics (NamesrvUtil). */
export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

/** The kvConfig file exists but is not a KVConfigSerializeWrapper. */
export class KVConfigFileError extends RocketDeckError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`kv config file ${path}: ${message}`);
    this.name = 'KVConfigFileError';
  }
}

export class KVConfigManager {
  private readonly table = new JavaHashMap<string, JavaHashMap<string, string>>();
  private readonly log: Logger;
  private changes = 0;

  constructor(
    readonly kvConfigPath: string,
    logger?: Logger,
  ) {
    this.log = logger ?? createLogger('namesrv.kv');
  }

  /** Loads the file if it exists (a missing file is an empty store); throws KVConfigFileError when unreadable. */
  load(): void {
    if (!existsSync(this.kvConfigPath)) return;
    let text: string;
    try {
      text = readFileSync(this.kvConfigPath, 'utf8');
    } catch (err) {
      throw new KVConfigFileError(this.kvConfigPath, (err as Error).message);
    }
    if (text.trim() === '') return;
    let parsed;
    try {
      parsed = parseFastJson(text);
    } catch (err) {
      throw new KVConfigFileError(this.kvConfigPath, (err as Error).message);
    }
    const configTable = parsed instanceof FJObject ? parsed.get('configTable') : undefined;
    if (configTable === undefined || configTable === null) return;
    if (!(configTable instanceof FJObject)) throw new KVConfigFileError(this.kvConfigPath, 'configTable is not an object');
    let count = 0;
    for (const [ns, kv] of configTable) {
      if (!(kv instanceof FJObject)) throw new KVConfigFileError(this.kvConfigPath, `namespace ${String(ns)} is not an object`);
      const inner = new JavaHashMap<string, string>();
      for (const [k, v] of kv) {
        if (v === null) continue;
        inner.set(String(k), typeof v === 'string' ? v : stringifyFastJson(v));
        count++;
      }
      this.table.set(String(ns), inner);
    }
    this.log.info('kv_config_loaded', { path: this.kvConfigPath, namespaces: this.table.size, entries: count });
  }

  /** Changes with every put or delete, so answers derived from the store can be cached. */
  get version(): number {
    return this.changes;
  }

  putKVConfig(namespace: string, key: string, value: string): void {
    this.changes++;
    let kv = this.table.get(namespace);
    if (!kv) this.table.set(namespace, (kv = new JavaHashMap<string, string>()));
    const prev = kv.set(key, value);
    this.log.info('kv_config_put', { namespace, key, value, created: prev === undefined });
    this.persist();
  }

  getKVConfig(namespace: string, key: string): string | undefined {
    return this.table.get(namespace)?.get(key);
  }

  deleteKVConfig(namespace: string, key: string): void {
    this.changes++;
    const kv = this.table.get(namespace);
    if (kv) {
      const value = kv.delete(key);
      this.log.info('kv_config_deleted', { namespace, key, value: value ?? null });
    }
    this.persist();
  }

  /** The namespace's entries in Java order, or undefined when the namespace was never written. */
  getKVListByNamespace(namespace: string): Map<string, string> | undefined {
    return this.table.get(namespace)?.toMap();
  }

  /** Legacy GET_KV_CONFIG_BY_VALUE: the keys holding `value`, ';'-joined ('' if none; undefined if no namespace). */
  getKVConfigByValue(namespace: string, value: string): string | undefined {
    const kv = this.table.get(namespace);
    if (!kv) return undefined;
    return kv
      .entries()
      .filter(([, v]) => v === value)
      .map(([k]) => k)
      .join(';');
  }

  /** Legacy DELETE_KV_CONFIG_BY_VALUE: removes every key of the namespace holding `value`. */
  deleteKVConfigByValue(namespace: string, value: string): number {
    this.changes++;
    const kv = this.table.get(namespace);
    let removed = 0;
    if (kv) {
      for (const [k, v] of kv.entries()) if (v === value && kv.delete(k) !== undefined) removed++;
      this.log.info('kv_config_deleted_by_value', { namespace, value, removed });
    }
    this.persist();
    return removed;
  }

  /** The whole table as the file holds it. */
  toJson(): string {
    const configTable = new Map<string, Map<string, string>>();
    for (const [ns, kv] of this.table) configTable.set(ns, kv.toMap());
    return stringifyFastJson({ configTable });
  }

  private persist(): void {
    const tmp = `${this.kvConfigPath}.tmp`;
    try {
      mkdirSync(dirname(this.kvConfigPath), { recursive: true });
      writeFileSync(tmp, this.toJson());
      renameSync(tmp, this.kvConfigPath);
    } catch (err) {
      // Like RocketMQ, the change stays in memory; the next successful write carries it to disk.
      this.log.error('kv_config_persist_failed', { path: this.kvConfigPath, error: err });
    }
  }
}

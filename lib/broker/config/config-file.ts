// JSON tables the broker keeps under <storePathRootDir>/config (topics.json, subscriptionGroup.json,
// consumerOffset.json, delayOffset.json), written as RocketMQ's ConfigManager does: new text to `<file>.tmp`,
// the previous file kept as `<file>.bak`, then the rename; reading falls back to the .bak copy.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, copyFileSync } from 'node:fs';
import { writeFile, rename, copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../common/log.ts';
import { RocketDeckError } from '../../common/errors.ts';

export const configDir = (storePathRootDir: string): string => path.join(storePathRootDir, 'config');

export const configPaths = (storePathRootDir: string) => ({
  topics: path.join(configDir(storePathRootDir), 'topics.json'),
  subscriptionGroup: path.join(configDir(storePathRootDir), 'subscriptionGroup.json'),
  consumerOffset: path.join(configDir(storePathRootDir), 'consumerOffset.json'),
  delayOffset: path.join(configDir(storePathRootDir), 'delayOffset.json'),
});

/** A table file that exists but cannot be read back, even from its .bak copy. */
export class ConfigFileError extends RocketDeckError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigFileError';
  }
}

/**
 * Reads `file` (or its .bak when the main copy is missing or does not parse) and hands the text to `decode`.
 * Returns false when neither exists (a fresh broker).
 */
export function loadConfigFile(file: string, decode: (text: string) => void, log: Logger): boolean {
  const candidates = [file, `${file}.bak`].filter((f) => existsSync(f));
  let lastError: unknown;
  for (const f of candidates) {
    try {
      const text = readFileSync(f, 'utf8');
      if (text.trim() === '') continue;
      decode(text);
      if (f !== file) log.warn('config_loaded_from_backup', { file, backup: f, error: lastError });
      return true;
    } catch (err) {
      lastError = err;
      log.error('config_load_failed', { file: f, error: err });
    }
  }
  if (lastError) throw new ConfigFileError(`cannot load ${file} (nor its .bak): ${(lastError as Error).message}`, { cause: lastError });
  return false;
}

let tmpSeq = 0;
/** A tmp file of its own per write: two writes of one file in flight (an async one and shutdown's sync one) must not
 * interleave their bytes in one tmp file, which left a table with trailing characters. */
const tmpName = (file: string): string => `${file}.${process.pid}.${++tmpSeq}.tmp`;

/** Synchronous atomic write: tmp file, old file to .bak, rename. */
export function writeConfigFileSync(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tmpName(file);
  writeFileSync(tmp, text);
  if (existsSync(file)) copyFileSync(file, `${file}.bak`);
  renameSync(tmp, file);
}

/** Asynchronous atomic write; concurrent calls for one file are serialised by the caller (see ConfigWriter). */
export async function writeConfigFile(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = tmpName(file);
  await writeFile(tmp, text);
  if (existsSync(file)) await copyFile(file, `${file}.bak`);
  await rename(tmp, file);
}

/**
 * Coalesces persist requests of one table: at most one write runs, and one more follows it with the latest text
 * when changes arrived meanwhile. `flush()` waits until what was asked so far is on disk.
 *
 * With `spacing` n > 0, a write that follows another waits n times as long as encoding the text took: encoding a
 * big table blocks the event loop (topics.json of 10,000 topics: ~45 ms), and a steady stream of changes would
 * otherwise keep it encoding back to back. n = 10 keeps encoding under a tenth of the loop's time.
 */
export class ConfigWriter {
  private running: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly encode: () => string,
    private readonly log: Logger,
    private readonly spacing = 0,
  ) {}

  /** Schedules a write of the current table. */
  persist(): Promise<void> {
    this.dirty = true;
    this.running ??= this.loop();
    return this.running;
  }

  /** Writes now, synchronously (shutdown). */
  persistSync(): void {
    try {
      writeConfigFileSync(this.file, this.encode());
      this.dirty = false;
    } catch (err) {
      this.log.error('config_persist_failed', { file: this.file, error: err });
    }
  }

  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        const started = performance.now();
        let encodeMs = 0;
        try {
          const text = this.encode();
          encodeMs = performance.now() - started;
          await writeConfigFile(this.file, text);
        } catch (err) {
          this.log.error('config_persist_failed', { file: this.file, error: err });
        }
        if (this.dirty && this.spacing > 0 && encodeMs > 0) await new Promise((r) => setTimeout(r, encodeMs * this.spacing));
      }
    } finally {
      this.running = undefined;
    }
  }
}

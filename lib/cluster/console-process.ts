// Runs the Next.js console as a child process: builds it when no production build exists, then `next start`.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLogger } from '../common/log.ts';

const log = createLogger('console');

/** Project root (where package.json and next.config.ts live). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ConsoleOptions {
  port: number;
  host: string;
  namesrvAddr: string;
  dev?: boolean;
  /** Receives the child's output lines (progress while building and starting). */
  onLine?: (line: string) => void;
  env?: Record<string, string>;
}

export interface ConsoleProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<number>;
  stop(): Promise<void>;
}

function nextBin(): string {
  const require = createRequire(join(PROJECT_ROOT, 'package.json'));
  return join(dirname(require.resolve('next/package.json')), 'dist', 'bin', 'next');
}

/** Loaded into the Next.js process: it stops itself when this process dies, however it died. */
const EXIT_WITH_PARENT = pathToFileURL(join(PROJECT_ROOT, 'lib', 'cluster', 'exit-with-parent.mjs')).href;

function run(args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, ['--import', EXIT_WITH_PARENT, nextBin(), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...env, ROCKETDECK_SUPERVISOR_PID: String(process.pid) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) onLine?.(line);
  };
  child.stdout!.on('data', forward);
  child.stderr!.on('data', forward);
  return child;
}

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

export function hasProductionBuild(): boolean {
  return existsSync(join(PROJECT_ROOT, '.next', 'BUILD_ID'));
}

/** What the console build is made from (all of lib/: the console's imports reach into most rooms). */
const CONSOLE_SOURCES = ['app', 'components', 'lib', 'instrumentation.ts', 'next.config.ts', 'postcss.config.mjs', 'tsconfig.json', 'package.json', 'package-lock.json'];

function newestSource(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : st.mtimeMs;
  if (path.endsWith('/it') || path.endsWith('/fixtures')) return 0;
  // A directory's own mtime moves when a file in it is added, removed or renamed.
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newestSource(join(path, f))));
}

/** A production build exists and is newer than every source it is made from. */
export function consoleBuildIsFresh(): boolean {
  const id = statSync(join(PROJECT_ROOT, '.next', 'BUILD_ID'), { throwIfNoEntry: false });
  if (!id) return false;
  return id.mtimeMs >= Math.max(...CONSOLE_SOURCES.map((p) => newestSource(join(PROJECT_ROOT, p))));
}

export async function buildConsole(onLine?: (line: string) => void): Promise<void> {
  log.info('build_start', { dir: PROJECT_ROOT });
  const tail: string[] = [];
  const code = await exitOf(run(['build'], { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, (line) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    onLine?.(line);
  }));
  if (code !== 0) throw new Error(`next build failed with exit code ${code}; its last lines:\n${tail.join('\n')}`);
  log.info('build_done', {});
}

/** Starts the console and resolves once it answers HTTP. */
export async function startConsole(opts: ConsoleOptions): Promise<ConsoleProcess> {
  if (!opts.dev && !hasProductionBuild()) await buildConsole(opts.onLine);
  const env = {
    ...process.env,
    ...opts.env,
    NAMESRV_ADDR: opts.namesrvAddr,
    NEXT_TELEMETRY_DISABLED: '1',
  };
  const args = [opts.dev ? 'dev' : 'start', '-p', String(opts.port), '-H', opts.host];
  const child = run(args, env, opts.onLine);
  const exited = exitOf(child);
  const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`;
  const deadline = Date.now() + 60_000;
  let ready = false;
  while (!ready && Date.now() < deadline) {
    const early = await Promise.race([exited.then((c) => c), new Promise<null>((r) => setTimeout(() => r(null), 200))]);
    if (early !== null) throw new Error(`console server exited with code ${early} before it was ready`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      ready = res.status < 500;
    } catch {
      // not listening yet
    }
  }
  if (!ready) {
    child.kill('SIGTERM');
    throw new Error(`console did not answer on ${url} within 60 s`);
  }
  log.info('console_ready', { url, namesrvAddr: opts.namesrvAddr });
  return {
    url,
    child,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// A `rocketdeck broker` started from a given checkout (a directory holding lib/cli/bin.mjs), for the A/B cost
// benchmarks (send-cost, pull-cost, slave-cost): its broker.conf written from `props`, run from the TypeScript sources
// (not a bundle that may be stale), optionally under `--cpu-prof`; resolves once it prints its ready line.

import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../lib/cluster/node-flags.ts';

/** This checkout: the B side unless --b says otherwise. */
export const THIS_CHECKOUT = fileURLToPath(new URL('..', import.meta.url));

/** The parseArgs options every A/B cost bench takes: the two checkouts, rounds, message size, CPU profiles. */
export const AB_OPTIONS = {
  a: { type: 'string' },
  b: { type: 'string', default: THIS_CHECKOUT },
  rounds: { type: 'string', default: '4' },
  size: { type: 'string', default: '1024' },
  'cpu-prof': { type: 'string' },
} as const;

export interface CheckoutBroker {
  pid: number;
  address: string;
  /** Stops the broker (and removes its directory when started with `removeDir`). */
  stop(): Promise<void>;
}

/** utime + stime of a process so far, in clock ticks (1/100 s). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

export async function startCheckoutBroker(
  root: string,
  dir: string,
  props: Record<string, string | number>,
  opts: { cpuProfDir?: string; removeDir?: boolean } = {},
): Promise<CheckoutBroker> {
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'broker.conf');
  writeFileSync(conf, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const prof = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...prof, join(root, 'lib/cli/bin.mjs'), 'broker', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ROCKETDECK_BUNDLE: '0' } });
  child.stderr!.pipe(createWriteStream(join(dir, 'stderr.log')));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const address = await new Promise<string>((res, rej) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /ready at (\S+)\n/.exec(out);
      if (m) res(m[1]!);
    });
    void exited.then(() => rej(new Error(`broker from ${root} exited before ready: ${out}`)));
  });
  return {
    pid: child.pid!,
    address,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      if (opts.removeDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

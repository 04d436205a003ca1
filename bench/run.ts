// Benchmark runner: `npm run bench -- <name> [--json] [bench options]` runs bench/<name>.ts and prints its figures.

import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchMetric {
  metric: string;
  value: number;
  unit: string;
}

export interface BenchReport {
  bench: string;
  /** The parameters the figures were taken with (topics, brokers, duration, ...). */
  params: Record<string, string | number | boolean>;
  metrics: BenchMetric[];
}

/** What bench/<name>.ts exports: `run(args)` with the arguments after the bench name (minus --json). */
export type BenchRun = (args: string[]) => Promise<BenchReport>;

/** The p-th percentile (0-100) of ascending `sorted` values, 0 when empty (nearest rank, as every bench reports it). */
export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const BENCH_DIR = fileURLToPath(new URL('./', import.meta.url));

function available(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

const format = (v: number): string =>
  Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: v < 10 ? 3 : 1 });

export function formatReport(r: BenchReport): string {
  const lines = [`${r.bench}: ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')}`];
  const rows = r.metrics.map((m) => [m.metric, format(m.value), m.unit]);
  const w0 = Math.max(6, ...rows.map((x) => x[0].length));
  const w1 = Math.max(5, ...rows.map((x) => x[1].length));
  lines.push(`${'metric'.padEnd(w0)}  ${'value'.padStart(w1)}  unit`);
  lines.push(`${'-'.repeat(w0)}  ${'-'.repeat(w1)}  ----`);
  for (const [m, v, u] of rows) lines.push(`${m.padEnd(w0)}  ${v.padStart(w1)}  ${u}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const rest = argv.filter((a) => a !== '--json');
  const name = rest[0];
  if (!name || name.startsWith('-')) {
    process.stderr.write(`usage: npm run bench -- <name> [--json] [options]\nbenches: ${available().join(', ')}\n`);
    return 2;
  }
  const file = new URL(`./${name}.ts`, import.meta.url);
  if (!/^[\w-]+$/.test(name) || !existsSync(file)) {
    process.stderr.write(`unknown bench '${name}'; benches: ${available().join(', ')}\n`);
    return 2;
  }
  const mod = (await import(file.href)) as { run?: BenchRun };
  if (typeof mod.run !== 'function') {
    process.stderr.write(`bench/${name}.ts does not export run(args)\n`);
    return 2;
  }
  const report = await mod.run(rest.slice(1));
  process.stdout.write((json ? JSON.stringify(report, null, 2) : formatReport(report)) + '\n');
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}

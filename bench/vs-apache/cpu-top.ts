// Top functions by self time in V8 .cpuprofile files (node --cpu-prof):
// `npx tsx bench/vs-apache/cpu-top.ts FILE... [--top 10] [--from FUNCTION]`.
// Prints each function's share of the samples that were not idle, with its file and line.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const args = process.argv.slice(2);
const ti = args.indexOf('--top');
const top = ti >= 0 ? Number(args.splice(ti, 2)[1]) : 10;
// --from NAME: count samples from the first one taken in function NAME (leaves start-up and module loading out)
const fi = args.indexOf('--from');
const from = fi >= 0 ? args.splice(fi, 2)[1] : undefined;
for (const file of args) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let busy = 0;
  let started = from === undefined;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]!)!;
    const name = n.callFrame.functionName || '(anonymous)';
    if (!started && name !== from) continue;
    started = true;
    if (name === '(idle)') continue;
    const dt = p.timeDeltas[i] ?? 0;
    const key = `${name} ${n.callFrame.url ? `${basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
    busy += dt;
  }
  console.log(`${file}: ${(busy / 1e6).toFixed(2)} s busy`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${((v / busy) * 100).toFixed(1).padStart(5)} %  ${k}`);
}

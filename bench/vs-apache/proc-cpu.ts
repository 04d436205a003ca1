// CPU use of running processes, per second, by command line: `npx tsx bench/vs-apache/proc-cpu.ts [--every 1]
// [--under PID] NAME=PATTERN ...` prints, every interval, each named process's utime + stime over the interval (% of
// one core) and the machine's busy share of all cores, until stopped. E.g. the benchmark Consumer JVM and our master
// during a vs-apache drain: `--under <vs-apache pid> consumer=benchmark.Consumer master=rd-broker-`. A pattern is
// substrings of /proc/PID/cmdline (arguments joined by spaces), `&` between them (`BrokerStartup&/broker.conf`: Apache's
// master, not its slave); of the processes holding all (and, with --under, only processes descended from that
// PID) the one with the lowest pid is followed (usually the first started: vs-apache starts our master before its
// slave). Apache's brokers are started detached (not under vs-apache): watch them from a second run without --under.

import { readFileSync, readdirSync } from 'node:fs';

const args = process.argv.slice(2);
const ei = args.indexOf('--every');
const every = ei >= 0 ? Number(args.splice(ei, 2)[1]) : 1;
// --under PID: only processes descended from PID (e.g. one vs-apache run while other runs share the machine)
const ui = args.indexOf('--under');
const under = ui >= 0 ? Number(args.splice(ui, 2)[1]) : undefined;
const named = args.map((a) => {
  const i = a.indexOf('=');
  if (i <= 0) throw new Error(`expected NAME=PATTERN, got '${a}'`);
  return { name: a.slice(0, i), pattern: a.slice(i + 1) };
});
const HZ = 100;

function ticksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return undefined;
  }
}

function descends(pid: number, ancestor: number): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
    if (p === ancestor) return true;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return false;
    }
  }
  return false;
}

function findPid(pattern: string): number | undefined {
  let found: number | undefined;
  for (const d of readdirSync('/proc')) {
    const pid = Number(d);
    if (!/^\d+$/.test(d) || pid === process.pid || (found !== undefined && pid > found)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
      // not this tool (or its npx/tsx parents)
      if (pattern.split('&').every((x) => cmd.includes(x)) && !cmd.includes('proc-cpu') && (under === undefined || descends(pid, under))) found = pid;
    } catch { /* gone */ }
  }
  return found;
}

/** [busy, total] jiffies of all cores (/proc/stat's first line). */
function machine(): [number, number] {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return [total - f[3]! - (f[4] ?? 0), total];
}

const pids = new Map<string, number>();
const last = new Map<string, number>();
let lastMachine = machine();
setInterval(() => {
  const cols: string[] = [new Date().toISOString().slice(11, 19)];
  for (const { name, pattern } of named) {
    let pid = pids.get(name);
    let t = pid === undefined ? undefined : ticksOf(pid);
    if (t === undefined) {
      pid = findPid(pattern);
      if (pid !== undefined) pids.set(name, pid);
      else pids.delete(name);
      last.delete(name);
      t = pid === undefined ? undefined : ticksOf(pid);
    }
    const before = last.get(name);
    if (t !== undefined) last.set(name, t);
    cols.push(`${name}${pid === undefined ? '' : `(${pid})`} ${t === undefined || before === undefined ? '-' : (((t - before) / HZ / every) * 100).toFixed(0)}%`);
  }
  const m = machine();
  cols.push(`machine ${(((m[0] - lastMachine[0]) / Math.max(1, m[1] - lastMachine[1])) * 100).toFixed(0)}%`);
  lastMachine = m;
  process.stdout.write(cols.join('  ') + '\n');
}, every * 1000);

// Number, size, time and permission formatting shared by the console's tables and charts.

const nf = new Intl.NumberFormat('en-US');
const nf1 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const nf2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function fmtNum(n: number | undefined | null): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return '—';
  return nf.format(n);
}

/** TPS and other rates: two decimals below 10, one below 1000, then whole numbers. */
export function fmtRate(n: number | undefined | null): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return '—';
  if (Math.abs(n) < 10) return nf2.format(n);
  if (Math.abs(n) < 1000) return nf1.format(n);
  return nf.format(Math.round(n));
}

/** Short form for axes and stat tiles: 1.2k, 3.4M. */
export function fmtCompact(n: number | undefined | null): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a >= 1e9) return `${nf1.format(n / 1e9)}G`;
  if (a >= 1e6) return `${nf1.format(n / 1e6)}M`;
  if (a >= 1e4) return `${nf1.format(n / 1e3)}k`;
  return nf1.format(n);
}

export function fmtBytes(n: number | undefined | null): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${n < 0 ? '-' : ''}${i === 0 ? v : nf1.format(v)} ${units[i]}`;
}

/** 0.734 -> "73.4 %" */
export function fmtRatio(r: number | undefined | null): string {
  if (r === undefined || r === null || !Number.isFinite(r)) return '—';
  return `${nf1.format(r * 100)} %`;
}

/** Seconds as "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h". */
export function fmtDuration(sec: number | undefined | null): string {
  if (sec === undefined || sec === null || !Number.isFinite(sec)) return '—';
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
  return `${Math.floor(s / 86400)} d${Math.floor((s % 86400) / 3600) ? ` ${Math.floor((s % 86400) / 3600)} h` : ''}`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local time as "2026-01-31 14:05:09" (0 or absent: "—"). */
export function fmtTime(ms: number | undefined | null, withMs = false): string {
  if (!ms || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMs ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

export function fmtClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "12 s ago", "3 min ago". */
export function fmtAgo(ms: number | undefined | null, now = Date.now()): string {
  if (!ms || !Number.isFinite(ms)) return 'never';
  const d = (now - ms) / 1000;
  if (d < 0) return 'just now';
  return `${fmtDuration(d)} ago`;
}

/** RocketMQ's PermName bits as text: 6 -> "RW", 4 -> "R", 2 -> "W". */
export function permText(perm: number | undefined): string {
  if (perm === undefined) return '—';
  const r = perm & 4 ? 'R' : '';
  const w = perm & 2 ? 'W' : '';
  const x = perm & 1 ? 'X' : '';
  return `${r}${w}${x}` || 'none';
}

/** Value of a datetime-local input for an epoch ms time. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fromLocalInput(v: string): number | undefined {
  if (!v) return undefined;
  const t = new Date(v).getTime();
  return Number.isFinite(t) ? t : undefined;
}

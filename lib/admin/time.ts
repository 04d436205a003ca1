// Timestamps as mqadmin takes and prints them: "now", epoch milliseconds, or yyyy-MM-dd#HH:mm:ss:SSS in local time.

import { AdminError } from './errors.ts';

/** What resetOffsetByTime -s means: a point in time, or the queue ends. */
export type ResetPoint = { timestamp: number } | 'earliest' | 'latest';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})#(\d{2}):(\d{2}):(\d{2}):(\d{3})$/;

/** yyyy-MM-dd#HH:mm:ss:SSS (UtilAll.YYYY_MM_DD_HH_MM_SS_SSS) in local time -> epoch ms; undefined if malformed. */
export function parseRocketDate(text: string): number | undefined {
  const m = DATE_RE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, s, ms);
  // reject rolled-over fields such as month 13 (SimpleDateFormat is lenient; we are not)
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d || date.getHours() !== h) return undefined;
  return date.getTime();
}

/**
 * The -s of resetOffsetByTime: "now" and "latest" mean the queue ends (4.9.x mqadmin sends -1 for "now"),
 * "earliest" the queue starts, otherwise epoch ms or yyyy-MM-dd#HH:mm:ss:SSS.
 */
export function parseResetPoint(text: string): ResetPoint {
  const t = text.trim();
  if (t === 'now' || t === 'latest') return 'latest';
  if (t === 'earliest') return 'earliest';
  if (/^\d+$/.test(t)) return { timestamp: Number(t) };
  const ms = parseRocketDate(t);
  if (ms === undefined) throw new AdminError(`bad timestamp '${text}': want now, earliest, latest, epoch milliseconds or yyyy-MM-dd#HH:mm:ss:SSS`);
  return { timestamp: ms };
}

/** The timestamp field INVOKE_BROKER_TO_RESET_OFFSET carries: -1 is the queue end, 0 finds the queue start. */
export function resetPointTimestamp(p: ResetPoint): number {
  if (p === 'latest') return -1;
  if (p === 'earliest') return 0;
  return p.timestamp;
}

/** yyyy-MM-dd HH:mm:ss,SSS local time (UtilAll.timeMillisToHumanString2), or '' for 0/negative. */
export function formatTime(ms: number): string {
  if (!(ms > 0)) return '';
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
}

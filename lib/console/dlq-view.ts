// The console's dead-letter views: the groups with dead letters and their growth over the last hour (from the
// collector's topic history), resends and direct deliveries written to the audit log one message at a time, and
// exports streamed to the browser as they are read.

import {
  exportLines, identityTransform, EXPORT_FORMATS, type AdminClient, type DlqGroup, type DirectResult, type ExportFormat, type MessageTransform,
  type ResendResult,
} from '../admin/index.ts';
import { recordAudit } from './audit.ts';
import type { ConsoleDb } from './db.ts';
import { pointBefore, recentSeries } from './history.ts';
import { bad, intParam, timeParam } from './http.ts';

const HOUR_MS = 3_600_000;
/** Most offset ids an export link may name. */
export const MAX_EXPORT_IDS = 300;

export interface DlqGroupRow extends DlqGroup {
  /** Dead letters added over the last hour (from the collected history); null while there is no history that old. */
  grewLastHour: number | null;
}

export interface DlqListResponse {
  groups: DlqGroupRow[];
  errors: Array<{ brokerName: string; brokerAddr: string; error: string }>;
}

/** Growth over the last hour: now minus the count the collector saw an hour ago (or its first sample since). */
export function growthLastHour(db: ConsoleDb, cluster: string, topic: string, messages: number, now = Date.now()): number | null {
  const then = pointBefore(db, 'topic', topic, 'messages', now - HOUR_MS, cluster) ?? recentSeries(db, 'topic', 'messages', now - HOUR_MS, cluster, [topic]).get(topic)?.[0];
  return then ? Math.max(0, messages - then.value) : null;
}

export async function dlqGroups(admin: AdminClient, db: ConsoleDb, cluster: string, now = Date.now()): Promise<DlqListResponse> {
  const r = await admin.dlqList();
  return { groups: r.groups.map((g) => ({ ...g, grewLastHour: growthLastHour(db, cluster, g.topic, g.messages, now) })), errors: r.errors };
}

/** Page query of a group's DLQ: begin/end (default the last 3 days), page, pageSize (1-200). */
export function dlqPageQuery(url: URL, now = Date.now()): { begin: number; end: number; page: number; pageSize: number } {
  const end = timeParam(url, 'end', now);
  const begin = timeParam(url, 'begin', end - 3 * 24 * HOUR_MS);
  if (begin > end) throw bad('begin', 'must not be after end');
  return { begin, end, page: intParam(url, 'page', { min: 0, max: 10_000, default: 0 }), pageSize: intParam(url, 'pageSize', { min: 1, max: 200, default: 20 }) };
}

/** The offset ids a resend, direct delivery or export names (1-1000; 32 hex digits, 56 for an IPv6 store host). */
export function checkOffsetIds(v: unknown, field = 'offsetMsgIds'): string[] {
  if (!Array.isArray(v) || v.length === 0) throw bad(field, 'must be a non-empty list of offset message ids');
  if (v.length > 1000) throw bad(field, 'at most 1000 messages at once');
  for (const id of v) if (typeof id !== 'string' || !/^[0-9A-Fa-f]{32}$|^[0-9A-Fa-f]{56}$/.test(id)) throw bad(field, `'${String(id)}' is not an offset message id`);
  return v as string[];
}

/** Resends, each written to the audit log (action dlqResend, target the group). */
export async function resendAudited(admin: AdminClient, db: ConsoleDb, username: string, group: string, ids: string[]): Promise<{ results: ResendResult[] }> {
  const results = await admin.dlqResend(group, ids);
  for (const r of results) recordAudit(db, { username, action: 'dlqResend', target: group, params: { offsetMsgId: r.offsetMsgId }, ok: r.ok, result: r });
  return { results };
}

/** Direct deliveries, each written to the audit log (action dlqConsumeDirectly). */
export async function directAudited(admin: AdminClient, db: ConsoleDb, username: string, group: string, clientId: string, ids: string[]): Promise<{ results: DirectResult[] }> {
  const results = await admin.dlqConsumeDirectly(group, clientId, ids);
  for (const r of results) recordAudit(db, { username, action: 'dlqConsumeDirectly', target: group, params: { clientId, offsetMsgId: r.offsetMsgId }, ok: r.ok, result: r });
  return { results };
}

/**
 * GET .../export?format=jsonl|csv&begin=&end= or &ids=a,b: the body is written as the broker is read (the stream
 * pulls the next message only when the client has taken the previous ones). `transform` sees every message first.
 */
export async function exportResponse(admin: AdminClient, group: string, url: URL, transform: MessageTransform = identityTransform): Promise<Response> {
  const format = (url.searchParams.get('format') ?? 'jsonl') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw bad('format', `must be one of ${EXPORT_FORMATS.join(', ')}`);
  const idsParam = url.searchParams.get('ids');
  const ids = idsParam ? checkOffsetIds(idsParam.split(',').filter(Boolean), 'ids') : undefined;
  // the ids travel in the URL (a download link), which Node's 16 KiB header limit bounds
  if (ids && ids.length > MAX_EXPORT_IDS) throw bad('ids', `at most ${MAX_EXPORT_IDS} messages in a selection export; export their time range instead`);
  const now = Date.now();
  const opts = ids ? { group, offsetMsgIds: ids } : { group, begin: timeParam(url, 'begin', 0), end: timeParam(url, 'end', now) };
  // The first message is read before the answer starts: a failure there (no such DLQ, a refusing or hung broker) is
  // an error answer with its status, not a download cut off before its headers.
  const messages = admin.dlqStream(opts)[Symbol.asyncIterator]();
  const first = await messages.next();
  const lines = exportLines((async function* () {
    if (first.done) return;
    yield first.value;
    for (let n = await messages.next(); !n.done; n = await messages.next()) yield n.value;
  })(), format, transform);
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // a few lines per chunk: fewer, larger writes; still one pull's worth in memory
        let chunk = '';
        for (let i = 0; i < 64; i++) {
          const n = await lines.next();
          if (n.done) {
            if (chunk) controller.enqueue(enc.encode(chunk));
            controller.close();
            return;
          }
          chunk += n.value;
        }
        controller.enqueue(enc.encode(chunk));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await lines.return(undefined);
      await messages.return?.(undefined);
    },
  }, { highWaterMark: 1 });
  const name = `dlq-${group}-${new Date(now).toISOString().replace(/[:.]/g, '-')}.${format === 'csv' ? 'csv' : 'jsonl'}`;
  return new Response(body, {
    headers: {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'cache-control': 'no-store',
    },
  });
}

// Dead-letter exports as JSON lines or CSV: one line per message, produced as the messages are read (nothing held),
// each message passed through a transform first (identity by default; masking plugs in here).

import type { DlqMessage } from './dlq.ts';

export type ExportFormat = 'jsonl' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'csv'];
export type MessageTransform = (m: DlqMessage) => DlqMessage;
export const identityTransform: MessageTransform = (m) => m;

/** CSV columns, in order (properties as one JSON object, the body as UTF-8 text and as base64). */
export const CSV_COLUMNS = [
  'msgId', 'offsetMsgId', 'topic', 'originalTopic', 'originMessageId', 'tags', 'keys', 'queueId', 'queueOffset', 'reconsumeTimes',
  'bornTimestamp', 'storeTimestamp', 'bornHost', 'storeHost', 'properties', 'body', 'bodyBase64',
] as const;

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(m: DlqMessage): string {
  return CSV_COLUMNS.map((c) => csvField(c === 'keys' ? m.keys.join(' ') : (m as unknown as Record<string, unknown>)[c])).join(',') + '\r\n';
}

/** The export's text, line by line (CSV starts with its header). */
export async function* exportLines(messages: AsyncIterable<DlqMessage>, format: ExportFormat, transform: MessageTransform = identityTransform): AsyncGenerator<string> {
  if (format === 'csv') yield CSV_COLUMNS.join(',') + '\r\n';
  for await (const raw of messages) {
    const m = transform(raw);
    yield format === 'csv' ? csvRow(m) : JSON.stringify(m) + '\n';
  }
}

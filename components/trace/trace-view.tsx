'use client';
// Message trace: find a message by id (or the traced messages of a key) and show its timeline: produced, stored,
// each consumer group's delivery attempts and the dead-letter queue when it went there.

import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import { useApi } from '@/components/api/hooks';
import type { MessageTrace, TraceKeyHit } from '@/components/api/types';
import { fmtTime } from '@/components/format';
import { useUrlState } from '@/components/url-state';
import { Badge, Dot } from '@/components/ui/badge';
import { Button, Field, Input } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { Empty, ErrorBox, Spinner } from '@/components/ui/states';

function Step({ tone, title, when, children, testId }: { tone: 'green' | 'red' | 'amber' | 'blue' | 'zinc'; title: ReactNode; when?: number; children?: ReactNode; testId?: string }) {
  return (
    <li className="relative pb-5 pl-6 last:pb-0" data-testid={testId}>
      <span className="absolute left-0 top-1.5"><Dot tone={tone} /></span>
      <span className="absolute bottom-0 left-[3px] top-4 w-px bg-zinc-200 dark:bg-zinc-800" aria-hidden />
      <div className="flex flex-wrap items-baseline gap-2 text-sm">
        <span className="font-medium">{title}</span>
        {when !== undefined && when > 0 && <span className="tabular-nums text-xs text-zinc-500">{fmtTime(when, true)}</span>}
      </div>
      {children && <div className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{children}</div>}
    </li>
  );
}

const statusTone = (s: string): 'green' | 'red' | 'amber' => (s === 'SUCCESS' ? 'green' : s === 'PENDING' ? 'amber' : 'red');

export function Timeline({ t }: { t: MessageTrace }) {
  const nothing = t.produced.length === 0 && t.consumers.length === 0 && !t.stored;
  return (
    <Card title={<>Trace of <span className="font-mono text-xs">{t.msgId}</span></>} testId="trace-timeline">
      {t.errors.length > 0 && <ul className="mb-3 text-xs text-amber-700 dark:text-amber-400">{t.errors.map((e) => <li key={e}>{e}</li>)}</ul>}
      {nothing ? (
        <Empty title="No trace for this message" hint={`Nothing in ${t.traceTopic} is keyed by this id: its producer and consumers may not trace (enableMsgTrace), or the trace topic is another one.`} />
      ) : (
        <ol className="space-y-0">
          {t.produced.map((p, i) => (
            <Step key={`p${i}`} tone={p.success ? 'green' : 'red'} title="Produced" when={p.timestamp} testId="trace-produced">
              <span className="font-mono">{p.clientHost}</span> in group <span className="font-mono">{p.group ?? '?'}</span> sent it to {p.topic} on {p.storeHost ?? '?'} in {p.costTime} ms{' '}
              <Badge tone={p.success ? 'green' : 'red'}>{p.success ? 'SEND_OK' : 'failed'}</Badge> {p.msgType !== 'Normal_Msg' && <Badge>{p.msgType}</Badge>}
              {p.tags ? <> tags {p.tags}</> : null}{p.keys ? <> keys {p.keys}</> : null}
            </Step>
          ))}
          {t.stored ? (
            <Step tone="blue" title="Stored" when={t.stored.storeTimestamp} testId="trace-stored">
              by <span className="font-mono">{t.stored.storeHost}</span> in {t.stored.topic}, queue {t.stored.queueId} at offset {t.stored.queueOffset}
            </Step>
          ) : (
            <Step tone="zinc" title="Stored" testId="trace-stored">the stored message could not be read (it may have been deleted by retention)</Step>
          )}
          {t.transactions.map((x, i) => (
            <Step key={`x${i}`} tone={x.transactionState === 'COMMIT_MESSAGE' ? 'green' : x.transactionState === 'ROLLBACK_MESSAGE' ? 'red' : 'amber'} title="Transaction ended" when={x.timestamp}>
              {x.transactionState ?? '?'} by <span className="font-mono">{x.clientHost}</span>{x.fromTransactionCheck ? ' (answering a check-back)' : ''}
            </Step>
          ))}
          {t.consumers.map((g) => (
            <li key={g.group} className="pb-5 pl-6" data-testid="trace-group">
              <div className="text-sm font-medium">Consumer group <Link href={`/groups/${encodeURIComponent(g.group)}`} className="font-mono text-orange-700 hover:underline dark:text-orange-400">{g.group}</Link></div>
              <ol className="mt-2 border-l border-zinc-200 pl-3 dark:border-zinc-800">
                {g.attempts.map((a, i) => (
                  <Step key={`${a.requestId}${i}`} tone={statusTone(a.status)} title={a.retryTimes === 0 ? 'Delivered' : `Redelivered (retry ${a.retryTimes})`} when={a.timestamp} testId="trace-attempt">
                    to <span className="font-mono">{a.clientHost}</span>, <Badge tone={statusTone(a.status)}>{a.status}</Badge>
                    {a.costTime !== null && <> in {a.costTime} ms</>}
                  </Step>
                ))}
                {g.dlq && (
                  <Step tone="red" title="Moved to the dead-letter queue" when={g.dlq.storeTimestamp} testId="trace-dlq">
                    <Link href={`/dlq/${encodeURIComponent(g.group)}`} className="text-orange-700 hover:underline dark:text-orange-400">{g.dlq.topic}</Link>
                  </Step>
                )}
              </ol>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

function KeyHits({ hits, onPick }: { hits: TraceKeyHit[]; onPick(h: TraceKeyHit): void }) {
  if (hits.length === 0) return <Empty title="No traced message carries this key" />;
  return (
    <Card title="Traced messages with this key">
      <ul className="space-y-1 text-sm">
        {hits.map((h) => (
          <li key={h.msgId}>
            <button type="button" className="font-mono text-xs text-orange-700 hover:underline dark:text-orange-400" onClick={() => onPick(h)}>{h.msgId}</button>{' '}
            <span className="text-xs text-zinc-500">{h.topic} · {fmtTime(h.timestamp)} · {h.group}</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

export function TraceView() {
  const [s, set] = useUrlState({ msgId: '', key: '', topic: '', traceTopic: '' });
  const [form, setForm] = useState(s);
  const byId = useApi<MessageTrace>('/api/trace', { query: { msgId: s.msgId, topic: s.topic, traceTopic: s.traceTopic }, enabled: !!s.msgId, pollFactor: 0 });
  const byKey = useApi<{ messages: TraceKeyHit[] }>('/api/trace', { query: { key: s.key, traceTopic: s.traceTopic }, enabled: !s.msgId && !!s.key, pollFactor: 0 });
  const field = (k: keyof typeof form) => ({ value: form[k], onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [k]: e.target.value })) });
  const q = s.msgId ? byId : byKey;
  return (
    <>
      <PageHeader title="Message trace" description="Where a message went: its send, its store, every delivery to each consumer group, and the dead-letter queue. Needs clients that trace (enableMsgTrace)." />
      <div className="space-y-5">
        <Card>
          <form className="flex flex-wrap items-end gap-3" data-testid="trace-form" onSubmit={(e) => { e.preventDefault(); set({ ...form }); if (JSON.stringify(form) === JSON.stringify(s)) void q.refetch(); }}>
            <Field label="Message id" className="min-w-80 flex-1"><Input {...field('msgId')} placeholder="the producer's msgId" data-testid="trace-msg-id" /></Field>
            <Field label="or key" className="w-56"><Input {...field('key')} data-testid="trace-key" /></Field>
            <Field label="Trace topic" className="w-56"><Input {...field('traceTopic')} placeholder="RMQ_SYS_TRACE_TOPIC" /></Field>
            <Button type="submit" variant="primary" data-testid="trace-submit">Trace</Button>
          </form>
        </Card>
        {!s.msgId && !s.key && <Empty title="Trace a message" hint="Message ids come from the producer's send result and from the Messages page." />}
        {q.isFetching && !q.data && <span className="inline-flex items-center gap-2 text-sm text-zinc-500"><Spinner /> Reading the trace topic…</span>}
        {q.error && <ErrorBox error={q.error} title="Trace look-up failed" />}
        {s.msgId && byId.data && <Timeline t={byId.data} />}
        {!s.msgId && s.key && byKey.data && <KeyHits hits={byKey.data.messages} onPick={(h) => { setForm({ ...form, msgId: h.msgId, topic: h.topic ?? '' }); set({ msgId: h.msgId, topic: h.topic ?? '' }); }} />}
      </div>
    </>
  );
}

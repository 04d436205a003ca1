'use client';
// Live tail page: watch a topic's new messages as they are stored (Server-Sent Events), filtered on the server;
// pause, resume, clear; the server's counters (matched, sent, dropped over the rate limit) and broker errors.

import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'next/navigation';
import { apiFetch, errorMessage } from '@/components/api/client';
import { useTopics } from '@/components/api/hooks';
import { useCluster } from '@/components/cluster-context';
import { fmtTime, fromLocalInput } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import { Button, Field, Input } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { Empty } from '@/components/ui/states';
import { FullRow, Table, Td, Th, THead, Tr } from '@/components/ui/table';
import type { TailBrokerEvent, TailHello, TailMessage, TailStats } from '@/lib/console/tail-types.ts';
import { readSse, SseHttpError } from './sse';

/** Messages kept on the page (newest first); older ones fall off. */
const KEEP = 300;
/** How often arrived messages are drawn (one render per batch, not per message). */
const FLUSH_MS = 100;

interface Form {
  topic: string;
  queues: string;
  from: string;
  rate: string;
  tag: string;
  key: string;
  prop: string;
  body: string;
  sql: string;
}

const EMPTY: Form = { topic: '', queues: '', from: '', rate: '', tag: '', key: '', prop: '', body: '', sql: '' };

function tailUrl(f: Form): string {
  const q = new URLSearchParams({ topic: f.topic.trim() });
  const from = fromLocalInput(f.from);
  if (from !== undefined) q.set('from', String(from));
  for (const k of ['queues', 'rate', 'tag', 'key', 'prop', 'sql'] as const) if (f[k].trim()) q.set(k, f[k].trim());
  if (f.body) q.set('body', f.body);
  return `/api/tail?${q}`;
}

type Failure = { message: string; field?: string; position?: number };

export function LiveTail() {
  const params = useSearchParams();
  const { cluster } = useCluster();
  const [form, setForm] = useState<Form>({ ...EMPTY, topic: params.get('topic') ?? '' });
  const [hello, setHello] = useState<TailHello | null>(null);
  const [stats, setStats] = useState<TailStats | null>(null);
  const [messages, setMessages] = useState<TailMessage[]>([]);
  const [brokers, setBrokers] = useState<Record<string, TailBrokerEvent>>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [running, setRunning] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const pending = useRef<TailMessage[]>([]);
  /** Set from the pause click to the resume click: arrived messages wait in `pending` and the list holds still. */
  const holding = useRef(false);
  const topics = useTopics({ pageSize: 500 });

  // arrived messages are drawn in batches
  useEffect(() => {
    const t = setInterval(() => {
      if (holding.current || pending.current.length === 0) return;
      const batch = pending.current.reverse();
      pending.current = [];
      setMessages((cur) => [...batch, ...cur].slice(0, KEEP));
    }, FLUSH_MS);
    return () => clearInterval(t);
  }, []);

  const stop = useCallback(() => {
    abort.current?.abort();
    abort.current = null;
    setRunning(false);
  }, []);
  // leaving the page ends the stream: the server notices and stops reading for it
  useEffect(() => () => abort.current?.abort(), []);

  const start = () => {
    stop();
    // a new tail (another filter, another topic) starts on an empty list
    pending.current = [];
    holding.current = false;
    setMessages([]);
    setFailure(null);
    setHello(null);
    setStats(null);
    setBrokers({});
    const ac = new AbortController();
    abort.current = ac;
    setRunning(true);
    readSse(tailUrl(form), {
      cluster,
      signal: ac.signal,
      onEvent: (e) => {
        const data = JSON.parse(e.data) as unknown;
        if (e.event === 'message') pending.current.push(data as TailMessage);
        else if (e.event === 'stats') setStats(data as TailStats);
        else if (e.event === 'hello') setHello(data as TailHello);
        else if (e.event === 'broker') {
          const b = data as TailBrokerEvent;
          setBrokers((cur) => ({ ...cur, [b.brokerName]: b }));
        }
      },
    }).then(
      () => {
        if (abort.current === ac) setFailure({ message: 'The console ended the stream.' });
      },
      (err: unknown) => {
        if (ac.signal.aborted) return;
        if (err instanceof SseHttpError) setFailure({ message: err.message, field: err.field, position: err.position });
        else setFailure({ message: errorMessage(err) });
      },
    ).finally(() => {
      if (abort.current === ac) {
        abort.current = null;
        setRunning(false);
      }
    });
  };

  const control = async (action: 'pause' | 'resume') => {
    if (!hello) return;
    // messages the console sent before it saw the pause are still on their way: they are drawn on resume, not now
    holding.current = action === 'pause';
    try {
      const r = await apiFetch<{ paused: boolean }>(`/api/tail/${hello.id}`, { method: 'POST', body: { action }, cluster });
      holding.current = r.paused;
      setStats((s) => (s ? { ...s, paused: r.paused } : s));
    } catch (err) {
      holding.current = stats?.paused === true;
      setFailure({ message: errorMessage(err) });
    }
  };

  const toggle = useCallback((id: string) => setOpen((o) => (o === id ? null : id)), []);
  const field = (k: keyof Form) => ({ value: form[k], onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [k]: e.target.value })) });
  const paused = stats?.paused === true;
  const brokerErrors = Object.values(brokers).filter((b) => b.error);
  const masking = hello ? [...hello.masking.properties.map((p) => `property ${p}`), ...hello.masking.bodyFields.map((b) => `body ${b}`)] : [];

  return (
    <>
      <PageHeader
        title="Live tail"
        description="New messages of a topic as they are stored, read by offset without a consumer group (nothing is committed). Filters run on the console server."
      />
      <div className="space-y-5">
        <Card>
          <form
            className="flex flex-wrap items-end gap-3"
            data-testid="tail-form"
            onSubmit={(e) => {
              e.preventDefault();
              start();
            }}
          >
            <Field label="Topic" className="w-64">
              <Input {...field('topic')} required list="tail-topics" data-testid="tail-topic" />
              <datalist id="tail-topics">{topics.data?.items.map((t) => <option key={t.topic} value={t.topic} />)}</datalist>
            </Field>
            <Field label="Queues" hint="brokerName:queueId, … (empty: all)" className="w-56"><Input {...field('queues')} placeholder="all" data-testid="tail-queues" /></Field>
            <Field label="From" hint="empty: now" className="w-56"><Input type="datetime-local" step={1} {...field('from')} data-testid="tail-from" /></Field>
            <Field label="Rate limit" hint="messages/s" className="w-28"><Input {...field('rate')} inputMode="numeric" placeholder="default" data-testid="tail-rate" /></Field>
            <Field label="Tag" hint="a || b" className="w-40"><Input {...field('tag')} data-testid="tail-tag" /></Field>
            <Field label="Key" className="w-40"><Input {...field('key')} data-testid="tail-key" /></Field>
            <Field label="Property equals" hint="name=value" className="w-48"><Input {...field('prop')} data-testid="tail-prop" /></Field>
            <Field label="Body contains" className="w-48"><Input {...field('body')} data-testid="tail-body" /></Field>
            <Field label="SQL92 expression" hint="e.g. region = 'eu' AND amount > 100" className="min-w-80 flex-1">
              <Input {...field('sql')} className="font-mono" data-testid="tail-sql" aria-invalid={failure?.field === 'sql'} />
            </Field>
            <div className="flex gap-2">
              <Button type="submit" variant="primary" data-testid="tail-start">{running ? 'Restart' : 'Start'}</Button>
              <Button type="button" disabled={!running || !hello} onClick={() => void control(paused ? 'resume' : 'pause')} data-testid="tail-pause">
                {paused ? 'Resume' : 'Pause'}
              </Button>
              <Button type="button" disabled={!running} onClick={stop} data-testid="tail-stop">Stop</Button>
              <Button type="button" onClick={() => {
                pending.current = [];
                setMessages([]);
              }} data-testid="tail-clear">Clear</Button>
            </div>
          </form>
          {failure && (
            <div role="alert" className="mt-3 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200" data-testid="tail-error">
              <div>{failure.message}</div>
              {failure.field === 'sql' && failure.position !== undefined && (
                <pre className="mt-2 font-mono text-xs" data-testid="tail-sql-position">
                  {form.sql}
                  {'\n'}
                  {' '.repeat(Math.max(0, failure.position))}^
                </pre>
              )}
            </div>
          )}
        </Card>
        {(stats || running) && (
          <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="tail-stats">
            <Badge tone={!running ? 'zinc' : !hello ? 'zinc' : paused ? 'amber' : 'green'} testId="tail-state">
              {!running ? 'stopped' : !hello ? 'connecting' : paused ? 'paused' : 'live'}
            </Badge>
            {stats && (
              <>
                <span>read <b className="tabular-nums" data-testid="tail-scanned">{stats.scanned}</b></span>
                <span>matched <b className="tabular-nums" data-testid="tail-matched">{stats.matched}</b></span>
                <span>sent <b className="tabular-nums" data-testid="tail-sent">{stats.sent}</b></span>
                <span title="Matching messages over the rate limit, or that the page did not take in time">
                  dropped <b className="tabular-nums" data-testid="tail-dropped">{stats.dropped}</b>
                </span>
                {stats.brokers.some((b) => b.behind > 0) && (
                  <span title="Messages stored that the console has not read yet">behind <b className="tabular-nums" data-testid="tail-behind">{stats.brokers.reduce((n, b) => n + b.behind, 0)}</b></span>
                )}
                {stats.brokers.some((b) => b.skipped > 0) && (
                  <span title="The console fell too far behind the topic to stay live and jumped to the newest messages">
                    skipped <b className="tabular-nums" data-testid="tail-skipped">{stats.brokers.reduce((n, b) => n + b.skipped, 0)}</b>
                  </span>
                )}
                {stats.missedWhilePaused > 0 && <span>missed while paused <b className="tabular-nums">{stats.missedWhilePaused}</b></span>}
              </>
            )}
            {hello && <span className="text-zinc-500">rate limit {hello.rateLimit}/s</span>}
            {masking.length > 0 && <Badge tone="blue" title="Values masked for your role">masked: {masking.join(', ')}</Badge>}
          </div>
        )}
        {(brokerErrors.length > 0 || stats?.routeError) && (
          <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200" data-testid="tail-broker-errors">
            {stats?.routeError && <div>route: {stats.routeError}</div>}
            {brokerErrors.map((b) => <div key={b.brokerName}>{b.brokerName} ({b.brokerAddr}): {b.error}</div>)}
          </div>
        )}
        {messages.length === 0 && !running ? (
          <Empty title="Choose a topic and start" hint="Messages stored from now on (or from the time you give) show here as they arrive." />
        ) : (
          <Card title={`${messages.length} message${messages.length === 1 ? '' : 's'} shown`} bodyClassName="">
            <Table testId="tail-table">
              <THead>
                <Th>Stored</Th>
                <Th>Message id</Th>
                <Th>Tags</Th>
                <Th>Keys</Th>
                <Th>Queue</Th>
                <Th>Body</Th>
              </THead>
              <tbody>
                {messages.length === 0 && <FullRow colSpan={6}>Waiting for messages…</FullRow>}
                {messages.map((m) => (
                  <MessageRow key={`${m.brokerName}:${m.queueId}:${m.queueOffset}`} m={m} open={open === m.offsetMsgId} onToggle={toggle} />
                ))}
              </tbody>
            </Table>
          </Card>
        )}
      </div>
    </>
  );
}

/** One message; drawn again only when it opens or closes (the list re-renders on every batch). */
const MessageRow = memo(function MessageRow({ m, open, onToggle }: { m: TailMessage; open: boolean; onToggle(id: string): void }) {
  return (
    <>
      <Tr onClick={() => onToggle(m.offsetMsgId)} testId="tail-row">
        <Td className="whitespace-nowrap tabular-nums">{fmtTime(m.storeTimestamp, true)}</Td>
        <Td className="font-mono text-xs text-orange-700 dark:text-orange-400">{m.msgId}</Td>
        <Td>{m.tags ? <Badge tone="blue">{m.tags}</Badge> : '—'}</Td>
        <Td className="text-xs">{m.keys.join(' ') || '—'}</Td>
        <Td className="whitespace-nowrap text-xs tabular-nums">{m.brokerName}:{m.queueId} @ {m.queueOffset}</Td>
        <Td className="max-w-md truncate font-mono text-xs" data-testid="tail-row-body">
          {m.masked && <Badge tone="amber" title={m.masked.join(', ')}>masked</Badge>} {m.body.slice(0, 160)}
        </Td>
      </Tr>
      {open && (
        <tr>
          <td colSpan={6} className="bg-zinc-50 px-4 py-3 text-xs dark:bg-zinc-900">
            <div className="grid gap-3 md:grid-cols-2">
              <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-all font-mono">{m.body}{m.bodyTruncated ? `\n… (${m.bodySize} bytes in all)` : ''}</pre>
              <table className="font-mono">
                <tbody>
                  {Object.entries(m.properties).map(([k, v]) => (
                    <tr key={k}><td className="pr-3 align-top text-zinc-500">{k}</td><td className="break-all">{v}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="mt-2 text-zinc-500">born {fmtTime(m.bornTimestamp, true)} at {m.bornHost}, stored at {m.storeHost}, reconsumed {m.reconsumeTimes}×</div>
          </td>
        </tr>
      )}
    </>
  );
});

'use client';
// One group's dead-letter queue: a time range paged newest first, a message's body and properties, and for the
// chosen messages: resend to the original topic, deliver straight to an online client, export (JSON lines / CSV).

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { useApi, useApiMutation, useMe } from '@/components/api/hooks';
import { seg, withQuery } from '@/components/api/client';
import type { DirectResult, DlqMessage, DlqPage, GroupDetailResponse, MessageTrace, ResendResult } from '@/components/api/types';
import { fmtTime, fromLocalInput, toLocalInput } from '@/components/format';
import { useUrlState } from '@/components/url-state';
import { Badge } from '@/components/ui/badge';
import { Button, Field, Input, Select } from '@/components/ui/button';
import { Card, KV, PageHeader } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { Pagination } from '@/components/ui/pagination';
import { BrokerErrors, ErrorBox } from '@/components/ui/states';
import { FullRow, SkeletonRows, Table, Td, Th, THead, Tr } from '@/components/ui/table';
import { BodyView } from '@/components/messages/body-view';
import { PropertiesTable } from '@/components/messages/message-detail';

const REASONS: Record<string, string> = {
  EXCEPTION: 'the listener threw',
  FAILED: 'the listener asked to consume it later',
  TIME_OUT: 'the listener ran past the consume timeout',
  RETURNNULL: 'the listener returned nothing',
};

/** Why the client failed it, from the group's last traced delivery attempt (when its client traces). */
function FailureReason({ m, group }: { m: DlqMessage; group: string }) {
  const [seen, setSeen] = useState(false);
  // traces arrive in batches every half second: keep asking until an attempt shows
  const q = useApi<MessageTrace>('/api/trace', { query: { msgId: m.msgId, topic: m.originalTopic ?? undefined }, pollFactor: seen ? 0 : 1 });
  const href = `/trace?msgId=${encodeURIComponent(m.msgId)}${m.originalTopic ? `&topic=${encodeURIComponent(m.originalTopic)}` : ''}`;
  const link = <Link href={href} className="text-orange-700 hover:underline dark:text-orange-400">trace</Link>;
  const attempts = q.data?.consumers.find((g) => g.group === group)?.attempts.filter((a) => a.status !== 'PENDING') ?? [];
  const last = attempts[attempts.length - 1];
  useEffect(() => {
    if (last) setSeen(true);
  }, [last]);
  if (q.isPending) return <span className="text-zinc-500">reading the trace…</span>;
  if (!last) return <span className="text-zinc-500">not recorded (the client does not trace) · {link}</span>;
  return (
    <span data-testid="dlq-reason">
      <Badge tone="red">{last.status}</Badge> {REASONS[last.status] ?? ''} on {last.clientHost}, attempt {attempts.length} (retry {last.retryTimes}) · {link}
    </span>
  );
}

function DlqDetail({ m, group }: { m: DlqMessage; group: string }) {
  return (
    <div className="space-y-5" data-testid="dlq-detail">
      <KV
        items={[
          ['Message id', <span key="id" className="font-mono text-xs">{m.msgId}</span>],
          ['Offset id', <span key="oid" className="font-mono text-xs">{m.offsetMsgId}</span>],
          ['Original topic', m.originalTopic ?? '—'],
          ['First message id', <span key="o" className="font-mono text-xs">{m.originMessageId ?? '—'}</span>],
          ['Reconsume times', m.reconsumeTimes],
          ['Tags', m.tags ?? '—'],
          ['Keys', m.keys.join(' ') || '—'],
          ['Stored in DLQ', fmtTime(m.storeTimestamp, true)],
          ['Born', `${fmtTime(m.bornTimestamp, true)} on ${m.bornHost}`],
          ['Why it failed', <FailureReason key="why" m={m} group={group} />],
        ]}
      />
      <div>
        <h3 className="mb-2 text-sm font-semibold">Body</h3>
        <BodyView text={m.body} base64={m.bodyBase64} />
      </div>
      <PropertiesTable properties={m.properties} />
    </div>
  );
}

type Outcome = { kind: 'resend'; results: ResendResult[] } | { kind: 'direct'; results: DirectResult[] };

function Outcomes({ o }: { o: Outcome }) {
  return (
    <Card title={o.kind === 'resend' ? 'Resent' : 'Delivered to the client'} testId="dlq-results" bodyClassName="">
      <Table>
        <THead><Th>Dead letter</Th><Th>Result</Th><Th>Detail</Th></THead>
        <tbody>
          {o.results.map((r) => (
            <Tr key={r.offsetMsgId} testId="dlq-result-row">
              <Td className="font-mono text-xs">{r.offsetMsgId}</Td>
              <Td><Badge tone={r.ok ? 'green' : 'red'}>{r.ok ? 'ok' : 'failed'}</Badge></Td>
              <Td className="text-xs">
                {'newMsgId' in r && r.newMsgId ? `sent to ${r.topic} as ${r.newMsgId}` : null}
                {'result' in r && r.result ? `${r.result.consumeResult} in ${r.result.spentTimeMills} ms${r.result.remark ? `: ${r.result.remark}` : ''}` : null}
                {r.error}
              </Td>
            </Tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}

export function DlqBrowser({ group }: { group: string }) {
  const now = Date.now();
  const [s, set] = useUrlState({ begin: '', end: '', page: '1', pageSize: '25' });
  const [form, setForm] = useState({ begin: s.begin || toLocalInput(now - 3 * 86_400_000), end: s.end || toLocalInput(now + 60_000) });
  const page = Math.max(1, Number(s.page) || 1);
  const pageSize = Number(s.pageSize) || 25;
  const query = { begin: fromLocalInput(s.begin), end: fromLocalInput(s.end), page: page - 1, pageSize };
  const q = useApi<DlqPage>(`/api/dlq/${seg(group)}`, { query, keepPrevious: true, pollFactor: 0 });
  const me = useMe();
  const operator = me.data?.role === 'operator';
  const groupInfo = useApi<GroupDetailResponse>(`/api/consumer-groups/${seg(group)}`, { pollFactor: 0 });
  const clients = groupInfo.data?.connection?.connections ?? [];
  const [clientId, setClientId] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<DlqMessage | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const resend = useApiMutation<string[], { results: ResendResult[] }>((ids) => ({ method: 'POST', path: `/api/dlq/${seg(group)}/resend`, body: { offsetMsgIds: ids } }));
  const direct = useApiMutation<{ ids: string[]; clientId: string }, { results: DirectResult[] }>((v) => ({
    method: 'POST', path: `/api/dlq/${seg(group)}/consume-directly`, body: { clientId: v.clientId, offsetMsgIds: v.ids },
  }));
  const messages = q.data?.messages ?? [];
  const ids = [...selected];
  const toggle = (id: string) => setSelected((cur) => {
    const next = new Set(cur);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  const exportHref = (format: 'jsonl' | 'csv', selection: boolean) => withQuery(`/api/dlq/${seg(group)}/export`, selection
    ? { format, ids: ids.join(',') }
    : { format, begin: query.begin ?? 0, end: query.end ?? Date.now() });
  const busy = resend.isPending || direct.isPending;
  // a selection export names its messages in the link (at most 300: MAX_EXPORT_IDS)
  const exportable = selected.size > 0 && selected.size <= 300;
  return (
    <>
      <PageHeader
        title={<>Dead letters of <span className="font-mono">{group}</span></>}
        description={<>Messages of <span className="font-mono">%DLQ%{group}</span>, newest first. <Link href="/dlq" className="text-orange-700 hover:underline dark:text-orange-400">All groups</Link></>}
      />
      <div className="space-y-5">
        <Card>
          <form
            className="flex flex-wrap items-end gap-3"
            data-testid="dlq-range-form"
            onSubmit={(e) => {
              e.preventDefault();
              set({ begin: form.begin, end: form.end, page: '1' });
            }}
          >
            <Field label="From" className="w-56"><Input type="datetime-local" step={1} value={form.begin} onChange={(e) => setForm((f) => ({ ...f, begin: e.target.value }))} data-testid="dlq-begin" /></Field>
            <Field label="To" className="w-56"><Input type="datetime-local" step={1} value={form.end} onChange={(e) => setForm((f) => ({ ...f, end: e.target.value }))} data-testid="dlq-end" /></Field>
            <Button type="submit" variant="primary" data-testid="dlq-search">Show</Button>
            <span className="ml-auto flex flex-wrap gap-2">
              <a className="text-sm text-orange-700 hover:underline dark:text-orange-400" href={exportHref('jsonl', false)} download data-testid="dlq-export-range-jsonl">Export range (JSON lines)</a>
              <a className="text-sm text-orange-700 hover:underline dark:text-orange-400" href={exportHref('csv', false)} download data-testid="dlq-export-range-csv">Export range (CSV)</a>
            </span>
          </form>
        </Card>
        {q.error && <ErrorBox error={q.error} />}
        <BrokerErrors errors={q.data?.errors} />
        <Card
          title={`${selected.size} selected`}
          actions={
            <div className="flex flex-wrap items-center gap-2">
              <Button size="sm" variant="primary" disabled={!operator || selected.size === 0 || busy} data-testid="dlq-resend"
                title={operator ? 'Send again to the original topic' : 'needs the operator role'}
                onClick={() => resend.mutate(ids, { onSuccess: (r) => { setOutcome({ kind: 'resend', results: r.results }); setSelected(new Set()); } })}>
                Resend to original topic
              </Button>
              <div className="w-64">
                <Select className="h-7 text-xs" value={clientId} onChange={(e) => setClientId(e.target.value)} aria-label="Online client" data-testid="dlq-client">
                  <option value="">{clients.length ? 'choose an online client' : 'no client online'}</option>
                  {clients.map((c) => <option key={c.clientId} value={c.clientId}>{c.clientId}</option>)}
                </Select>
              </div>
              <Button size="sm" disabled={!operator || selected.size === 0 || !clientId || busy} data-testid="dlq-direct"
                onClick={() => direct.mutate({ ids, clientId }, { onSuccess: (r) => setOutcome({ kind: 'direct', results: r.results }) })}>
                Deliver to client
              </Button>
              <a className={`text-xs ${exportable ? 'text-orange-700 hover:underline dark:text-orange-400' : 'pointer-events-none text-zinc-400'}`} href={exportHref('jsonl', true)} download data-testid="dlq-export-jsonl"
                title={selected.size > 300 ? 'at most 300 messages: export the time range instead' : undefined}>Export selection (JSON lines)</a>
              <a className={`text-xs ${exportable ? 'text-orange-700 hover:underline dark:text-orange-400' : 'pointer-events-none text-zinc-400'}`} href={exportHref('csv', true)} download data-testid="dlq-export-csv">Export selection (CSV)</a>
            </div>
          }
          bodyClassName=""
        >
          {(resend.error || direct.error) && <div className="p-3"><ErrorBox error={resend.error ?? direct.error} title="Not done" /></div>}
          <Table testId="dlq-messages-table">
            <THead>
              <Th><input type="checkbox" aria-label="Select all on this page" checked={messages.length > 0 && messages.every((m) => selected.has(m.offsetMsgId))}
                onChange={(e) => setSelected((cur) => { const next = new Set(cur); for (const m of messages) { if (e.target.checked) next.add(m.offsetMsgId); else next.delete(m.offsetMsgId); } return next; })} /></Th>
              <Th>Message id</Th>
              <Th>Original topic</Th>
              <Th>Tags</Th>
              <Th>Keys</Th>
              <Th className="text-right">Reconsumed</Th>
              <Th>Stored</Th>
              <Th>Trace</Th>
            </THead>
            <tbody>
              {q.isPending && <SkeletonRows cols={8} rows={3} />}
              {q.data && messages.length === 0 && <FullRow colSpan={8}>No dead letter in this range.</FullRow>}
              {messages.map((m) => (
                <Tr key={m.offsetMsgId} testId="dlq-message-row">
                  <Td><input type="checkbox" aria-label={`select ${m.msgId}`} checked={selected.has(m.offsetMsgId)} onChange={() => toggle(m.offsetMsgId)} data-testid="dlq-select" /></Td>
                  <Td className="font-mono text-xs"><button type="button" className="text-orange-700 hover:underline dark:text-orange-400" onClick={() => setOpen(m)}>{m.msgId}</button></Td>
                  <Td>{m.originalTopic ?? '—'}</Td>
                  <Td>{m.tags ? <Badge tone="blue">{m.tags}</Badge> : '—'}</Td>
                  <Td className="text-xs">{m.keys.join(' ') || '—'}</Td>
                  <Td className="text-right tabular-nums">{m.reconsumeTimes}</Td>
                  <Td className="whitespace-nowrap tabular-nums">{fmtTime(m.storeTimestamp)}</Td>
                  <Td><Link className="text-xs text-orange-700 hover:underline dark:text-orange-400" href={`/trace?msgId=${encodeURIComponent(m.msgId)}${m.originalTopic ? `&topic=${encodeURIComponent(m.originalTopic)}` : ''}`}>trace</Link></Td>
                </Tr>
              ))}
            </tbody>
          </Table>
          {q.data && (
            <Pagination page={page} pageSize={pageSize} total={q.data.total} fetching={q.isFetching}
              onPage={(p) => set({ page: String(p) })} onPageSize={(n) => set({ pageSize: String(n), page: '1' })} />
          )}
        </Card>
        {outcome && <Outcomes o={outcome} />}
      </div>
      <Dialog open={open !== null} onClose={() => setOpen(null)} title="Dead letter" wide testId="dlq-dialog">
        {open && <DlqDetail m={open} group={group} />}
      </Dialog>
    </>
  );
}

'use client';
// Messages page: find messages by id, by key, or by topic and time range; open one to read it.

import { useState } from 'react';
import { useMessages } from '@/components/api/hooks';
import type { Query } from '@/components/api/client';
import type { MessageView } from '@/components/api/types';
import { fmtTime, fromLocalInput, toLocalInput } from '@/components/format';
import { useUrlState } from '@/components/url-state';
import { Badge } from '@/components/ui/badge';
import { Button, Field, Input } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { BrokerErrors, Empty, ErrorBox } from '@/components/ui/states';
import { FullRow, SkeletonRows, Table, Td, Th, THead, Tr } from '@/components/ui/table';
import { Tabs } from '@/components/ui/tabs';
import { MessageDetail } from './message-detail';

type Mode = 'id' | 'key' | 'time';

function queryOf(s: Record<string, string>): Query | null {
  if (s.mode === 'id') return s.msgId ? { msgId: s.msgId, topic: s.topic || undefined } : null;
  if (s.mode === 'key') return s.topic && s.key ? { topic: s.topic, key: s.key } : null;
  const begin = fromLocalInput(s.begin);
  const end = fromLocalInput(s.end);
  return s.topic && begin !== undefined && end !== undefined ? { topic: s.topic, begin, end } : null;
}

export function MessageSearch() {
  const [s, set] = useUrlState({ mode: 'id', msgId: '', topic: '', key: '', begin: '', end: '' });
  const mode = (['id', 'key', 'time'].includes(s.mode) ? s.mode : 'id') as Mode;
  const [form, setForm] = useState(s);
  const q = useMessages(queryOf(s));
  const [open, setOpen] = useState<MessageView | null>(null);
  const field = (k: keyof typeof form) => ({ value: form[k], onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [k]: e.target.value })) });
  const switchMode = (m: Mode) => {
    const next = { ...form, mode: m };
    if (m === 'time' && !next.begin) {
      next.begin = toLocalInput(Date.now() - 3600_000);
      next.end = toLocalInput(Date.now() + 60_000);
    }
    setForm(next);
  };
  const formMode = form.mode as Mode;
  const messages = q.data?.messages ?? [];
  return (
    <>
      <PageHeader title="Messages" description="Find a message by its id, by key, or by topic and store time; read its body, properties and consumers." />
      <div className="space-y-5">
        <Card>
          <Tabs<Mode>
            label="Search by"
            tabs={[{ id: 'id', label: 'By message id' }, { id: 'key', label: 'By key' }, { id: 'time', label: 'By topic and time' }]}
            value={formMode}
            onChange={switchMode}
          />
          <form
            className="mt-4 flex flex-wrap items-end gap-3"
            data-testid="message-search-form"
            onSubmit={(e) => {
              e.preventDefault();
              set({ ...form });
              if (JSON.stringify(form) === JSON.stringify(s)) void q.refetch();
            }}
          >
            {formMode === 'id' && (
              <>
                <Field label="Message id" className="min-w-80 flex-1"><Input {...field('msgId')} required placeholder="7F00000100002A9F0000000000000000 or client id" data-testid="search-msg-id" /></Field>
                <Field label="Topic (for client ids)" className="w-64"><Input {...field('topic')} placeholder="optional" data-testid="search-topic" /></Field>
              </>
            )}
            {formMode === 'key' && (
              <>
                <Field label="Topic" className="w-64"><Input {...field('topic')} required data-testid="search-topic" /></Field>
                <Field label="Key" className="min-w-64 flex-1"><Input {...field('key')} required data-testid="search-key" /></Field>
              </>
            )}
            {formMode === 'time' && (
              <>
                <Field label="Topic" className="w-64"><Input {...field('topic')} required data-testid="search-topic" /></Field>
                <Field label="From" className="w-56"><Input type="datetime-local" step={1} {...field('begin')} required data-testid="search-begin" /></Field>
                <Field label="To" className="w-56"><Input type="datetime-local" step={1} {...field('end')} required data-testid="search-end" /></Field>
              </>
            )}
            <Button type="submit" variant="primary" data-testid="search-submit">Search</Button>
          </form>
        </Card>
        {q.error && <ErrorBox error={q.error} title="Search failed" />}
        <BrokerErrors errors={q.data?.errors} />
        {queryOf(s) === null ? (
          <Empty title="Search for messages" hint="Message ids come from the producer's send result; keys are what the producer set as KEYS." />
        ) : (
          <Card title={q.data ? `${messages.length} message${messages.length === 1 ? '' : 's'} found` : 'Searching…'} bodyClassName="">
            <Table testId="messages-table">
              <THead>
                <Th>Message id</Th>
                <Th>Topic</Th>
                <Th>Tags</Th>
                <Th>Keys</Th>
                <Th>Queue</Th>
                <Th>Stored</Th>
                <Th>Store host</Th>
              </THead>
              <tbody>
                {q.isFetching && !q.data && <SkeletonRows cols={7} rows={3} />}
                {q.data && messages.length === 0 && <FullRow colSpan={7}>No message found.</FullRow>}
                {messages.map((m) => (
                  <Tr key={m.offsetMsgId} onClick={() => setOpen(m)} testId="message-row">
                    <Td className="font-mono text-xs text-orange-700 dark:text-orange-400">{m.msgId}</Td>
                    <Td>{m.topic}</Td>
                    <Td>{m.tags ? <Badge tone="blue">{m.tags}</Badge> : '—'}</Td>
                    <Td className="text-xs">{m.keys.join(' ') || '—'}</Td>
                    <Td className="tabular-nums">{m.queueId} @ {m.queueOffset}</Td>
                    <Td className="whitespace-nowrap tabular-nums">{fmtTime(m.storeTimestamp)}</Td>
                    <Td className="font-mono text-xs">{m.storeHost}</Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
          </Card>
        )}
      </div>
      <Dialog open={open !== null} onClose={() => setOpen(null)} title="Message" wide testId="message-dialog">
        {open && <MessageDetail m={open} />}
      </Dialog>
    </>
  );
}

'use client';
// Whole-group offset operations: clone a group's offsets on a topic to another group, and skip a group's backlog;
// each previews the old and new offset of every queue it would move before it is applied.

import { useState } from 'react';
import { useApiMutation, useMe } from '@/components/api/hooks';
import { seg } from '@/components/api/client';
import type { CloneOffsetApplyResponse, CloneOffsetPreview, OffsetChange, SkipBacklogApplyResponse, SkipBacklogPreview } from '@/components/api/types';
import { fmtNum } from '@/components/format';
import { Button, Field, Input } from '@/components/ui/button';
import { Table, Td, Th, THead, Tr } from '@/components/ui/table';
import { ActionResult, RoleNotice } from './result';

function ChangeTable({ title, queues, testId }: { title: string; queues: OffsetChange[]; testId: string }) {
  return (
    <div className="rounded-md border border-sky-200 bg-sky-50/50 dark:border-sky-900/60 dark:bg-sky-950/20" data-testid={testId}>
      <div className="px-3 py-2 text-sm font-medium">{title}</div>
      <Table>
        <THead>
          <Th>Topic</Th>
          <Th>Broker</Th>
          <Th>Queue</Th>
          <Th className="text-right">Old offset</Th>
          <Th className="text-right">New offset</Th>
          <Th className="text-right">Max offset</Th>
        </THead>
        <tbody>
          {queues.length === 0 && <tr><td colSpan={6} className="px-3 py-4 text-center text-sm text-zinc-500">No queue would move.</td></tr>}
          {queues.map((q) => (
            <Tr key={`${q.topic}#${q.brokerName}#${q.queueId}`} testId="offset-change-row">
              <Td>{q.topic}</Td>
              <Td>{q.brokerName}</Td>
              <Td className="tabular-nums">{q.queueId}</Td>
              <Td className="text-right tabular-nums">{q.oldOffset < 0 ? <span className="text-zinc-400">none</span> : fmtNum(q.oldOffset)}</Td>
              <Td className="text-right font-medium tabular-nums">{fmtNum(q.newOffset)}</Td>
              <Td className="text-right tabular-nums text-zinc-500">{fmtNum(q.maxOffset)}</Td>
            </Tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

export function CloneOffsetForm({ group: fixedGroup }: { group?: string }) {
  const me = useMe();
  const [src, setSrc] = useState(fixedGroup ?? '');
  const [dest, setDest] = useState('');
  const [topic, setTopic] = useState('');
  const path = `/api/consumer-groups/${seg(src.trim())}/clone-offset`;
  const preview = useApiMutation<Record<string, unknown>, CloneOffsetPreview>((b) => ({ method: 'POST', path, body: b }));
  const apply = useApiMutation<Record<string, unknown>, CloneOffsetApplyResponse>((b) => ({ method: 'POST', path, body: b }));
  const body = (p: boolean) => ({ destGroup: dest.trim(), topic: topic.trim(), preview: p });
  const reset = () => { preview.reset(); apply.reset(); };
  const ok = src.trim() !== '' && dest.trim() !== '' && topic.trim() !== '';
  return (
    <div className="space-y-4" data-testid="clone-offset-form">
      <RoleNotice role={me.data?.role} />
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="From group"><Input value={src} onChange={(e) => { setSrc(e.target.value); reset(); }} readOnly={!!fixedGroup} data-testid="clone-src" /></Field>
        <Field label="To group"><Input value={dest} onChange={(e) => { setDest(e.target.value); reset(); }} data-testid="clone-dest" /></Field>
        <Field label="Topic"><Input value={topic} onChange={(e) => { setTopic(e.target.value); reset(); }} data-testid="clone-topic" /></Field>
      </div>
      <div className="flex justify-end gap-2">
        <Button onClick={() => { apply.reset(); preview.mutate(body(true)); }} disabled={!ok || preview.isPending} data-testid="clone-preview">Preview</Button>
        <Button variant="primary" onClick={() => apply.mutate(body(false))} disabled={!ok || !preview.data || apply.isPending} data-testid="clone-apply" title={preview.data ? undefined : 'Preview first'}>Clone offsets</Button>
      </div>
      {preview.error && <ActionResult error={preview.error} />}
      {preview.data && !apply.data && <ChangeTable title={`Preview: ${preview.data.destGroup}'s offsets now and after (nothing changed yet)`} queues={preview.data.queues} testId="clone-preview-table" />}
      {apply.error && <ActionResult error={apply.error} />}
      {apply.data && (
        <ActionResult result={{ done: apply.data.result.done, errors: apply.data.result.errors }} success="Offsets cloned">
          <div className="mt-2"><ChangeTable title={`${apply.data.destGroup}'s offsets now`} queues={apply.data.queues} testId="clone-result-table" /></div>
        </ActionResult>
      )}
    </div>
  );
}

export function SkipBacklogForm({ group: fixedGroup }: { group?: string }) {
  const me = useMe();
  const [group, setGroup] = useState(fixedGroup ?? '');
  const [topic, setTopic] = useState('');
  const path = `/api/consumer-groups/${seg(group.trim())}/skip-backlog`;
  const preview = useApiMutation<Record<string, unknown>, SkipBacklogPreview>((b) => ({ method: 'POST', path, body: b }));
  const apply = useApiMutation<Record<string, unknown>, SkipBacklogApplyResponse>((b) => ({ method: 'POST', path, body: b }));
  const body = (p: boolean) => ({ ...(topic.trim() ? { topic: topic.trim() } : {}), preview: p });
  const reset = () => { preview.reset(); apply.reset(); };
  return (
    <div className="space-y-4" data-testid="skip-backlog-form">
      <RoleNotice role={me.data?.role} />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Consumer group"><Input value={group} onChange={(e) => { setGroup(e.target.value); reset(); }} readOnly={!!fixedGroup} data-testid="skip-group" /></Field>
        <Field label="Topic" hint="Empty: every topic the group is behind on."><Input value={topic} onChange={(e) => { setTopic(e.target.value); reset(); }} data-testid="skip-topic" /></Field>
      </div>
      <div className="flex justify-end gap-2">
        <Button onClick={() => { apply.reset(); preview.mutate(body(true)); }} disabled={!group.trim() || preview.isPending} data-testid="skip-preview">Preview</Button>
        <Button variant="primary" onClick={() => apply.mutate(body(false))} disabled={!group.trim() || !preview.data || apply.isPending} data-testid="skip-apply" title={preview.data ? undefined : 'Preview first'}>Skip backlog</Button>
      </div>
      {preview.error && <ActionResult error={preview.error} />}
      {preview.data && !apply.data && (
        <ChangeTable title={`Preview: ${fmtNum(preview.data.skipped)} messages would not be consumed (nothing changed yet; new messages may raise the max offsets before you apply)`} queues={preview.data.queues} testId="skip-preview-table" />
      )}
      {(apply.data || apply.error) && (
        <ActionResult
          error={apply.error}
          result={apply.data ? { done: apply.data.result.topics.flatMap((t) => t.brokers.map((b) => ({ brokerName: `${t.topic} on ${b.brokerName}`, brokerAddr: b.brokerAddr }))), errors: apply.data.result.errors } : null}
          success="Backlog skipped"
        />
      )}
    </div>
  );
}

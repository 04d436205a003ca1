'use client';
// Reset a group's offsets on a topic: earliest, latest, a time or per-queue offsets; preview old and new offsets, then apply.

import { useEffect, useMemo, useState } from 'react';
import { useApiMutation, useGroup, useMe, useTopic } from '@/components/api/hooks';
import { seg } from '@/components/api/client';
import type { ResetApplyResponse, ResetPreviewResponse } from '@/components/api/types';
import { fmtNum, fromLocalInput, toLocalInput } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import { Button, Field, Input, Select } from '@/components/ui/button';
import { Table, Td, Th, THead, Tr } from '@/components/ui/table';
import { useDebounced } from '@/components/debounce';
import { ActionResult, RoleNotice } from './result';

type To = 'earliest' | 'latest' | 'timestamp' | 'offsets';

interface QueueKey {
  brokerName: string;
  queueId: number;
}

const qk = (q: QueueKey) => `${q.brokerName}#${q.queueId}`;

export function ResetOffsetForm({ group: fixedGroup, topic: fixedTopic }: { group?: string; topic?: string }) {
  const me = useMe();
  const [group, setGroup] = useState(fixedGroup ?? '');
  const [topic, setTopic] = useState(fixedTopic ?? '');
  const [to, setTo] = useState<To>('timestamp');
  const [time, setTime] = useState(() => toLocalInput(Date.now() - 3600_000));
  const [offsets, setOffsets] = useState<Record<string, string>>({});
  const groupQ = useGroup(useDebounced(group.trim(), 400));
  const groupTopics = useMemo(() => [...new Set(groupQ.data?.progress.queues.map((q) => q.topic) ?? [])].filter((t) => !t.startsWith('%RETRY%')), [groupQ.data]);
  const topicQ = useTopic(useDebounced(topic.trim(), 400));

  useEffect(() => {
    if (!topic && groupTopics.length === 1) setTopic(groupTopics[0]!);
  }, [groupTopics, topic]);

  // the queues the per-queue form edits: every queue of the topic, with the group's offset where it has one
  const queues = useMemo(() => {
    const own = new Map((groupQ.data?.progress.queues ?? []).filter((q) => q.topic === topic.trim()).map((q) => [qk(q), q.consumerOffset]));
    return (topicQ.data?.status.queues ?? []).map((q) => ({ brokerName: q.brokerName, queueId: q.queueId, current: own.get(qk(q)), min: q.minOffset, max: q.maxOffset }));
  }, [groupQ.data, topicQ.data, topic]);

  const body = (preview: boolean) => {
    const b: Record<string, unknown> = { topic: topic.trim(), to, preview };
    if (to === 'timestamp') b.timestamp = fromLocalInput(time);
    if (to === 'offsets') {
      b.offsets = queues.filter((q) => offsets[qk(q)] !== undefined && offsets[qk(q)] !== '').map((q) => ({ brokerName: q.brokerName, queueId: q.queueId, offset: Number(offsets[qk(q)]) }));
    }
    return b;
  };
  const path = `/api/consumer-groups/${seg(group.trim())}/reset-offset`;
  const preview = useApiMutation<Record<string, unknown>, ResetPreviewResponse>((b) => ({ method: 'POST', path, body: b }));
  const apply = useApiMutation<Record<string, unknown>, ResetApplyResponse>((b) => ({ method: 'POST', path, body: b }));
  const resetAll = () => {
    preview.reset();
    apply.reset();
  };
  const online = (groupQ.data?.connection?.connections.length ?? 0) > 0;
  const canSubmit = group.trim() !== '' && topic.trim() !== '' && (to !== 'timestamp' || fromLocalInput(time) !== undefined);

  return (
    <div className="space-y-4" data-testid="reset-offset-form">
      <RoleNotice role={me.data?.role} />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Consumer group">
          <Input value={group} onChange={(e) => { setGroup(e.target.value); resetAll(); }} readOnly={!!fixedGroup} required data-testid="reset-group" />
        </Field>
        <Field label="Topic" hint={groupTopics.length ? `The group consumes: ${groupTopics.join(', ')}` : undefined}>
          <Input value={topic} onChange={(e) => { setTopic(e.target.value); resetAll(); }} readOnly={!!fixedTopic} list="reset-topics" required data-testid="reset-topic" />
          <datalist id="reset-topics">
            {groupTopics.map((t) => <option key={t} value={t} />)}
          </datalist>
        </Field>
      </div>
      {group.trim() && groupQ.data && (
        <div className="text-sm">
          Group is {online ? <Badge tone="green">online</Badge> : <Badge tone="zinc">offline</Badge>}
          <span className="ml-2 text-xs text-zinc-500">
            {online ? 'the brokers push the new offsets to its running consumers' : 'the stored offsets are moved; consumers pick them up when they start'}
          </span>
        </div>
      )}
      <Field label="Reset to">
        <Select value={to} onChange={(e) => { setTo(e.target.value as To); resetAll(); }} data-testid="reset-to">
          <option value="earliest">Earliest offset (replay everything kept)</option>
          <option value="latest">Latest offset (skip everything not yet consumed)</option>
          <option value="timestamp">A point in time</option>
          <option value="offsets">Chosen offsets per queue</option>
        </Select>
      </Field>
      {to === 'timestamp' && (
        <Field label="Time (local)" hint="Each queue restarts at the first message stored at or after this time.">
          <Input type="datetime-local" step={1} value={time} onChange={(e) => { setTime(e.target.value); resetAll(); }} data-testid="reset-time" />
        </Field>
      )}
      {to === 'offsets' && (
        <div className="rounded-md border border-zinc-200 dark:border-zinc-800">
          <Table>
            <THead>
              <Th>Broker</Th>
              <Th>Queue</Th>
              <Th className="text-right">Consumer offset</Th>
              <Th className="text-right">Min / max offset</Th>
              <Th>New offset</Th>
            </THead>
            <tbody>
              {queues.length === 0 && (
                <tr><td colSpan={5} className="px-3 py-4 text-center text-sm text-zinc-500">{topic ? 'No queues found for this topic.' : 'Choose a topic.'}</td></tr>
              )}
              {queues.map((q) => (
                <Tr key={qk(q)}>
                  <Td>{q.brokerName}</Td>
                  <Td className="tabular-nums">{q.queueId}</Td>
                  <Td className="text-right tabular-nums">{fmtNum(q.current)}</Td>
                  <Td className="text-right tabular-nums">{fmtNum(q.min)} / {fmtNum(q.max)}</Td>
                  <Td>
                    <Input
                      type="number"
                      min={0}
                      className="h-7 w-32"
                      aria-label={`New offset of ${q.brokerName} queue ${q.queueId}`}
                      data-testid={`reset-offset-${q.brokerName}-${q.queueId}`}
                      value={offsets[qk(q)] ?? ''}
                      placeholder="unchanged"
                      onChange={(e) => { setOffsets((o) => ({ ...o, [qk(q)]: e.target.value })); resetAll(); }}
                    />
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
      <div className="flex flex-wrap justify-end gap-2">
        <Button onClick={() => { apply.reset(); preview.mutate(body(true)); }} disabled={!canSubmit || preview.isPending} data-testid="reset-preview">
          {preview.isPending ? 'Working out…' : 'Preview'}
        </Button>
        <Button variant="primary" onClick={() => apply.mutate(body(false))} disabled={!canSubmit || !preview.data || apply.isPending} data-testid="reset-apply" title={preview.data ? undefined : 'Preview first'}>
          {apply.isPending ? 'Resetting…' : 'Apply reset'}
        </Button>
      </div>
      {preview.error && <ActionResult error={preview.error} />}
      {preview.data && !apply.data && <PreviewTable data={preview.data} />}
      {(apply.data || apply.error) && <ApplyResult data={apply.data} error={apply.error} />}
    </div>
  );
}

function PreviewTable({ data }: { data: ResetPreviewResponse }) {
  return (
    <div className="rounded-md border border-sky-200 bg-sky-50/50 dark:border-sky-900/60 dark:bg-sky-950/20" data-testid="reset-preview-table">
      <div className="px-3 py-2 text-sm font-medium">Preview: the group’s offsets before and after, per queue (nothing changed yet)</div>
      <Table>
        <THead>
          <Th>Broker</Th>
          <Th>Queue</Th>
          <Th className="text-right">Min / max</Th>
          <Th className="text-right">Old offset</Th>
          <Th className="text-right">New offset</Th>
          <Th className="text-right">Change</Th>
        </THead>
        <tbody>
          {data.queues.length === 0 && <tr><td colSpan={6} className="px-3 py-4 text-center text-sm text-zinc-500">No queue to reset.</td></tr>}
          {data.queues.map((q) => {
            const old = q.currentOffset;
            const delta = old < 0 ? null : q.newOffset - old;
            return (
              <Tr key={`${q.brokerName}#${q.queueId}`} testId="preview-row">
                <Td>{q.brokerName}</Td>
                <Td className="tabular-nums">{q.queueId}</Td>
                <Td className="text-right tabular-nums text-zinc-500">{fmtNum(q.minOffset)} / {fmtNum(q.maxOffset)}</Td>
                <Td className="text-right tabular-nums" data-testid="preview-old">{old < 0 ? <span className="text-zinc-400">none</span> : fmtNum(old)}</Td>
                <Td className="text-right font-medium tabular-nums" data-testid="preview-new">{fmtNum(q.newOffset)}</Td>
                <Td className={`text-right tabular-nums ${delta === null || delta === 0 ? 'text-zinc-400' : delta < 0 ? 'text-amber-600' : 'text-sky-600'}`}>
                  {delta === null ? '—' : delta === 0 ? '0' : `${delta > 0 ? '+' : ''}${fmtNum(delta)}`}
                </Td>
              </Tr>
            );
          })}
        </tbody>
      </Table>
      {data.errors.length > 0 && (
        <ul className="px-3 py-2 text-sm text-red-700 dark:text-red-300">
          {data.errors.map((e, i) => <li key={i}>✗ {e.brokerName || e.brokerAddr}: {e.error}</li>)}
        </ul>
      )}
    </div>
  );
}

function ApplyResult({ data, error }: { data?: ResetApplyResponse; error: unknown }) {
  if (error || !data) return <ActionResult error={error} />;
  const r = data.result;
  const brokers = 'brokers' in r ? r.brokers : [];
  const byBroker = [...new Set(r.queues.map((q) => q.brokerName))];
  const done = brokers.length
    ? brokers.map((b) => ({ brokerName: `${b.brokerName} (${b.mode === 'online' ? 'through the broker, which tells online consumers' : 'offline: stored offsets moved'})`, brokerAddr: b.brokerAddr }))
    : byBroker.map((b) => ({ brokerName: b }));
  return (
    <ActionResult result={{ done, errors: r.errors, warnings: 'warnings' in r ? r.warnings : undefined }} success="Offsets reset">
      <table className="mt-2 text-xs" data-testid="reset-result-table">
        <thead>
          <tr className="text-left text-zinc-500">
            <th className="pr-4 font-medium">Broker</th>
            <th className="pr-4 font-medium">Queue</th>
            <th className="pr-4 text-right font-medium">Offset now</th>
          </tr>
        </thead>
        <tbody>
          {r.queues.map((q) => (
            <tr key={`${q.brokerName}#${q.queueId}`} data-testid="reset-result-row">
              <td className="pr-4">{q.brokerName}</td>
              <td className="pr-4 tabular-nums">{q.queueId}</td>
              <td className="pr-4 text-right tabular-nums">{fmtNum(q.resetOffset)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ActionResult>
  );
}

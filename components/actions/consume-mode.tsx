'use client';
// Switch a consumer group's consumption of a topic to POP or PULL (5.x brokers, as mqadmin setConsumeMode).

import { useState } from 'react';
import { useApiMutation, useMe } from '@/components/api/hooks';
import { seg } from '@/components/api/client';
import type { ConsumeModePreview, WriteResult } from '@/components/api/types';
import { Button, Field, Input, Select } from '@/components/ui/button';
import { ActionResult, RoleNotice } from './result';
import { useClusterNames } from './targets';

export function ConsumeModeForm({ group, topics }: { group: string; topics: string[] }) {
  const me = useMe();
  const { clusters } = useClusterNames();
  const [topic, setTopic] = useState(topics[0] ?? '');
  const [mode, setMode] = useState<'POP' | 'PULL'>('POP');
  const [share, setShare] = useState('0');
  const [cluster, setCluster] = useState('');
  const clusterName = cluster || clusters[0] || '';
  const m = useApiMutation<Record<string, unknown>, WriteResult>((body) => ({ method: 'POST', path: `/api/consumer-groups/${seg(group)}/consume-mode`, body }));
  const preview = useApiMutation<Record<string, unknown>, ConsumeModePreview>((body) => ({ method: 'POST', path: `/api/consumer-groups/${seg(group)}/consume-mode`, body }));
  const body = (p: boolean) => ({ topic: topic.trim(), mode, popShareQueueNum: Number(share), cluster: clusterName, preview: p });
  return (
    <form
      data-testid="consume-mode-form"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate(body(false));
      }}
    >
      <RoleNotice role={me.data?.role} />
      <Field label="Topic">
        <Input value={topic} onChange={(e) => setTopic(e.target.value)} required list="consume-mode-topics" data-testid="consume-mode-topic" />
        <datalist id="consume-mode-topics">{topics.map((t) => <option key={t} value={t} />)}</datalist>
      </Field>
      <Field label="Mode" hint="POP: the broker hands messages out and takes back unacked ones; PULL: 4.x rebalance and pull.">
        <Select value={mode} onChange={(e) => setMode(e.target.value === 'PULL' ? 'PULL' : 'POP')} data-testid="consume-mode-mode">
          <option value="POP">POP</option>
          <option value="PULL">PULL</option>
        </Select>
      </Field>
      {mode === 'POP' && (
        <Field label="Share queues of the next N consumers" hint="0: every consumer pops every queue.">
          <Input type="number" min={0} value={share} onChange={(e) => setShare(e.target.value)} />
        </Field>
      )}
      <Field label="Cluster" hint="Set on the cluster's masters (5.x brokers).">
        <Select value={clusterName} onChange={(e) => setCluster(e.target.value)}>
          {clusters.map((c) => <option key={c} value={c}>{c}</option>)}
        </Select>
      </Field>
      {preview.error && <ActionResult error={preview.error} />}
      {preview.data && (
        <div className="rounded border border-zinc-200 p-2 text-xs dark:border-zinc-800" data-testid="consume-mode-preview">
          {preview.data.unavailable && <div className="text-amber-700">Current modes unknown: {preview.data.unavailable}</div>}
          <ul>
            {preview.data.changes.map((c) => (
              <li key={c.brokerName}>{c.brokerName}: {c.from}{c.from === 'POP' ? ` (share ${c.fromShare})` : ''} → <b>{c.to}</b>{c.to === 'POP' ? ` (share ${c.toShare})` : ''}{c.changed ? '' : ' (no change)'}</li>
            ))}
          </ul>
        </div>
      )}
      <ActionResult result={m.data} error={m.error} success={`${group} consumes ${topic} by ${mode}`} />
      <div className="flex justify-end gap-2">
        <Button type="button" onClick={() => { m.reset(); preview.mutate(body(true)); }} disabled={topic.trim() === '' || preview.isPending} data-testid="consume-mode-preview-button">Preview</Button>
        <Button type="submit" variant="primary" disabled={topic.trim() === '' || m.isPending || !preview.data} title={preview.data ? undefined : 'Preview first'} data-testid="consume-mode-submit">
          {m.isPending ? 'Switching…' : 'Switch mode'}
        </Button>
      </div>
    </form>
  );
}

'use client';
// Create, update or delete a subscription group on a cluster or chosen broker groups; result per broker.

import { useState } from 'react';
import { useApiMutation, useMe } from '@/components/api/hooks';
import { seg } from '@/components/api/client';
import type { DeleteSubGroupResult, GroupSummary, WriteResult } from '@/components/api/types';
import { Button, Checkbox, Field, Input, Select } from '@/components/ui/button';
import { ActionResult, RoleNotice } from './result';
import { emptyTarget, selectorOf, TargetPicker, useClusterNames, type TargetChoice } from './targets';

export function GroupForm({ init, onDone }: { init?: { groupName: string; settings?: GroupSummary['settings'] }; onDone?: () => void }) {
  const me = useMe();
  const { clusters } = useClusterNames();
  const s = init?.settings;
  const [groupName, setName] = useState(init?.groupName ?? '');
  const [consumeEnable, setEnable] = useState(s?.consumeEnable ?? true);
  const [consumeBroadcastEnable, setBroadcast] = useState(s?.consumeBroadcastEnable ?? false);
  const [consumeFromMinEnable, setFromMin] = useState(s?.consumeFromMinEnable ?? false);
  const [consumeMessageOrderly, setOrderly] = useState(s?.consumeMessageOrderly ?? false);
  const [retryMaxTimes, setRetryMax] = useState(String(s?.retryMaxTimes ?? 16));
  const [retryQueueNums, setRetryQueues] = useState(String(s?.retryQueueNums ?? 1));
  const [brokerId, setBrokerId] = useState(String(s?.brokerId ?? 0));
  const [slowly, setSlowly] = useState(String(s?.whichBrokerWhenConsumeSlowly ?? 1));
  const [target, setTarget] = useState<TargetChoice>(emptyTarget);
  const m = useApiMutation<Record<string, unknown>, WriteResult>((body) => ({ method: 'POST', path: '/api/consumer-groups', body }));
  const editing = !!init?.groupName;
  return (
    <form
      data-testid="group-form"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate(
          {
            groupName: groupName.trim(), consumeEnable, consumeBroadcastEnable, consumeFromMinEnable, consumeMessageOrderly,
            retryMaxTimes: Number(retryMaxTimes), retryQueueNums: Number(retryQueueNums), brokerId: Number(brokerId),
            whichBrokerWhenConsumeSlowly: Number(slowly), ...selectorOf(target, clusters[0]),
          },
          { onSuccess: (r) => r.errors.length === 0 && onDone?.() },
        );
      }}
    >
      <RoleNotice role={me.data?.role} />
      <Field label="Group name">
        <Input value={groupName} onChange={(e) => setName(e.target.value)} required readOnly={editing} data-testid="group-name" placeholder="order-service" />
      </Field>
      <TargetPicker value={target} onChange={setTarget} />
      <div className="grid gap-2 sm:grid-cols-2">
        <Checkbox label="Consume enabled" checked={consumeEnable} onChange={(e) => setEnable(e.target.checked)} />
        <Checkbox label="Broadcast consumption" checked={consumeBroadcastEnable} onChange={(e) => setBroadcast(e.target.checked)} />
        <Checkbox label="Start from the earliest offset" checked={consumeFromMinEnable} onChange={(e) => setFromMin(e.target.checked)} />
        <Checkbox label="Orderly consumption" checked={consumeMessageOrderly} onChange={(e) => setOrderly(e.target.checked)} />
      </div>
      <div className="grid gap-3 sm:grid-cols-4">
        <Field label="Max retries">
          <Input type="number" min={-1} value={retryMaxTimes} onChange={(e) => setRetryMax(e.target.value)} />
        </Field>
        <Field label="Retry queues">
          <Input type="number" min={1} value={retryQueueNums} onChange={(e) => setRetryQueues(e.target.value)} />
        </Field>
        <Field label="Consume from brokerId">
          <Input type="number" min={0} value={brokerId} onChange={(e) => setBrokerId(e.target.value)} />
        </Field>
        <Field label="When slow, brokerId">
          <Input type="number" min={0} value={slowly} onChange={(e) => setSlowly(e.target.value)} />
        </Field>
      </div>
      <ActionResult result={m.data} error={m.error} success={`Group ${groupName} ${editing ? 'updated' : 'saved'}`} />
      <div className="flex justify-end">
        <Button type="submit" variant="primary" disabled={m.isPending} data-testid="group-submit">
          {m.isPending ? 'Saving…' : editing ? 'Update group' : 'Create group'}
        </Button>
      </div>
    </form>
  );
}

export function DeleteGroupForm({ group: fixed, onDone }: { group?: string; onDone?: () => void }) {
  const me = useMe();
  const { clusters } = useClusterNames();
  const [group, setGroup] = useState(fixed ?? '');
  const [cluster, setCluster] = useState('');
  const [confirm, setConfirm] = useState('');
  const m = useApiMutation<{ group: string; cluster: string }, DeleteSubGroupResult>((v) => ({ method: 'DELETE', path: `/api/consumer-groups/${seg(v.group)}`, query: { cluster: v.cluster } }));
  const clusterName = cluster || clusters[0] || '';
  const ready = group.trim() !== '' && confirm === group.trim();
  return (
    <form
      data-testid="delete-group-form"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) m.mutate({ group: group.trim(), cluster: clusterName }, { onSuccess: (r) => r.errors.length === 0 && onDone?.() });
      }}
    >
      <RoleNotice role={me.data?.role} />
      {!fixed && (
        <Field label="Group">
          <Input value={group} onChange={(e) => setGroup(e.target.value)} required data-testid="delete-group-name" />
        </Field>
      )}
      <Field label="Cluster" hint="The subscription group is removed from the cluster's masters, with its retry and DLQ topics.">
        <Select value={clusterName} onChange={(e) => setCluster(e.target.value)}>
          {clusters.map((c) => <option key={c} value={c}>{c}</option>)}
        </Select>
      </Field>
      <Field label={<>Type <strong className="font-mono">{group || 'the group name'}</strong> to confirm</>}>
        <Input value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" data-testid="delete-group-confirm" />
      </Field>
      <ActionResult result={m.data} error={m.error} success={`Group ${m.data?.groupName ?? ''} deleted`}>
        {!!m.data?.deletedTopics?.length && <div className="mt-1 text-xs">Also deleted: {m.data.deletedTopics.join(', ')}</div>}
        {!!m.data?.topicErrors?.length && <div className="mt-1 text-xs text-red-700">{m.data.topicErrors.join('; ')}</div>}
      </ActionResult>
      <div className="flex justify-end">
        <Button type="submit" variant="danger" disabled={!ready || m.isPending} data-testid="delete-group-submit">
          {m.isPending ? 'Deleting…' : 'Delete group'}
        </Button>
      </div>
    </form>
  );
}

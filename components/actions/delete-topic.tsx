'use client';
// Delete a topic from a cluster's brokers and the nameservers; the name must be typed to confirm.

import { useState } from 'react';
import { useApiMutation, useMe } from '@/components/api/hooks';
import { seg } from '@/components/api/client';
import type { DeleteTopicResult } from '@/components/api/types';
import { Button, Field, Input, Select } from '@/components/ui/button';
import { ActionResult, RoleNotice } from './result';
import { useClusterNames } from './targets';

export function DeleteTopicForm({ topic: fixed, onDone }: { topic?: string; onDone?: () => void }) {
  const me = useMe();
  const { clusters } = useClusterNames();
  const [topic, setTopic] = useState(fixed ?? '');
  const [cluster, setCluster] = useState('');
  const [confirm, setConfirm] = useState('');
  const m = useApiMutation<{ topic: string; cluster: string }, DeleteTopicResult>((v) => ({ method: 'DELETE', path: `/api/topics/${seg(v.topic)}`, query: { cluster: v.cluster } }));
  const clusterName = cluster || clusters[0] || '';
  const ready = topic.trim() !== '' && confirm === topic.trim();
  return (
    <form
      data-testid="delete-topic-form"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) m.mutate({ topic: topic.trim(), cluster: clusterName }, { onSuccess: (r) => r.errors.length === 0 && onDone?.() });
      }}
    >
      <RoleNotice role={me.data?.role} />
      {!fixed && (
        <Field label="Topic">
          <Input value={topic} onChange={(e) => setTopic(e.target.value)} required data-testid="delete-topic-name" />
        </Field>
      )}
      <Field label="Cluster" hint="The topic is removed from every master and slave of this cluster, then from every nameserver.">
        <Select value={clusterName} onChange={(e) => setCluster(e.target.value)}>
          {clusters.map((c) => <option key={c} value={c}>{c}</option>)}
        </Select>
      </Field>
      <Field label={<>Type <strong className="font-mono">{topic || 'the topic name'}</strong> to confirm</>}>
        <Input value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" data-testid="delete-topic-confirm" />
      </Field>
      <ActionResult result={m.data} error={m.error} success={`Topic ${m.data?.topic ?? ''} deleted`} />
      <div className="flex justify-end">
        <Button type="submit" variant="danger" disabled={!ready || m.isPending} data-testid="delete-topic-submit">
          {m.isPending ? 'Deleting…' : 'Delete topic'}
        </Button>
      </div>
    </form>
  );
}

'use client';
// Create or update a topic on a cluster or chosen broker groups: queue counts, permission, order; result per broker.

import { useState } from 'react';
import { useApiMutation, useMe } from '@/components/api/hooks';
import type { TopicWriteResult } from '@/components/api/types';
import { Button, Checkbox, Field, Input, Select } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { ActionResult, RoleNotice } from './result';
import { canChange } from '@/components/auth/roles';
import { emptyTarget, selectorOf, TargetPicker, useClusterNames, type TargetChoice } from './targets';

export const PERMS = [
  { value: 6, label: 'Read and write (6)' },
  { value: 4, label: 'Read only (4)' },
  { value: 2, label: 'Write only (2)' },
];

export interface TopicFormInit {
  topic?: string;
  readQueueNums?: number;
  writeQueueNums?: number;
  perm?: number;
  order?: boolean;
}

export function TopicForm({ init, onDone }: { init?: TopicFormInit; onDone?: (topic: string) => void }) {
  const me = useMe();
  const { clusters } = useClusterNames();
  const [topic, setTopic] = useState(init?.topic ?? '');
  const [readQueueNums, setRead] = useState(String(init?.readQueueNums ?? 8));
  const [writeQueueNums, setWrite] = useState(String(init?.writeQueueNums ?? 8));
  const [perm, setPerm] = useState(init?.perm ?? 6);
  const [order, setOrder] = useState(init?.order ?? false);
  const [target, setTarget] = useState<TargetChoice>(emptyTarget);
  const [messageType, setMessageType] = useState('');
  const m = useApiMutation<Record<string, unknown>, TopicWriteResult>((body) => ({ method: 'POST', path: '/api/topics', body }));
  const editing = !!init?.topic;
  return (
    <form
      data-testid="topic-form"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate(
          { topic: topic.trim(), readQueueNums: Number(readQueueNums), writeQueueNums: Number(writeQueueNums), perm, order, ...(messageType ? { messageType } : {}), ...selectorOf(target, clusters[0]) },
          { onSuccess: (r) => r.errors.length === 0 && onDone?.(r.topic) },
        );
      }}
    >
      <RoleNotice role={me.data?.role} />
      <Field label="Topic name" hint="Letters, digits, '-', '_', '|' and '%'; at most 127 characters.">
        <Input value={topic} onChange={(e) => setTopic(e.target.value)} required readOnly={editing} name="topic" data-testid="topic-name" placeholder="OrderEvents" />
      </Field>
      <TargetPicker value={target} onChange={setTarget} />
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Read queues">
          <Input type="number" min={1} max={1024} value={readQueueNums} onChange={(e) => setRead(e.target.value)} required data-testid="read-queues" />
        </Field>
        <Field label="Write queues">
          <Input type="number" min={1} max={1024} value={writeQueueNums} onChange={(e) => setWrite(e.target.value)} required data-testid="write-queues" />
        </Field>
        <Field label="Permission">
          <Select value={perm} onChange={(e) => setPerm(Number(e.target.value))} data-testid="topic-perm">
            {PERMS.map((p) => <option key={p.value} value={p.value}>{p.label}</option>)}
          </Select>
        </Field>
      </div>
      <Checkbox label="Ordered topic (writes the order config to the nameservers)" checked={order} onChange={(e) => setOrder(e.target.checked)} />
      {!editing && (
        <Field label="Message type (5.x)" hint="The topic's message.type attribute; 4.x brokers keep no attributes.">
          <Select value={messageType} onChange={(e) => setMessageType(e.target.value)} data-testid="topic-message-type-select">
            <option value="">broker default (NORMAL)</option>
            {['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'].map((t) => <option key={t} value={t}>{t}</option>)}
          </Select>
        </Field>
      )}
      <ActionResult result={m.data} error={m.error} success={`Topic ${m.data?.topic ?? ''} ${editing ? 'updated' : 'created'}`} />
      <div className="flex justify-end">
        <Button type="submit" variant="primary" disabled={m.isPending} data-testid="topic-submit">
          {m.isPending ? 'Saving…' : editing ? 'Update topic' : 'Create topic'}
        </Button>
      </div>
    </form>
  );
}

/** For those who may change topics (the API refuses the rest anyway). */
export function CreateTopicButton() {
  const [open, setOpen] = useState(false);
  const me = useMe();
  if (!canChange(me.data?.role)) return null;
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)} data-testid="new-topic">+ New topic</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Create topic">
        <TopicForm />
      </Dialog>
    </>
  );
}

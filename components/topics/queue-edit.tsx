'use client';
// Change a topic's queue counts or permission safely: the preview shows each broker's next step (write queues are
// closed before read queues are removed) and warns when removing read queues would strand unconsumed messages.

import { useState } from 'react';
import { useApiMutation, useMe } from '@/components/api/hooks';
import { seg } from '@/components/api/client';
import type { TopicEditPlan, TopicEditResult } from '@/components/api/types';
import { permText } from '@/components/format';
import { Button, Checkbox, Field, Input, Select } from '@/components/ui/button';
import { Table, Td, Th, THead, Tr } from '@/components/ui/table';
import { ActionResult, RoleNotice } from '@/components/actions/result';

type Counts = { readQueueNums: number; writeQueueNums: number; perm: number };
const fmt = (c: Counts | null) => (c ? `${c.readQueueNums} read / ${c.writeQueueNums} write, ${permText(c.perm)}` : '—');

export function QueueEditForm({ topic, init }: { topic: string; init?: Partial<Counts> }) {
  const me = useMe();
  const [read, setRead] = useState(String(init?.readQueueNums ?? ''));
  const [write, setWrite] = useState(String(init?.writeQueueNums ?? ''));
  const [perm, setPerm] = useState(String(init?.perm ?? 6));
  const [accept, setAccept] = useState(false);
  const path = `/api/topics/${seg(topic)}/queues`;
  const preview = useApiMutation<Record<string, unknown>, TopicEditPlan & { preview: true }>((b) => ({ method: 'POST', path, body: b }));
  const apply = useApiMutation<Record<string, unknown>, TopicEditResult & { preview: false }>((b) => ({ method: 'POST', path, body: b }));
  const body = (p: boolean) => ({ readQueueNums: Number(read), writeQueueNums: Number(write), perm: Number(perm), preview: p, acceptStranded: accept });
  const reset = () => { preview.reset(); apply.reset(); };
  const stranded = preview.data?.brokers.some((b) => b.stranded.length > 0) ?? false;
  return (
    <div className="space-y-4" data-testid="queue-edit-form">
      <RoleNotice role={me.data?.role} />
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Read queues"><Input type="number" min={1} value={read} onChange={(e) => { setRead(e.target.value); reset(); }} data-testid="qe-read" /></Field>
        <Field label="Write queues"><Input type="number" min={1} value={write} onChange={(e) => { setWrite(e.target.value); reset(); }} data-testid="qe-write" /></Field>
        <Field label="Permission">
          <Select value={perm} onChange={(e) => { setPerm(e.target.value); reset(); }} data-testid="qe-perm">
            <option value="6">read and write</option>
            <option value="4">read only</option>
            <option value="2">write only</option>
          </Select>
        </Field>
      </div>
      <div className="flex justify-end gap-2">
        <Button onClick={() => { apply.reset(); preview.mutate(body(true)); }} disabled={!read || !write || preview.isPending} data-testid="qe-preview">Preview</Button>
        <Button variant="primary" onClick={() => apply.mutate(body(false))} disabled={!preview.data || apply.isPending || (stranded && !accept)} data-testid="qe-apply" title={preview.data ? undefined : 'Preview first'}>Apply next step</Button>
      </div>
      {preview.error && <ActionResult error={preview.error} />}
      {preview.data && !apply.data && (
        <div className="space-y-2" data-testid="qe-preview-table">
          {preview.data.warnings.map((w, i) => (
            <div key={i} role="alert" data-testid="qe-warning" className={`rounded-md border px-3 py-2 text-sm ${w.includes('strands') ? 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/30 dark:text-amber-200' : 'border-sky-200 bg-sky-50 dark:border-sky-900/60 dark:bg-sky-950/20'}`}>{w}</div>
          ))}
          <Table>
            <THead><Th>Broker</Th><Th>Now</Th><Th>Next step</Th><Th>Later</Th></THead>
            <tbody>
              {preview.data.brokers.map((b) => (
                <Tr key={b.brokerName}><Td>{b.brokerName}</Td><Td>{fmt(b.current)}</Td><Td className="font-medium">{b.next ? fmt(b.next) : 'nothing to do'}</Td><Td>{fmt(b.later)}</Td></Tr>
              ))}
            </tbody>
          </Table>
          {stranded && <Checkbox label="Remove the read queues anyway: their unconsumed messages will not be consumed" checked={accept} onChange={(e) => setAccept(e.target.checked)} data-testid="qe-accept" />}
        </div>
      )}
      {(apply.data || apply.error) && (
        <ActionResult
          error={apply.error}
          result={apply.data ? { done: apply.data.writes.flatMap((w) => w.result.done), errors: [...apply.data.plan.errors, ...apply.data.writes.flatMap((w) => w.result.errors)] } : null}
          success={apply.data?.plan.brokers.some((b) => b.later) ? 'Step done: apply again for the read queues once consumers caught up' : 'Queues changed'}
        />
      )}
    </div>
  );
}

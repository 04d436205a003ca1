'use client';
// A 5.x topic's attributes: its message type (NORMAL, FIFO, DELAY, TRANSACTION) and the rest, editable by operators
// (PUT /api/topics/{topic}/attributes keeps queues, permission and order).

import { useState } from 'react';
import { useApiMutation, useMe } from '@/components/api/hooks';
import { seg } from '@/components/api/client';
import { ActionResult, RoleNotice } from '@/components/actions/result';
import { Badge } from '@/components/ui/badge';
import { Button, Field, Select } from '@/components/ui/button';
import { Card } from '@/components/ui/card';

const TYPES = ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'] as const;
const TONE = { NORMAL: 'zinc', FIFO: 'blue', DELAY: 'amber', TRANSACTION: 'violet' } as const;

export function MessageTypeBadge({ type }: { type: string | null | undefined }) {
  if (!type || type === 'NORMAL') return null;
  return <Badge tone={TONE[type as keyof typeof TONE] ?? 'zinc'} title="5.x message.type" testId="message-type">{type}</Badge>;
}

interface EditResult { attributes: string; done: Array<{ brokerName: string; brokerAddr: string }>; errors: Array<{ brokerName: string; brokerAddr: string; error: string }> }

export function TopicAttributesCard({ topic, messageType, attributes }: { topic: string; messageType: string | null; attributes: Record<string, string> | null }) {
  const me = useMe();
  const [type, setType] = useState(messageType ?? 'NORMAL');
  const m = useApiMutation<{ messageType: string }, EditResult>((b) => ({ method: 'PUT', path: `/api/topics/${seg(topic)}/attributes`, body: b }));
  if (attributes === null) {
    return <Card title="Attributes" testId="topic-attributes"><span className="text-sm text-zinc-500" data-testid="not-available">Topic attributes are not available on this version (4.x brokers keep none).</span></Card>;
  }
  const others = Object.entries(attributes).filter(([k]) => k !== 'message.type');
  return (
    <Card title="Attributes" testId="topic-attributes">
      <div className="flex flex-wrap items-end gap-4">
        <div className="text-sm">
          <div className="text-xs uppercase tracking-wide text-zinc-500">Message type</div>
          <div className="mt-1 font-medium" data-testid="topic-message-type">{messageType}</div>
        </div>
        {others.length > 0 && (
          <ul className="text-xs">{others.map(([k, v]) => <li key={k}><span className="font-mono">{k}</span> = {v}</li>)}</ul>
        )}
        <form className="ml-auto flex items-end gap-2" onSubmit={(e) => { e.preventDefault(); m.mutate({ messageType: type }); }} data-testid="message-type-form">
          <Field label="Change to">
            <Select value={type} onChange={(e) => setType(e.target.value)} data-testid="message-type-select">
              {TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
            </Select>
          </Field>
          <Button type="submit" disabled={m.isPending || type === messageType} data-testid="message-type-save">Save</Button>
        </form>
      </div>
      <RoleNotice role={me.data?.role} />
      <ActionResult result={m.data} error={m.error} success={`${topic} is now ${type}`} />
    </Card>
  );
}

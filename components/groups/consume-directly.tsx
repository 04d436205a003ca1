'use client';
// Hand one stored message to one member of the group (CONSUME_MESSAGE_DIRECTLY) and show how its listener handled it.

import { useState } from 'react';
import { seg } from '@/components/api/client';
import { useApiMutation, useMe } from '@/components/api/hooks';
import { Button, Input } from '@/components/ui/button';
import { ActionResult } from '@/components/actions/result';
import type { ConsumeDirectlyResult } from '@/lib/admin/index.ts';
import { canChange } from '@/components/auth/roles';

export function ConsumeDirectly({ group, clientId }: { group: string; clientId: string }) {
  const me = useMe();
  const [msgId, setMsgId] = useState('');
  const [topic, setTopic] = useState('');
  const m = useApiMutation<void, ConsumeDirectlyResult>(() => ({
    method: 'POST', path: `/api/consumer-groups/${seg(group)}/consume-directly`, body: { clientId, msgId: msgId.trim(), ...(topic.trim() ? { topic: topic.trim() } : {}) },
  }));
  if (!canChange(me.data?.role)) return null;
  return (
    <form className="mt-1 flex flex-wrap items-center gap-2" onSubmit={(e) => { e.preventDefault(); if (msgId.trim()) m.mutate(); }} data-testid="consume-directly">
      <Input value={msgId} onChange={(e) => setMsgId(e.target.value)} placeholder="message id" className="h-7 w-64 text-xs" />
      <Input value={topic} onChange={(e) => setTopic(e.target.value)} placeholder="topic (for a producer's id)" className="h-7 w-48 text-xs" />
      <Button size="sm" type="submit" disabled={m.isPending || !msgId.trim()}>Consume on this client</Button>
      {m.data && <span className="text-xs" data-testid="consume-directly-result">{m.data.consumeResult} in {m.data.spentTimeMills} ms{m.data.remark ? `: ${m.data.remark}` : ''}</span>}
      {m.error && <ActionResult error={m.error} />}
    </form>
  );
}

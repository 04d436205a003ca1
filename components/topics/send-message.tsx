'use client';
// Send a test message to a topic: body, tags and keys, plus the message group of a FIFO topic or the delivery time of
// a DELAY topic; shows where it was stored and its ids.

import Link from 'next/link';
import { useState } from 'react';
import { useApiMutation, useMe } from '@/components/api/hooks';
import { seg } from '@/components/api/client';
import type { SendTestMessageResult } from '@/components/api/types';
import { ActionResult, RoleNotice } from '@/components/actions/result';
import { Button, Field, Input, Textarea } from '@/components/ui/button';
import { KV } from '@/components/ui/card';

export function SendMessageForm({ topic, messageType = null }: { topic: string; messageType?: string | null }) {
  const me = useMe();
  const [body, setBody] = useState('{"hello": "rocketdeck"}');
  const [tags, setTags] = useState('');
  const [keys, setKeys] = useState('');
  const [messageGroup, setMessageGroup] = useState('');
  const [delaySeconds, setDelaySeconds] = useState('60');
  const m = useApiMutation<{ body: string; tags?: string; keys?: string; messageGroup?: string; deliverTime?: number }, SendTestMessageResult>((b) => ({ method: 'POST', path: `/api/topics/${seg(topic)}/messages`, body: b }));
  return (
    <form
      className="space-y-3"
      data-testid="send-message-form"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate({
          body, tags: tags.trim() || undefined, keys: keys.trim() || undefined,
          ...(messageType === 'FIFO' ? { messageGroup: messageGroup.trim() } : {}),
          ...(messageType === 'DELAY' ? { deliverTime: Date.now() + Number(delaySeconds) * 1000 } : {}),
        });
      }}
    >
      <RoleNotice role={me.data?.role} />
      <Field label="Body">
        <Textarea rows={5} value={body} onChange={(e) => setBody(e.target.value)} data-testid="message-body" />
      </Field>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Tags">
          <Input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="TagA" data-testid="message-tags" />
        </Field>
        <Field label="Keys" hint="Space-separated; searchable on the Messages page.">
          <Input value={keys} onChange={(e) => setKeys(e.target.value)} placeholder="order-1001" data-testid="message-keys" />
        </Field>
      </div>
      {messageType === 'FIFO' && (
        <Field label="Message group" hint="FIFO topic: messages of one group are stored in one queue and consumed in order.">
          <Input value={messageGroup} onChange={(e) => setMessageGroup(e.target.value)} required placeholder="order-1001" data-testid="message-group" />
        </Field>
      )}
      {messageType === 'DELAY' && (
        <Field label="Deliver in (seconds)" hint="DELAY topic: the message is a timer message, delivered at this time.">
          <Input type="number" min={1} value={delaySeconds} onChange={(e) => setDelaySeconds(e.target.value)} required data-testid="deliver-in" />
        </Field>
      )}
      {m.error && <ActionResult error={m.error} />}
      {m.data && (
        <div data-testid="send-result" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm dark:border-emerald-900/60 dark:bg-emerald-950/30">
          <div className="mb-1 font-medium" data-testid="send-status">{m.data.sendStatus}</div>
          <KV
            items={[
              ['Message id', <Link key="id" href={`/messages?msgId=${encodeURIComponent(m.data.msgId)}&topic=${encodeURIComponent(topic)}`} className="font-mono text-xs text-orange-700 hover:underline dark:text-orange-400" data-testid="sent-msg-id">{m.data.msgId}</Link>],
              ['Offset id', <span key="o" className="font-mono text-xs">{m.data.offsetMsgId}</span>],
              ['Stored on', `${m.data.brokerName} queue ${m.data.queueId} at offset ${m.data.queueOffset}`],
            ]}
          />
        </div>
      )}
      <div className="flex justify-end">
        <Button type="submit" variant="primary" disabled={m.isPending} data-testid="send-submit">{m.isPending ? 'Sending…' : 'Send message'}</Button>
      </div>
    </form>
  );
}

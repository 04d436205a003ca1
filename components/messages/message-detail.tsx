'use client';
// One message: ids, topic and queue, tags and keys, times and hosts, properties, body, and which groups consumed it.

import Link from 'next/link';
import { useState } from 'react';
import { useMessageConsumers } from '@/components/api/hooks';
import type { MessageView } from '@/components/api/types';
import { fmtTime } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { KV } from '@/components/ui/card';
import { ErrorBox, Spinner } from '@/components/ui/states';
import { BodyView } from './body-view';

/** A message's properties, sorted by name (the message page and a dead letter's detail). */
export function PropertiesTable({ properties, testId }: { properties: Record<string, string>; testId?: string }) {
  const props = Object.entries(properties).sort((a, b) => a[0].localeCompare(b[0]));
  return (
    <div>
      <h3 className="mb-2 text-sm font-semibold">Properties</h3>
      <table className="w-full text-xs" data-testid={testId}>
        <tbody>
          {props.map(([k, v]) => (
            <tr key={k} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
              <td className="w-1/3 py-1 pr-3 font-mono text-zinc-500">{k}</td>
              <td className="break-all py-1 font-mono">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ConsumedBy({ m }: { m: MessageView }) {
  const [asked, setAsked] = useState(false);
  const q = useMessageConsumers(asked ? m.msgId : null, m.topic);
  if (!asked) return <Button size="sm" onClick={() => setAsked(true)} data-testid="check-consumers">Check which groups consumed it</Button>;
  if (q.isPending) return <span className="inline-flex items-center gap-2 text-sm text-zinc-500"><Spinner /> Asking the brokers…</span>;
  if (q.error) return <ErrorBox error={q.error} title="Could not work out the consumers" />;
  const groups = q.data.groups;
  if (groups.length === 0) return <span className="text-sm text-zinc-500">No group subscribes to this topic.</span>;
  return (
    <ul className="space-y-1 text-sm" data-testid="consumed-by">
      {groups.map((g) => {
        return (
          <li key={g.group} className="flex items-center gap-2" data-testid="consumed-by-row">
            <Link href={`/groups/${encodeURIComponent(g.group)}`} className="text-orange-700 hover:underline dark:text-orange-400">{g.group}</Link>
            {g.error ? (
              <span className="text-xs text-red-600 dark:text-red-400">{g.error}</span>
            ) : (
              <Badge tone={g.consumed ? 'green' : 'amber'}>{g.consumed ? 'consumed' : 'not consumed yet'}</Badge>
            )}
            {g.consumerOffset !== null && <span className="text-xs text-zinc-500">group offset {g.consumerOffset} on queue {m.queueId} (message at {m.queueOffset})</span>}
          </li>
        );
      })}
    </ul>
  );
}

export function MessageDetail({ m }: { m: MessageView & { masked?: string[] } }) {
  return (
    <div className="space-y-5" data-testid="message-detail">
      <KV
        items={[
          ['Message id', <span key="id" className="font-mono text-xs" data-testid="detail-msg-id">{m.msgId}</span>],
          ['Offset id', <span key="oid" className="font-mono text-xs">{m.offsetMsgId}</span>],
          ['Topic', <Link key="t" href={`/topics/${encodeURIComponent(m.topic)}`} className="text-orange-700 hover:underline dark:text-orange-400">{m.topic}</Link>],
          ['Tags', m.tags ? <Badge key="tags" tone="blue">{m.tags}</Badge> : '—'],
          ['Keys', m.keys.length ? <span key="k" className="flex flex-wrap gap-1">{m.keys.map((k) => <Badge key={k}>{k}</Badge>)}</span> : '—'],
          ['Queue', `${m.queueId} at offset ${m.queueOffset}`],
          ['Stored', <span key="st" data-testid="detail-store-time">{fmtTime(m.storeTimestamp, true)}</span>],
          ['Store host', <span key="sh" className="font-mono text-xs">{m.storeHost}</span>],
          ['Born', `${fmtTime(m.bornTimestamp, true)} on ${m.bornHost}`],
          ['Reconsume times', m.reconsumeTimes],
          ['Size', `${m.storeSize} bytes stored`],
          ['Trace', <Link key="tr" href={`/trace?msgId=${encodeURIComponent(m.msgId)}&topic=${encodeURIComponent(m.topic)}`} className="text-orange-700 hover:underline dark:text-orange-400" data-testid="detail-trace-link">produced, stored and consumed: the trace</Link>],
          ...(m.masked?.length ? [['Masked', <Badge key="masked" tone="amber" testId="detail-masked">{m.masked.join(', ')}</Badge>] as [string, React.ReactNode]] : []),
        ]}
      />
      <div>
        <h3 className="mb-2 text-sm font-semibold">Body</h3>
        <BodyView text={m.body} base64={m.bodyBase64} />
      </div>
      <PropertiesTable properties={m.properties} testId="message-properties" />
      <div>
        <h3 className="mb-2 text-sm font-semibold">Consumed by</h3>
        <ConsumedBy m={m} />
      </div>
    </div>
  );
}

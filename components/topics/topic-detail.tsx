'use client';
// Topic detail: route, per-queue offsets and last write, producers, consuming groups with lag; update, delete, test send.

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { useHistory, useTopic } from '@/components/api/hooks';
import { TimeChart } from '@/components/charts/time-chart';
import type { TopicDetailResponse } from '@/components/api/types';
import { fmtAgo, fmtDuration, fmtNum, fmtRate, fmtTime, permText } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import { ProtocolBadge } from '@/components/clients/protocol-badge';
import { Button, Input } from '@/components/ui/button';
import { Card, PageHeader, Stat } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { BrokerErrors, ErrorBox, PageSkeleton } from '@/components/ui/states';
import { FullRow, Table, Td, Th, THead, Tr } from '@/components/ui/table';
import { TopicForm } from '@/components/actions/topic-form';
import { DeleteTopicForm } from '@/components/actions/delete-topic';
import { SendMessageForm } from './send-message';
import { MessageTypeBadge, TopicAttributesCard } from './topic-attributes';
import { QueueEditForm } from './queue-edit';

/** Producer groups the brokers saw sending to the topic, one row per connection. */
function ProducerConnections({ groups, now }: { groups: NonNullable<TopicDetailResponse['producerGroups']>; now: number }) {
  const rows = groups.flatMap((g) => g.connections.map((c, i) => ({ c, first: i === 0, group: g.producerGroup })));
  return (
    <Table>
      <THead>
        <Th>Group</Th>
        <Th>Client</Th>
        <Th>Address</Th>
        <Th>Language</Th>
        <Th>Version</Th>
        <Th>Protocol</Th>
        <Th className="text-right">Send TPS</Th>
        <Th>Last send</Th>
      </THead>
      <tbody>
        {rows.length === 0 && <FullRow colSpan={8}>No producer sent to this topic in the last minutes.</FullRow>}
        {rows.map(({ c, first, group }) => (
          <Tr key={`${c.brokerName} ${group} ${c.clientAddr}`} testId="producer-row">
            <Td className="text-xs font-medium">{first ? group : ''}</Td>
            <Td className="font-mono text-xs">{c.clientId || <span className="text-zinc-400" title="No producer heartbeat seen on this connection">—</span>}</Td>
            <Td className="font-mono text-xs" title={`via ${c.brokerName}`}>{c.clientAddr}</Td>
            <Td className="text-xs" data-testid="producer-language">{c.language}</Td>
            <Td className="text-xs" data-testid="producer-version">{c.versionName}</Td>
            <Td>{c.protocolType
              ? <Badge tone="violet" title="A gRPC endpoint sending for its gRPC clients (each is listed by the producer group lookup below)" testId="producer-protocol">gRPC endpoint</Badge>
              : <Badge tone="zinc" title="RocketMQ remoting protocol (TCP)" testId="producer-protocol">remoting</Badge>}</Td>
            <Td className="text-right text-xs tabular-nums" data-testid="producer-tps"><span title={`${fmtNum(c.sendCount)} sends since first seen; rate over the last minute`}>{fmtRate(c.sendTps)}</span></Td>
            <Td className="text-xs"><span title={fmtTime(c.lastSendTimestamp)}>{fmtAgo(c.lastSendTimestamp, now)}</span></Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}

/** Brokers that cannot list a topic's producers (Apache RocketMQ): the operator names a producer group instead. */
function ProducerGroupBox({ value, onChange, fetching, byTopicKnown }: { value: string; onChange(v: string): void; fetching: boolean; byTopicKnown: boolean }) {
  const [text, setText] = useState(value);
  return (
    <form
      className="flex items-center gap-2 border-b border-zinc-200 px-3 py-2.5 dark:border-zinc-800"
      onSubmit={(e) => {
        e.preventDefault();
        onChange(text.trim());
      }}
    >
      <Input value={text} onChange={(e) => setText(e.target.value)} placeholder="Producer group" aria-label="Producer group" data-testid="producer-group-input" className="w-64" />
      <Button type="submit" size="sm" disabled={fetching && text.trim() === value}>Show connections</Button>
      {!value && !byTopicKnown && <span className="text-xs text-zinc-500">RocketMQ keeps producers by group, not by topic: name a group.</span>}
      {!value && byTopicKnown && <span className="text-xs text-zinc-500">Look up every connection of a producer group (GET_PRODUCER_CONNECTION_LIST).</span>}
    </form>
  );
}

type Open = 'update' | 'queues' | 'delete' | 'send' | null;

/** Put TPS of the topic over the last 15 minutes, from the console's history. */
function useTopicTps(topic: string) {
  const h = useHistory('topic', topic, 'tps', 15 * 60_000);
  const rows = useMemo(() => (h.data?.points ?? []).map((p) => ({ ts: p.ts, tps: p.value })), [h.data]);
  return { rows, latest: rows.length ? rows[rows.length - 1]!.tps : undefined, pending: h.isPending };
}

export function TopicDetail({ topic }: { topic: string }) {
  const [producerGroup, setProducerGroup] = useState('');
  const q = useTopic(topic, true, producerGroup);
  const tps = useTopicTps(topic);
  const router = useRouter();
  const [open, setOpen] = useState<Open>(null);
  if (q.isPending) return <PageSkeleton title={topic} />;
  const d = q.data;
  const back = <Link href="/topics" className="text-sm text-zinc-500 hover:underline">← Topics</Link>;
  if (!d) {
    return (
      <>
        <PageHeader title={topic}>{back}</PageHeader>
        <ErrorBox error={q.error} title={`Could not load topic ${topic}`} onRetry={() => void q.refetch()} />
      </>
    );
  }
  const consumers = d.consumers;
  const producers = d.producers?.connections;
  const firstQueue = d.route.queueDatas[0];
  const queueByBroker = new Map(d.route.queueDatas.map((x) => [x.brokerName, x]));
  const now = q.dataUpdatedAt || Date.now();
  return (
    <>
      <PageHeader
        title={<span className="flex items-center gap-2"><span data-testid="topic-title">{topic}</span><MessageTypeBadge type={d.messageType} /></span>}
        description={d.route.orderTopicConf ? `Ordered topic: ${d.route.orderTopicConf}` : 'Route, queues, producers and consumers of this topic.'}
        actions={
          <>
            <Link href={`/tail?topic=${encodeURIComponent(topic)}`} className="inline-flex items-center rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800" data-testid="open-tail">Live tail</Link>
            <Button onClick={() => setOpen('send')} data-testid="open-send">Send test message</Button>
            <Button onClick={() => setOpen('update')} data-testid="open-update">Edit</Button>
            <Button onClick={() => setOpen('queues')} data-testid="open-queues">Change queues</Button>
            <Button variant="danger" onClick={() => setOpen('delete')} data-testid="open-delete">Delete</Button>
          </>
        }
      >
        {back}
      </PageHeader>
      <div className="space-y-5">
        {q.error && <ErrorBox error={q.error} title="Refresh failed; showing the last answer" onRetry={() => void q.refetch()} />}
        <BrokerErrors errors={d.errors} />
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Stat label="Messages stored" value={fmtNum(d.status.totalMessages)} testId="stat-total-messages" />
          <Stat label="Queues" value={d.status.queues.length} hint={`${d.route.brokerDatas.length} broker group${d.route.brokerDatas.length === 1 ? '' : 's'}`} />
          <Stat label="Put TPS" value={fmtRate(d.status.topicPutTps ?? tps.latest)} />
          <Stat label="Consuming groups" value={consumers.length} />
          {d.pendingTimers !== null && d.pendingTimers !== undefined && d.pendingTimers > 0 && (
            <Stat label="Pending timer messages" value={fmtNum(d.pendingTimers)} hint="sent with a delivery time, not due yet" testId="stat-pending-timers" />
          )}
        </div>
        <TopicAttributesCard topic={topic} messageType={d.messageType ?? null} attributes={d.attributes ?? null} />
        <Card title="Put TPS, last 15 minutes" testId="topic-tps">
          <TimeChart data={tps.rows} series={[{ key: 'tps', label: 'Put TPS', color: '#ea580c' }]} height={160} empty={tps.pending ? 'Loading…' : 'No samples yet'} />
        </Card>
        <Card title="Route" bodyClassName="" testId="topic-route">
          <Table>
            <THead>
              <Th>Broker group</Th>
              <Th>Cluster</Th>
              <Th>Addresses</Th>
              <Th className="text-right">Read queues</Th>
              <Th className="text-right">Write queues</Th>
              <Th>Permission</Th>
            </THead>
            <tbody>
              {d.route.brokerDatas.map((b) => {
                const qd = queueByBroker.get(b.brokerName);
                return (
                  <Tr key={b.brokerName} testId="route-row">
                    <Td className="font-medium">{b.brokerName}</Td>
                    <Td className="text-xs">{b.clusterName}</Td>
                    <Td className="text-xs">
                      {Object.entries(b.brokerAddrs).map(([id, addr]) => (
                        <div key={id}><span className="text-zinc-500">{id === '0' ? 'master' : `slave ${id}`}</span> <span className="font-mono">{addr}</span></div>
                      ))}
                    </Td>
                    <Td className="text-right tabular-nums">{qd?.readQueueNums ?? '—'}</Td>
                    <Td className="text-right tabular-nums">{qd?.writeQueueNums ?? '—'}</Td>
                    <Td>{qd ? <Badge tone={qd.perm === 6 ? 'green' : 'amber'}>{permText(qd.perm)}</Badge> : '—'}</Td>
                  </Tr>
                );
              })}
            </tbody>
          </Table>
        </Card>
        <div className="grid gap-5 xl:grid-cols-2">
          <Card title="Consuming groups" bodyClassName="" testId="topic-consumers">
            <Table>
              <THead>
                <Th>Group</Th>
                <Th className="text-right">Lag</Th>
                <Th className="text-right">Lag (time)</Th>
                <Th className="text-right">Consume TPS</Th>
              </THead>
              <tbody>
                {consumers.length === 0 && <FullRow colSpan={4}>No group consumes this topic.</FullRow>}
                {consumers.map((g) => (
                  <Tr key={g.group} testId="consumer-row">
                    <Td>
                      <Link href={`/groups/${encodeURIComponent(g.group)}`} className="text-orange-700 hover:underline dark:text-orange-400">{g.group}</Link>
                      {g.error && <div className="text-xs text-red-600 dark:text-red-400">{g.error}</div>}
                    </Td>
                    <Td className="text-right tabular-nums" data-testid="consumer-lag">{g.error ? '—' : fmtNum(g.lagMessages)}</Td>
                    <Td className="text-right tabular-nums">{g.lagSeconds === null ? '—' : fmtDuration(g.lagSeconds)}</Td>
                    <Td className="text-right tabular-nums">{fmtRate(g.tps)}</Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
          </Card>
          <Card title="Producers" bodyClassName="" testId="topic-producers">
            {d.producerGroups && <ProducerConnections groups={d.producerGroups} now={now} />}
            <ProducerGroupBox value={producerGroup} onChange={setProducerGroup} fetching={q.isFetching} byTopicKnown={!!d.producerGroups} />
            {d.producersError && producerGroup && <div className="px-4 py-2 text-xs text-zinc-500" data-testid="producers-error">{d.producersError}</div>}
            {producerGroup && producers && (
            <Table>
              <THead>
                <Th>Client</Th>
                <Th>Address</Th>
                <Th>Language</Th>
                <Th>Version</Th>
                <Th>Protocol</Th>
                <Th className="text-right">Send TPS</Th>
              </THead>
              <tbody>
                {producers.length === 0 && <FullRow colSpan={6}>No producer connected now.</FullRow>}
                {producers.map((c) => (
                  <Tr key={c.clientId} testId="producer-lookup-row">
                    <Td className="font-mono text-xs">{c.clientId}</Td>
                    <Td className="font-mono text-xs">{c.clientAddr}</Td>
                    <Td>{c.language}</Td>
                    <Td>{c.protocol === 'grpc' && c.clientVersion ? c.clientVersion : c.versionDesc}</Td>
                    <Td><ProtocolBadge c={c} /></Td>
                    <Td className="text-right tabular-nums">{c.sendTps === null ? <span className="text-zinc-400" title="The brokers do not count sends per producer (Apache RocketMQ)">n/a</span> : fmtRate(c.sendTps)}</Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
            )}
          </Card>
        </div>
        <Card title="Queues" bodyClassName="" testId="topic-queues">
          <Table>
            <THead>
              <Th>Broker</Th>
              <Th className="text-right">Queue</Th>
              <Th className="text-right">Min offset</Th>
              <Th className="text-right">Max offset</Th>
              <Th className="text-right">Messages</Th>
              <Th>Last write</Th>
            </THead>
            <tbody>
              {d.status.queues.length === 0 && <FullRow colSpan={6}>No queue answered.</FullRow>}
              {d.status.queues.map((x) => (
                <Tr key={`${x.brokerName}#${x.queueId}`} testId="queue-row">
                  <Td>{x.brokerName}</Td>
                  <Td className="text-right tabular-nums">{x.queueId}</Td>
                  <Td className="text-right tabular-nums">{fmtNum(x.minOffset)}</Td>
                  <Td className="text-right tabular-nums" data-testid="queue-max">{fmtNum(x.maxOffset)}</Td>
                  <Td className="text-right tabular-nums">{fmtNum(x.maxOffset - x.minOffset)}</Td>
                  <Td className="text-xs">{x.lastUpdateTimestamp ? <span title={fmtTime(x.lastUpdateTimestamp)}>{fmtAgo(x.lastUpdateTimestamp, now)}</span> : <span className="text-zinc-400">never</span>}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        </Card>
      </div>
      <Dialog open={open === 'send'} onClose={() => setOpen(null)} title={`Send a test message to ${topic}`} testId="send-dialog">
        <SendMessageForm topic={topic} messageType={d.messageType ?? null} />
      </Dialog>
      <Dialog open={open === 'update'} onClose={() => setOpen(null)} title={`Edit topic ${topic}`}>
        <TopicForm init={{ topic, readQueueNums: firstQueue?.readQueueNums, writeQueueNums: firstQueue?.writeQueueNums, perm: firstQueue?.perm, order: !!d.route.orderTopicConf }} />
      </Dialog>
      <Dialog open={open === 'queues'} onClose={() => setOpen(null)} title={`Change the queues of ${topic}`} wide>
        <QueueEditForm topic={topic} init={firstQueue} />
      </Dialog>
      <Dialog open={open === 'delete'} onClose={() => setOpen(null)} title={`Delete topic ${topic}`}>
        <DeleteTopicForm topic={topic} onDone={() => router.push('/topics')} />
      </Dialog>
    </>
  );
}

'use client';
// Consumer group detail: queue assignments with offsets and lag, members, lag history, time to drain, rebalances, flags.

import { GroupDiagnosis } from './diagnosis';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { useGroup, useGroupHistory } from '@/components/api/hooks';
import type { GroupDetailResponse, RebalanceEvent } from '@/components/api/types';
import { fmtAgo, fmtDuration, fmtNum, fmtRate, fmtTime } from '@/components/format';
import { TimeChart } from '@/components/charts/time-chart';
import { Badge } from '@/components/ui/badge';
import { ProtocolBadge } from '@/components/clients/protocol-badge';
import { Card, PageHeader, Stat } from '@/components/ui/card';
import { BrokerErrors, ErrorBox, PageSkeleton } from '@/components/ui/states';
import { FullRow, Table, Td, Th, THead, Tr } from '@/components/ui/table';
import { Tabs } from '@/components/ui/tabs';
import { ResetOffsetForm } from '@/components/actions/reset-offset';
import { CloneOffsetForm, SkipBacklogForm } from '@/components/actions/offset-ops';
import { DeleteGroupForm, GroupForm } from '@/components/actions/group-form';
import { ConsumeModeForm } from '@/components/actions/consume-mode';
import { ConsumptionCard } from './consumption';
import { DialogButton } from './group-actions';
import { TrendBadge } from './trend';

const RANGES = [
  { id: '900000', label: '15 min' },
  { id: '3600000', label: '1 h' },
  { id: '21600000', label: '6 h' },
  { id: '86400000', label: '24 h' },
];

/** The recorded lag over the chosen range, ending with the lag this page just read (the recorder samples less often). */
function LagHistory({ group, now }: { group: string; now: { ts: number; lag: number } }) {
  const [range, setRange] = useState('3600000');
  const h = useGroupHistory(group, 'lag', Number(range));
  const data = useMemo(() => {
    const rows = (h.data?.points ?? []).map((p) => ({ ts: p.ts, lag: p.value }));
    if (now.ts && (rows.length === 0 || rows[rows.length - 1]!.ts < now.ts)) rows.push({ ts: now.ts, lag: now.lag });
    return rows;
  }, [h.data, now.ts, now.lag]);
  return (
    <Card title="Lag history" testId="lag-history" actions={<Tabs label="Range" tabs={RANGES} value={range} onChange={setRange} />}>
      {h.error ? (
        <ErrorBox error={h.error} title="Could not load the lag history" />
      ) : (
        <TimeChart data={data} series={[{ key: 'lag', label: 'Lag (messages)', color: '#ea580c' }]} valueFormat={fmtNum} height={220} empty={h.isPending ? 'Loading…' : 'No samples in this range yet'} />
      )}
    </Card>
  );
}

function describe(e: RebalanceEvent): string {
  const parts: string[] = [];
  if (e.joined.length) parts.push(`joined: ${e.joined.join(', ')}`);
  if (e.left.length) parts.push(`left: ${e.left.join(', ')}`);
  parts.push(`${e.moved} queue${e.moved === 1 ? '' : 's'} moved`);
  const shares = Object.entries(e.shares);
  if (shares.length) parts.push(`now ${shares.map(([c, n]) => `${n} × ${c}`).join(', ')}`);
  else parts.push('no member left');
  return parts.join(' · ');
}

function Members({ d }: { d: GroupDetailResponse }) {
  const conns = d.connection?.connections ?? [];
  const held = new Map<string, number>();
  for (const q of d.assignment.queues) held.set(q.clientId, (held.get(q.clientId) ?? 0) + 1);
  return (
    <Card title={`Members (${conns.length})`} bodyClassName="" testId="group-members">
      {d.connectionError && !d.connectionError.includes('CONSUMER_NOT_ONLINE') && <div className="px-4 py-2 text-sm text-red-600 dark:text-red-400">{d.connectionError}</div>}
      <Table>
        <THead>
          <Th>Client id</Th>
          <Th>Address</Th>
          <Th>Client</Th>
          <Th>Protocol</Th>
          <Th className="text-right">Queues</Th>
        </THead>
        <tbody>
          {conns.length === 0 && <FullRow colSpan={5}>No member online: the group is offline.</FullRow>}
          {conns.map((c) => (
            <Tr key={c.clientId} testId="member-row">
              <Td className="font-mono text-xs">{c.clientId}</Td>
              <Td className="font-mono text-xs">{c.clientAddr}</Td>
              <Td className="whitespace-nowrap text-xs">{c.language} · {c.protocol === 'grpc' && c.clientVersion ? c.clientVersion : c.versionDesc}</Td>
              <Td><ProtocolBadge c={c} /></Td>
              <Td className="text-right tabular-nums">{held.get(c.clientId) ?? 0}</Td>
            </Tr>
          ))}
        </tbody>
      </Table>
      {(d.connection?.subscriptions.length ?? 0) > 0 && (
        <div className="border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">
          <div className="mb-1.5 text-xs font-medium uppercase tracking-wide text-zinc-500">Subscriptions</div>
          <ul className="space-y-1 text-sm">
            {d.connection!.subscriptions.map((s) => (
              <li key={s.topic} className="flex flex-wrap items-center gap-2">
                <Link href={`/topics/${encodeURIComponent(s.topic)}`} className="text-orange-700 hover:underline dark:text-orange-400">{s.topic}</Link>
                <Badge>{s.expressionType}</Badge>
                <code className="text-xs">{s.subString}</code>
              </li>
            ))}
          </ul>
          <div className="mt-2 text-xs text-zinc-500">
            {[d.connection!.consumeType, d.connection!.messageModel, d.connection!.consumeFromWhere].filter(Boolean).join(' · ')}
          </div>
        </div>
      )}
    </Card>
  );
}

/** POP consumption of the group: receive and ack rates over the last minute, in flight, retry and dead-letter counts. */
function PopStats({ ps, inflight, inflightHint }: { ps: NonNullable<GroupDetailResponse['popStats']>; inflight: string; inflightHint: string }) {
  return (
    <Card title="POP consumption" testId="pop-stats">
      <div className="grid gap-4 sm:grid-cols-3 lg:grid-cols-5">
        <Stat label="Receive TPS" value={fmtRate(ps.receiveTps)} hint="popped, last minute" testId="stat-pop-receive-tps" />
        <Stat label="Ack TPS" value={fmtRate(ps.ackTps)} hint="acked, last minute" testId="stat-pop-ack-tps" />
        <Stat label="In flight" value={inflight} hint={inflightHint} />
        <Stat label="Retry messages" value={fmtNum(ps.retryMessages)} tone={ps.retryMessages > 0 ? 'amber' : 'zinc'} hint={ps.retryTopics.join(', ') || 'no retry topic'} testId="stat-pop-retry" />
        <Stat label="DLQ messages" value={fmtNum(ps.dlqMessages)} tone={ps.dlqMessages > 0 ? 'red' : 'zinc'} hint={`%DLQ%${ps.group}`} testId="stat-pop-dlq" />
      </div>
      {ps.errors.length > 0 && <BrokerErrors errors={ps.errors} />}
    </Card>
  );
}

export function GroupDetail({ group }: { group: string }) {
  const q = useGroup(group);
  const router = useRouter();
  if (q.isPending) return <PageSkeleton title={group} />;
  const d = q.data;
  const back = <Link href="/groups" className="text-sm text-zinc-500 hover:underline">← Consumer groups</Link>;
  if (!d) {
    return (
      <>
        <PageHeader title={group}>{back}</PageHeader>
        <ErrorBox error={q.error} title={`Could not load group ${group}`} onRetry={() => void q.refetch()} />
      </>
    );
  }
  const p = d.progress;
  const holder = new Map(d.assignment.queues.map((a) => [`${a.topic}|${a.brokerName}|${a.queueId}`, a.clientId]));
  const members = d.connection?.connections.length ?? 0;
  // POP groups on RocketDeck brokers report messages popped and not acked per queue; on Apache 5.x brokers the
  // console derives them from the revive log (d.popInflight, also filled into the queues' popInflight).
  const derived = d.popInflight;
  const pop = p.queues.some((x) => x.popInflight !== undefined) || !!derived;
  const inflightN = derived ? derived.total : p.queues.reduce((n, x) => n + (x.popInflight ?? 0), 0);
  const inflight = `${derived?.partial ? '≥ ' : ''}${fmtNum(inflightN)}`;
  const inflightHint = derived
    ? `popped, not acked yet; derived from the brokers' revive log (Apache brokers report no count)${derived.partial ? ', read capped: at least this many' : ''}`
    : 'popped, not acked yet';
  // ... and receive/ack figures (5.x stats items), so a POP group with nothing in flight is still told apart.
  const ps = d.popStats;
  // GROUP_GET_NUMS counts pulled messages too (4.x and 5.x): only acks or messages in flight mark a POP group
  const popSeen = pop || !!ps?.topics.some((t) => t.acked > 0) || d.consumption?.mode === 'POP';
  const now = q.dataUpdatedAt || Date.now();
  return (
    <>
      <PageHeader
        title={<span data-testid="group-title">{group}</span>}
        description="Queue assignments, members, lag and rebalances of this consumer group."
        actions={
          <>
            <DialogButton label="Reset offsets" title={`Reset offsets of ${group}`} testId="open-reset" wide variant="primary">
              <ResetOffsetForm group={group} />
            </DialogButton>
            <DialogButton label="Skip backlog" title={`Skip the backlog of ${group}`} testId="open-skip-backlog" wide>
              <SkipBacklogForm group={group} />
            </DialogButton>
            <DialogButton label="Clone offsets" title={`Clone the offsets of ${group} to another group`} testId="open-clone-offset" wide>
              <CloneOffsetForm group={group} />
            </DialogButton>
            <DialogButton label="Consume mode" title={`POP or PULL for ${group}`} testId="open-consume-mode">
              <ConsumeModeForm group={group} topics={[...new Set(p.queues.map((x) => x.topic).filter((t) => !t.startsWith('%RETRY%')))]} />
            </DialogButton>
            <DialogButton label="Edit" title={`Edit subscription group ${group}`} testId="open-edit-group">
              <GroupForm init={{ groupName: group }} />
            </DialogButton>
            <DialogButton label="Delete" title={`Delete subscription group ${group}`} variant="danger" testId="open-delete-group">
              <DeleteGroupForm group={group} onDone={() => router.push('/groups')} />
            </DialogButton>
          </>
        }
      >
        {back}
      </PageHeader>
      <div className="space-y-5">
        {q.error && <ErrorBox error={q.error} title="Refresh failed; showing the last answer" onRetry={() => void q.refetch()} />}
        {d.flags.length > 0 && (
          <div role="alert" data-testid="group-flags" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-200">
            <div className="font-medium">This group is flagged</div>
            <ul className="mt-1 list-disc pl-5">{d.flags.map((f, i) => <li key={i}>{f.reason}</li>)}</ul>
          </div>
        )}
        <BrokerErrors errors={[...p.errors, ...p.warnings]} />
        {!!p.clientErrors?.length && (
          <BrokerErrors errors={p.clientErrors.map((c) => ({ brokerName: c.clientId, brokerAddr: '', error: c.error }))} title="Clients that did not report their queues" />
        )}
        {d.assignment.clientErrors.length > 0 && !p.clientErrors?.length && (
          <BrokerErrors errors={d.assignment.clientErrors.map((c) => ({ brokerName: c.clientId, brokerAddr: '', error: c.error }))} title="Clients that did not report their queues" />
        )}
        <div className="grid gap-4 sm:grid-cols-3 lg:grid-cols-5">
          <Stat label="Online members" value={members} tone={members ? 'green' : 'zinc'} hint={members ? d.connection?.messageModel : 'offline'} testId="stat-members" />
          <Stat
            label="Lag"
            value={<span className="inline-flex items-baseline gap-2">{fmtNum(d.lagMessages)} <span className="text-xs font-normal"><TrendBadge trend={d.trend} /></span></span>}
            tone={d.lagMessages > 0 ? 'amber' : 'green'}
            hint="not consumed yet"
            testId="stat-lag"
          />
          <Stat label="Lag in time" value={d.lagMessages === 0 ? '0 s' : d.lagSeconds === null ? '—' : fmtDuration(d.lagSeconds)} hint="behind the newest message" testId="stat-lag-time" />
          <Stat label="Consume TPS" value={fmtRate(d.tps)} />
          {pop && <Stat label={derived ? 'In flight (POP, revive log)' : 'In flight (POP)'} value={inflight} hint={inflightHint} testId="stat-pop-inflight" />}
          <Stat
            label="Time to drain"
            testId="stat-drain"
            value={p.diffTotal === 0 ? 'drained' : d.drainEstimateSeconds === null ? 'not draining' : fmtDuration(d.drainEstimateSeconds)}
            tone={p.diffTotal === 0 ? 'green' : d.drainEstimateSeconds === null ? 'red' : 'zinc'}
            hint={p.diffTotal === 0 ? undefined : d.drainEstimateSeconds === null ? 'lag is not shrinking' : 'at the recent consume and produce rates'}
          />
        </div>
        {popSeen && ps && <PopStats ps={ps} inflight={inflight} inflightHint={inflightHint} />}
        {popSeen && d.popStatsError && <ErrorBox error={new Error(d.popStatsError)} title="Could not read the POP figures" />}
        {d.popInflightError && <ErrorBox error={new Error(d.popInflightError)} title="Could not read the revive log for messages in flight" />}
        {derived && derived.errors.length > 0 && <BrokerErrors errors={derived.errors} title="Brokers whose revive log was not read (in flight is a lower bound)" />}
        {d.consumption && <ConsumptionCard c={d.consumption} />}
        <LagHistory group={group} now={{ ts: q.dataUpdatedAt, lag: d.lagMessages }} />
        <GroupDiagnosis group={group} />
        <Card title="Queue assignments" bodyClassName="" testId="group-queues">
          <Table>
            <THead>
              <Th>Topic</Th>
              <Th>Broker</Th>
              <Th className="text-right">Queue</Th>
              <Th>Held by</Th>
              <Th className="text-right">Broker offset</Th>
              <Th className="text-right">Consumer offset</Th>
              <Th className="text-right">Lag</Th>
              {pop && <Th className="text-right">In flight</Th>}
              <Th>Last consumed</Th>
            </THead>
            <tbody>
              {p.queues.length === 0 && <FullRow colSpan={pop ? 9 : 8}>The group has no offsets yet.</FullRow>}
              {p.queues.map((x) => {
                const client = x.clientId ?? holder.get(`${x.topic}|${x.brokerName}|${x.queueId}`);
                return (
                  <Tr key={`${x.topic}|${x.brokerName}|${x.queueId}`} testId="queue-row">
                    <Td className="max-w-56 truncate">{x.topic}</Td>
                    <Td>{x.brokerName}</Td>
                    <Td className="text-right tabular-nums">{x.queueId}</Td>
                    <Td className="max-w-64 truncate font-mono text-xs" title={client}>{client ?? <span className="text-zinc-400">unassigned</span>}</Td>
                    <Td className="text-right tabular-nums">{fmtNum(x.brokerOffset)}</Td>
                    <Td className="text-right tabular-nums" data-testid="consumer-offset">{fmtNum(x.consumerOffset)}</Td>
                    <Td className={`text-right tabular-nums ${x.diff > 0 ? 'font-medium text-amber-700 dark:text-amber-400' : ''}`}>{fmtNum(x.diff)}</Td>
                    {pop && <Td className="text-right tabular-nums" data-testid="pop-inflight">{fmtNum(x.popInflight ?? 0)}</Td>}
                    <Td className="text-xs">{x.lastTimestamp ? <span title={fmtTime(x.lastTimestamp)}>{fmtAgo(x.lastTimestamp, now)}</span> : <span className="text-zinc-400">never</span>}</Td>
                  </Tr>
                );
              })}
            </tbody>
          </Table>
        </Card>
        <div className="grid gap-5 xl:grid-cols-2">
          <Members d={d} />
          <Card title="Rebalance history" bodyClassName="" testId="rebalance-history">
            {d.rebalanceHistory.length === 0 ? (
              <div className="px-4 py-8 text-center text-sm text-zinc-500">No rebalance seen since the console started watching.</div>
            ) : (
              <ol className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {[...d.rebalanceHistory].sort((a, b) => b.ts - a.ts).map((e, i) => (
                  <li key={i} className="flex gap-3 px-4 py-2 text-sm" data-testid="rebalance-row">
                    <span className="shrink-0 tabular-nums text-zinc-500">{fmtTime(e.ts)}</span>
                    <span className="min-w-0 break-words">{describe(e)}</span>
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}

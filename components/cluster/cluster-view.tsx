'use client';
// Cluster page: every nameserver, every broker group as master and slaves with heartbeats, replication, disk and TPS.

import { useMemo, useState } from 'react';
import { useBrokerConfigs, useClusterState, useOverview } from '@/components/api/hooks';
import type { ClusterBroker, ClusterResponse, OverviewResponse } from '@/components/api/types';
import { fmtAgo, fmtBytes, fmtDuration, fmtNum, fmtRate, fmtRatio, fmtTime } from '@/components/format';
import { Badge, Dot } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, PageHeader, Stat, type Tone } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { BrokerErrors, Empty, ErrorBox, PageSkeleton } from '@/components/ui/states';
import { Table, Td, Th, THead, Tr } from '@/components/ui/table';
import { BrokerConfig } from './broker-config';
import { heartbeatState, type HeartbeatState } from './heartbeat';
import { useSeenBrokers, type SeenBroker } from './seen-brokers';

/** As the server's SLAVE_BEHIND_BYTES (lib/console/ha.ts). */
const SLAVE_BEHIND_BYTES = 1024 * 1024;

const HB_TONE: Record<HeartbeatState, Tone> = { fresh: 'green', late: 'amber', expired: 'red', unknown: 'zinc' };

interface Row {
  broker: ClusterBroker;
  /** Listed by no nameserver any more (stopped or lost); `seen` says since when. */
  gone: boolean;
  seen?: SeenBroker;
}

function NamesrvTable({ data }: { data: ClusterResponse }) {
  return (
    <Card title="Nameservers" bodyClassName="" testId="namesrv-table">
      <Table>
        <THead>
          <Th>Address</Th>
          <Th>Status</Th>
          <Th className="text-right">Latency</Th>
          <Th className="text-right">Brokers listed</Th>
          <Th>Error</Th>
        </THead>
        <tbody>
          {data.namesrvs.map((n) => (
            <Tr key={n.addr} testId="namesrv-row">
              <Td className="font-mono text-xs">{n.addr}</Td>
              <Td>{n.reachable ? <Badge tone="green">reachable</Badge> : <Badge tone="red">unreachable</Badge>}</Td>
              <Td className="text-right tabular-nums">{n.latencyMs === null ? '—' : `${fmtNum(n.latencyMs)} ms`}</Td>
              <Td className="text-right tabular-nums" data-testid="namesrv-broker-count">{n.reachable ? n.brokerCount : '—'}</Td>
              <Td className="max-w-md text-xs text-red-600 dark:text-red-400">{n.error ?? ''}</Td>
            </Tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}

function Heartbeats({ row, data, now }: { row: Row; data: ClusterResponse; now: number }) {
  const reachable = data.namesrvs.filter((n) => n.reachable).map((n) => n.addr);
  return (
    <div className="flex flex-col gap-0.5">
      {reachable.map((ns) => {
        const hb = data.heartbeats.find((h) => h.brokerAddr === row.broker.brokerAddr && h.namesrvAddr === ns);
        const st = heartbeatState(hb ?? { listed: false }, now);
        const last = row.seen?.byNamesrv[ns];
        const text = hb?.lastUpdateTimestamp
          ? `${st} · ${fmtAgo(hb.lastUpdateTimestamp, now)}`
          : st === 'fresh'
            ? 'fresh'
            : `expired${last ? ` · seen ${fmtAgo(last, now)}` : ''}`;
        return (
          <span key={ns} className="inline-flex items-center gap-1.5 whitespace-nowrap text-xs" data-testid="heartbeat" data-state={st} data-timed={hb?.lastUpdateTimestamp ? '1' : '0'} title={heartbeatTitle(st, hb?.lastUpdateTimestamp)}>
            <Dot tone={HB_TONE[st]} label={st} />
            <span className="font-mono text-zinc-500">{ns}</span>
            <span className={st === 'fresh' ? '' : st === 'late' ? 'text-amber-600' : 'text-red-600 dark:text-red-400'}>{text}</span>
          </span>
        );
      })}
    </div>
  );
}

function heartbeatTitle(st: HeartbeatState, last: number | undefined): string {
  if (last) {
    const when = `last heartbeat ${fmtTime(last)}`;
    if (st === 'fresh') return `${when}: under 60 s ago`;
    if (st === 'late') return `${when}: over 60 s ago; the nameserver drops a broker after 120 s`;
    return `${when}: over 120 s ago, the nameserver drops it`;
  }
  // Apache RocketMQ nameservers do not tell heartbeat times (RocketDeck's GET_BROKER_LIVE_INFO does)
  return st === 'fresh' ? 'the nameserver lists it: a heartbeat came within 120 s (this nameserver does not tell heartbeat times)' : 'the nameserver no longer lists it: no heartbeat for 120 s, or it unregistered';
}

interface Health {
  tone: Tone;
  text: string;
  detail?: string;
}

/** Master/slave health of one broker process. */
function healthOf(row: Row, rows: Row[], data: ClusterResponse, overview: OverviewResponse | undefined, now: number): Health {
  const b = row.broker;
  if (row.gone) return { tone: 'red', text: 'down', detail: `no nameserver lists it since ${row.seen ? fmtTime(row.seen.lastListed) : 'an earlier look'}` };
  const failed = data.clusterList?.errors.find((e) => e.brokerAddr === b.brokerAddr);
  if (failed) return { tone: 'red', text: 'not answering', detail: failed.error };
  const ha = data.ha?.[b.brokerAddr];
  if (b.role === 'SLAVE') {
    const link = ha?.slave;
    if (link && !link.connected) return { tone: 'red', text: 'slave disconnected', detail: `not connected to its master${link.masterAddress ? ` (${link.masterAddress})` : ''}` };
    const lag = link ? slaveLagText(link.lagBytes, link.lagMs) : undefined;
    const behind = overview?.health.slavesBehind.find((s) => s.brokerAddr === b.brokerAddr);
    if (behind || (link?.lagBytes ?? 0) > SLAVE_BEHIND_BYTES) {
      return { tone: 'amber', text: `behind ${fmtBytes(link?.lagBytes ?? behind?.behindBytes)}`, detail: lag ? `slave connected · lag ${lag}` : 'commit log behind its master by more than 1 MiB' };
    }
    const masterUp = rows.some((r) => r.broker.brokerName === b.brokerName && r.broker.role === 'MASTER' && !r.gone);
    if (link) return { tone: masterUp ? 'green' : 'amber', text: 'slave connected', detail: lag ? `lag ${lag}` : 'lag unknown: its master could not be asked' };
    return masterUp ? { tone: 'green', text: 'in sync', detail: 'under 1 MiB behind its master' } : { tone: 'amber', text: 'no master', detail: 'serving reads only' };
  }
  const slaves = rows.filter((r) => r.broker.brokerName === b.brokerName && r.broker.role === 'SLAVE');
  const live = slaves.filter((r) => !r.gone && !data.clusterList?.errors.some((e) => e.brokerAddr === r.broker.brokerAddr));
  const m = ha?.master;
  if (m && m.connectionCount === 0) {
    return slaves.length === 0
      ? { tone: 'amber', text: 'no slave', detail: 'no replica of this group' }
      : { tone: 'red', text: 'no live slave', detail: `${slaves.length} slave${slaves.length > 1 ? 's' : ''} registered, none connected: messages have no replica` };
  }
  if (m) {
    // per slave connection: its HA socket address, lag in bytes and time
    const conns = (m.connections ?? []).map((c) => `${c.addr}: lag ${slaveLagText(c.diff, c.lagMs)}${c.inSync ? ' (in sync)' : ''}`);
    const inSync = m.inSyncSlaveNums !== undefined ? `${m.inSyncSlaveNums} of ${m.connectionCount} in sync · ` : '';
    return { tone: 'green', text: `${m.connectionCount} slave${m.connectionCount > 1 ? 's' : ''} connected`, detail: `${inSync}${conns.join('; ') || `lag ${slaveLagText(m.lagBytes ?? null, m.lagMs ?? null)}`}` };
  }
  if (slaves.length === 0) return { tone: 'amber', text: 'no slave', detail: 'no replica of this group' };
  if (live.length === 0) return { tone: 'red', text: 'no live slave', detail: `${slaves.length} slave${slaves.length > 1 ? 's' : ''} down: messages have no replica` };
  void now;
  return { tone: 'green', text: `${live.length}/${slaves.length} slave${slaves.length > 1 ? 's' : ''} live` };
}

/** Replication lag in bytes and time, e.g. "1.2 KiB · 35 ms". */
function slaveLagText(bytes: number | null, ms: number | null): string | undefined {
  if (bytes === null && ms === null) return undefined;
  return `${bytes === null ? '?' : fmtBytes(bytes)} · ${ms === null ? '?' : ms < 1000 ? `${ms} ms` : fmtDuration(ms / 1000)}`;
}

function replicationOf(role: string | undefined): string {
  if (role === 'SYNC_MASTER') return 'sync replication';
  if (role === 'ASYNC_MASTER') return 'async replication';
  if (role === 'SLAVE') return 'replica';
  return role ?? '—';
}

function BrokerGroupCard({ brokerName, rows, allRows, data, overview, configs, now, onConfig }: {
  brokerName: string;
  rows: Row[];
  allRows: Row[];
  data: ClusterResponse;
  overview: OverviewResponse | undefined;
  configs: Map<string, Record<string, string>>;
  now: number;
  onConfig(addr: string): void;
}) {
  const warnings = (data.clusterList?.warnings ?? []).filter((w) => w.brokerName === brokerName);
  const master = rows.find((r) => r.broker.role === 'MASTER' && !r.gone);
  return (
    <Card
      testId={`broker-group-${brokerName}`}
      title={
        <span className="flex items-center gap-2">
          {brokerName}
          <span className="text-xs font-normal text-zinc-500">{rows[0]?.broker.clusterName}</span>
          {!master && <Badge tone="red">no master</Badge>}
        </span>
      }
      bodyClassName=""
    >
      {warnings.length > 0 && (
        <div className="border-b border-amber-200 bg-amber-50 px-4 py-1.5 text-xs text-amber-800 dark:border-amber-900/50 dark:bg-amber-950/30 dark:text-amber-300">
          {warnings.map((w, i) => <div key={i}>{w.brokerAddr ? `${w.brokerAddr}: ` : ''}{w.error}</div>)}
        </div>
      )}
      <Table>
        <THead>
          <Th>Broker</Th>
          <Th>Role</Th>
          <Th>Flush / replication</Th>
          <Th>Heartbeats</Th>
          <Th>Health</Th>
          <Th className="text-right">Disk</Th>
          <Th className="text-right">Put TPS</Th>
          <Th className="text-right">Get TPS</Th>
          <Th />
        </THead>
        <tbody>
          {rows.map((row) => {
            const b = row.broker;
            const failed = row.gone || data.clusterList?.errors.some((e) => e.brokerAddr === b.brokerAddr);
            const cfg = configs.get(b.brokerAddr);
            const health = healthOf(row, allRows, data, overview, now);
            return (
              <Tr key={b.brokerAddr} testId="broker-row" className={failed ? 'bg-red-50/70 dark:bg-red-950/20' : ''}>
                <Td>
                  <div className="font-mono text-xs" data-testid="broker-addr">{b.brokerAddr}</div>
                  <div className="whitespace-nowrap text-xs text-zinc-500">brokerId {b.brokerId}{b.version ? ` · ${b.version}` : ''}</div>
                </Td>
                <Td>
                  <Badge tone={b.role === 'MASTER' ? 'orange' : 'blue'}>{b.role}</Badge>
                </Td>
                <Td className="text-xs">
                  <div>{cfg?.flushDiskType ?? '—'}</div>
                  <div className="text-zinc-500">{replicationOf(b.brokerRole ?? cfg?.brokerRole)}</div>
                </Td>
                <Td>{row.gone && data.namesrvs.every((n) => !n.reachable) ? '—' : <Heartbeats row={row} data={data} now={now} />}</Td>
                <Td data-testid="broker-health" data-health={health.text} className="min-w-44">
                  <span className="inline-flex items-center gap-1.5 whitespace-nowrap">
                    <Dot tone={health.tone} />
                    <span className="text-sm font-medium">{health.text}</span>
                  </span>
                  {health.detail && <div className="max-w-64 break-words text-xs text-zinc-500">{health.detail}</div>}
                </Td>
                <Td className="text-right tabular-nums">{failed ? '—' : fmtRatio(b.commitLogDiskRatio)}</Td>
                <Td className="text-right tabular-nums">{failed ? '—' : fmtRate(b.inTps)}</Td>
                <Td className="text-right tabular-nums">{failed ? '—' : fmtRate(b.outTps)}</Td>
                <Td className="text-right">
                  {!row.gone && <Button size="sm" variant="ghost" onClick={() => onConfig(b.brokerAddr)} data-testid="broker-config-open">Config</Button>}
                </Td>
              </Tr>
            );
          })}
        </tbody>
      </Table>
    </Card>
  );
}

export function ClusterView() {
  const q = useClusterState();
  const ov = useOverview();
  const [configAddr, setConfigAddr] = useState<string | null>(null);
  const data = q.data;
  const seen = useSeenBrokers(data, q.dataUpdatedAt, data?.cluster ?? '');
  const list = data?.clusterList;
  const rows: Row[] = useMemo(() => {
    if (!list) return [];
    const current = new Set(list.brokers.map((b) => b.brokerAddr));
    const names = new Set(list.clusters.flatMap((c) => c.brokerNames));
    const out: Row[] = list.brokers.map((b) => ({ broker: b, gone: false, seen: seen.get(b.brokerAddr) }));
    for (const s of seen.values()) {
      if (!current.has(s.broker.brokerAddr) && names.has(s.broker.brokerName)) out.push({ broker: s.broker, gone: true, seen: s });
    }
    return out.sort((a, b) => a.broker.brokerName.localeCompare(b.broker.brokerName) || a.broker.brokerId - b.broker.brokerId);
  }, [list, seen]);
  const configs = useBrokerConfigs(useMemo(() => (list?.brokers ?? []).map((b) => b.brokerAddr), [list]));
  if (q.isPending) return <PageSkeleton title="Cluster" />;
  const now = q.dataUpdatedAt || Date.now();
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(r.broker.brokerName, [...(groups.get(r.broker.brokerName) ?? []), r]);
  for (const c of list?.clusters ?? []) for (const n of c.brokerNames) if (!groups.has(n)) groups.set(n, []);
  const answering = rows.filter((r) => !r.gone && !list?.errors.some((e) => e.brokerAddr === r.broker.brokerAddr)).length;
  return (
    <>
      <PageHeader title="Cluster" description="Nameservers and broker groups: roles, heartbeats, replication, disk and throughput." />
      <div className="space-y-5">
        {q.error && <ErrorBox error={q.error} title={data ? 'Refresh failed; showing the last answer' : 'Could not load the cluster'} onRetry={() => void q.refetch()} />}
        {data?.error && <ErrorBox error={new Error(data.error)} title="No nameserver answered" />}
        {data && (
          <>
            <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
              <Stat label="Clusters" value={list?.clusters.length ?? '—'} hint={list?.clusters.map((c) => c.clusterName).join(', ')} />
              <Stat
                label="Nameservers reachable"
                value={`${data.namesrvs.filter((n) => n.reachable).length} / ${data.namesrvs.length}`}
                tone={data.namesrvs.every((n) => n.reachable) ? 'green' : data.namesrvs.some((n) => n.reachable) ? 'amber' : 'red'}
              />
              <Stat label="Broker groups" value={groups.size} />
              <Stat
                label="Brokers answering"
                value={list ? `${answering} / ${rows.length}` : '—'}
                tone={!list ? 'zinc' : answering === rows.length ? 'green' : 'red'}
                testId="stat-brokers-answering"
              />
            </div>
            <NamesrvTable data={data} />
            <BrokerErrors errors={list?.errors} title="Brokers not answering" />
            <BrokerErrors errors={list?.namesrvErrors} title="Nameservers that did not answer" />
            {list && groups.size === 0 ? (
              <Empty title="No broker registered" hint="No nameserver lists a broker. Start a broker pointed at these nameservers." />
            ) : (
              [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([name, members]) => (
                <BrokerGroupCard key={name} brokerName={name} rows={members} allRows={rows} data={data} overview={ov.data} configs={configs} now={now} onConfig={setConfigAddr} />
              ))
            )}
          </>
        )}
      </div>
      <Dialog open={configAddr !== null} onClose={() => setConfigAddr(null)} title={`Broker configuration · ${configAddr ?? ''}`} wide testId="broker-config-dialog">
        {configAddr && <BrokerConfig brokerAddr={configAddr} />}
      </Dialog>
    </>
  );
}

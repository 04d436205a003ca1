'use client';
// Cluster page: every nameserver, every broker group as master and slaves with heartbeats, replication, disk and TPS.

import { useState } from 'react';
import { useClusterState } from '@/components/api/hooks';
import type { ClusterAnswer, Heartbeat } from '@/components/api/types';
import { fmtAgo, fmtBytes, fmtDuration, fmtNum, fmtRate, fmtRatio } from '@/components/format';
import { Badge, Dot } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, PageHeader, Stat } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { BrokerErrors, Empty, ErrorBox, PageSkeleton } from '@/components/ui/states';
import { Table, Td, Th, THead, Tr } from '@/components/ui/table';
import { BrokerConfig } from './broker-config';
import { heartbeatState, type HeartbeatState } from './heartbeat';
import type { Tone } from '@/components/ui/card';

type Broker = ClusterAnswer['clusterList']['brokers'][number];

const HB_TONE: Record<HeartbeatState, Tone> = { fresh: 'green', late: 'amber', expired: 'red', unknown: 'zinc' };

function NamesrvTable({ data }: { data: ClusterAnswer }) {
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
              <Td className="text-right tabular-nums">{n.latencyMs === undefined ? '—' : `${fmtNum(Math.round(n.latencyMs))} ms`}</Td>
              <Td className="text-right tabular-nums">{n.brokerCount ?? '—'}</Td>
              <Td className="max-w-md text-xs text-red-600 dark:text-red-400">{n.error ?? ''}</Td>
            </Tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}

function Heartbeats({ beats, now }: { beats: Heartbeat[]; now: number }) {
  if (beats.length === 0) return <span className="text-xs text-zinc-400">—</span>;
  return (
    <div className="flex flex-col gap-0.5">
      {beats.map((b) => {
        const st = heartbeatState(b.lastUpdateTimestamp, now, b.ageMs);
        return (
          <span key={b.namesrvAddr} className="inline-flex items-center gap-1.5 whitespace-nowrap text-xs" data-testid="heartbeat" data-state={st}>
            <Dot tone={HB_TONE[st]} label={st} />
            <span className="font-mono text-zinc-500">{b.namesrvAddr}</span>
            <span className={st === 'fresh' ? '' : st === 'late' ? 'text-amber-600' : 'text-red-600'}>
              {st} · {b.ageMs !== undefined ? `${fmtDuration(b.ageMs / 1000)} ago` : fmtAgo(b.lastUpdateTimestamp, now)}
            </span>
          </span>
        );
      })}
    </div>
  );
}

interface Health {
  tone: Tone;
  text: string;
  detail?: string;
}

/** Master/slave health of one broker process, from the replication figures the server sends. */
function healthOf(b: Broker, data: ClusterAnswer, members: Broker[]): Health {
  const failed = data.clusterList.errors.find((e) => e.brokerAddr === b.brokerAddr);
  if (failed) return { tone: 'red', text: 'not answering', detail: failed.error };
  const rep = data.replication ?? [];
  const details = data.brokerDetails?.[b.brokerAddr];
  if (b.role === 'SLAVE') {
    const r = rep.find((x) => x.brokerAddr === b.brokerAddr);
    const connected = r?.connected ?? details?.slaveConnected;
    const lagBytes = r?.lagBytes ?? details?.slaveFallBehindBytes;
    const lagMs = r?.lagMs ?? details?.slaveFallBehindMs;
    const lag = [lagBytes !== undefined ? fmtBytes(lagBytes) : undefined, lagMs !== undefined ? fmtDuration(lagMs / 1000) : undefined].filter(Boolean).join(' · ');
    if (r?.error) return { tone: 'red', text: 'replication error', detail: r.error };
    if (connected === false) return { tone: 'red', text: 'not connected', detail: lag ? `behind ${lag}` : undefined };
    if (connected === undefined && lagBytes === undefined) return { tone: 'zinc', text: 'unknown' };
    if ((lagBytes ?? 0) > 0) return { tone: 'amber', text: 'behind', detail: lag };
    return { tone: 'green', text: 'in sync', detail: lag ? `lag ${lag}` : undefined };
  }
  const slaves = members.filter((m) => m.role === 'SLAVE');
  if (slaves.length === 0) return { tone: 'amber', text: 'no slave' };
  const live = slaves.filter((s) => {
    if (data.clusterList.errors.some((e) => e.brokerAddr === s.brokerAddr)) return false;
    const r = rep.find((x) => x.brokerAddr === s.brokerAddr);
    return r ? r.connected : data.brokerDetails?.[s.brokerAddr]?.slaveConnected !== false;
  });
  if (live.length === 0) return { tone: 'red', text: 'no live slave' };
  return { tone: 'green', text: `${live.length}/${slaves.length} slave${slaves.length > 1 ? 's' : ''} live` };
}

function BrokerGroupCard({ brokerName, members, data, now, onConfig }: { brokerName: string; members: Broker[]; data: ClusterAnswer; now: number; onConfig(addr: string): void }) {
  const warnings = data.clusterList.warnings.filter((w) => w.brokerName === brokerName);
  const master = members.find((m) => m.role === 'MASTER');
  return (
    <Card
      testId={`broker-group-${brokerName}`}
      title={
        <span className="flex items-center gap-2">
          {brokerName}
          <span className="text-xs font-normal text-zinc-500">{members[0]?.clusterName}</span>
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
          <Th>Version</Th>
          <Th>Flush / replication</Th>
          <Th>Heartbeats</Th>
          <Th>Health</Th>
          <Th className="text-right">Disk</Th>
          <Th className="text-right">Put TPS</Th>
          <Th className="text-right">Get TPS</Th>
          <Th />
        </THead>
        <tbody>
          {members.map((b) => {
            const failed = data.clusterList.errors.find((e) => e.brokerAddr === b.brokerAddr);
            const d = data.brokerDetails?.[b.brokerAddr];
            const health = healthOf(b, data, members);
            const beats = (data.heartbeats ?? []).filter((h) => h.brokerAddr === b.brokerAddr);
            const disk = d?.diskUsedRatio ?? d?.commitLogDiskRatio ?? b.commitLogDiskRatio;
            return (
              <Tr key={b.brokerAddr} testId="broker-row" className={failed ? 'bg-red-50/60 dark:bg-red-950/20' : ''}>
                <Td>
                  <div className="font-mono text-xs" data-testid="broker-addr">{b.brokerAddr}</div>
                  <div className="text-xs text-zinc-500">brokerId {b.brokerId}</div>
                </Td>
                <Td>
                  <Badge tone={b.role === 'MASTER' ? 'orange' : 'blue'}>{b.role}</Badge>
                </Td>
                <Td className="text-xs">{b.version ?? '—'}</Td>
                <Td className="text-xs">
                  <div>{d?.flushDiskType ?? '—'}</div>
                  <div className="text-zinc-500">{d?.brokerRole ?? b.brokerRole ?? '—'}</div>
                </Td>
                <Td>
                  <Heartbeats beats={beats} now={now} />
                </Td>
                <Td data-testid="broker-health" data-health={health.text}>
                  <span className="inline-flex items-center gap-1.5">
                    <Dot tone={health.tone} />
                    <span className="text-sm">{health.text}</span>
                  </span>
                  {health.detail && <div className="max-w-64 break-words text-xs text-zinc-500">{health.detail}</div>}
                </Td>
                <Td className="text-right tabular-nums">{fmtRatio(disk)}</Td>
                <Td className="text-right tabular-nums">{failed ? '—' : fmtRate(b.inTps)}</Td>
                <Td className="text-right tabular-nums">{failed ? '—' : fmtRate(b.outTps)}</Td>
                <Td className="text-right">
                  <Button size="sm" variant="ghost" onClick={() => onConfig(b.brokerAddr)} data-testid="broker-config-open">Config</Button>
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
  const [configAddr, setConfigAddr] = useState<string | null>(null);
  const data = q.data;
  if (q.isPending) return <PageSkeleton title="Cluster" />;
  const now = q.dataUpdatedAt || Date.now();
  const groups = new Map<string, Broker[]>();
  for (const b of data?.clusterList.brokers ?? []) groups.set(b.brokerName, [...(groups.get(b.brokerName) ?? []), b]);
  for (const c of data?.clusterList.clusters ?? []) for (const n of c.brokerNames) if (!groups.has(n)) groups.set(n, []);
  const brokers = data?.clusterList.brokers ?? [];
  const alive = brokers.filter((b) => !data?.clusterList.errors.some((e) => e.brokerAddr === b.brokerAddr)).length;
  return (
    <>
      <PageHeader title="Cluster" description="Nameservers and broker groups: roles, heartbeats, replication, disk and throughput." />
      <div className="space-y-5">
        {q.error && <ErrorBox error={q.error} title="Could not load the cluster" onRetry={() => void q.refetch()} />}
        {data && (
          <>
            <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
              <Stat label="Clusters" value={data.clusterList.clusters.length} hint={data.clusterList.clusters.map((c) => c.clusterName).join(', ')} />
              <Stat label="Nameservers reachable" value={`${data.namesrvs.filter((n) => n.reachable).length} / ${data.namesrvs.length}`} tone={data.namesrvs.every((n) => n.reachable) ? 'green' : 'amber'} />
              <Stat label="Broker groups" value={groups.size} />
              <Stat label="Brokers answering" value={`${alive} / ${brokers.length}`} tone={alive === brokers.length ? 'green' : 'red'} />
            </div>
            <NamesrvTable data={data} />
            <BrokerErrors errors={data.clusterList.namesrvErrors} title="Nameservers that did not answer" />
            {groups.size === 0 ? (
              <Empty title="No broker registered" hint="No nameserver lists a broker. Start a broker pointed at these nameservers." />
            ) : (
              [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([name, members]) => (
                <BrokerGroupCard key={name} brokerName={name} members={members} data={data} now={now} onConfig={setConfigAddr} />
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

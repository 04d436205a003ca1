'use client';
// Overview page: cluster health at a glance, put/get TPS over time, busiest topics and most lagging groups.

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useHistory, useOverview } from '@/components/api/hooks';
import { joinSeries, TimeChart } from '@/components/charts/time-chart';
import { fmtBytes, fmtDuration, fmtNum, fmtRate } from '@/components/format';
import { Card, PageHeader, Stat } from '@/components/ui/card';
import { BrokerErrors, ErrorBox, Skeleton } from '@/components/ui/states';
import { FullRow, Table, Td, Th, THead, Tr } from '@/components/ui/table';
import { Tabs } from '@/components/ui/tabs';
import { Badge } from '@/components/ui/badge';
import type { OverviewResponse } from '@/components/api/types';
import { FiringAlerts } from '@/components/alerts/firing-alerts';

const seg = encodeURIComponent;

function names(list: string[] | undefined): string {
  if (!list?.length) return 'none';
  return list.length > 3 ? `${list.slice(0, 3).join(', ')} +${list.length - 3}` : list.join(', ');
}

function HealthTiles({ data, failed }: { data: OverviewResponse | undefined; failed: boolean }) {
  if (!data) {
    if (failed) return null;
    return (
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        {[0, 1, 2, 3, 4].map((i) => <Skeleton key={i} className="h-[92px]" />)}
      </div>
    );
  }
  const h = data.health;
  const ns = h.namesrvs;
  const br = h.brokers;
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5" data-testid="health-tiles">
      <Stat testId="stat-namesrvs" label="Nameservers reachable" value={`${ns.reachable} / ${ns.total}`} tone={ns.reachable === ns.total ? 'green' : ns.reachable === 0 ? 'red' : 'amber'} />
      <Stat testId="stat-brokers" label="Brokers alive" value={`${br.alive} / ${br.total}`} tone={br.alive === br.total ? 'green' : br.alive === 0 ? 'red' : 'amber'} />
      <Stat
        testId="stat-masters-without-slave"
        label="Masters without live slave"
        value={h.mastersWithoutLiveSlave.length}
        tone={h.mastersWithoutLiveSlave.length ? 'red' : 'green'}
        hint={names(h.mastersWithoutLiveSlave)}
      />
      <Stat
        testId="stat-slaves-behind"
        label="Slaves behind"
        value={h.slavesBehind.length}
        tone={h.slavesBehind.length ? 'amber' : 'green'}
        hint={h.slavesBehind.length ? h.slavesBehind.map((s) => (s.connected === false ? `${s.brokerAddr} disconnected` : `${s.brokerAddr} −${fmtBytes(s.behindBytes)}${s.lagMs !== null ? ` (${fmtDuration(s.lagMs / 1000)})` : ''}`)).join(', ') : 'none disconnected or more than 1 MiB behind'}
      />
      <Stat
        testId="stat-growing-lag"
        label="Groups with growing lag"
        value={h.groupsWithGrowingLag.length}
        tone={h.groupsWithGrowingLag.length ? 'amber' : 'green'}
        hint={names(h.groupsWithGrowingLag.map((g) => g.group))}
      />
    </div>
  );
}

const RANGES = [
  { id: '900000', label: '15 min' },
  { id: '3600000', label: '1 h' },
  { id: '21600000', label: '6 h' },
  { id: '86400000', label: '24 h' },
];

/** Cluster put/get TPS over time from the console's history (the collector samples every broker). */
function ThroughputChart({ data }: { data: OverviewResponse | undefined }) {
  const [range, setRange] = useState('900000');
  const name = data?.cluster ?? '';
  const put = useHistory('cluster', name, 'putTps', Number(range), !!name);
  const get = useHistory('cluster', name, 'getTps', Number(range), !!name);
  const rows = useMemo(() => joinSeries({ put: put.data?.points ?? [], get: get.data?.points ?? [] }), [put.data, get.data]);
  return (
    <Card
      className="xl:col-span-2"
      title={
        <span className="flex items-center gap-3">
          Cluster throughput
          {data && (
            <span className="text-xs font-normal tabular-nums text-zinc-500" data-testid="tps-now">
              now: put <strong className="text-orange-600">{fmtRate(data.tps.put)}</strong>/s · get <strong className="text-sky-600">{fmtRate(data.tps.get)}</strong>/s
            </span>
          )}
        </span>
      }
      testId="tps-chart"
      actions={<Tabs label="Range" tabs={RANGES} value={range} onChange={setRange} />}
    >
      {put.error ? (
        <ErrorBox error={put.error} title="Could not load the throughput history" />
      ) : (
        <TimeChart
          data={rows}
          series={[
            { key: 'put', label: 'Put TPS', color: '#ea580c' },
            { key: 'get', label: 'Get TPS', color: '#0284c7' },
          ]}
          empty={put.isPending ? 'Loading…' : 'No samples yet: the console records the cluster every few seconds'}
        />
      )}
    </Card>
  );
}

export function Overview() {
  const q = useOverview();
  const data = q.data;
  const growing = new Set(data?.health.groupsWithGrowingLag.map((g) => g.group));
  return (
    <>
      <PageHeader title="Overview" description="Health of your RocketMQ cluster at a glance." />
      <div className="space-y-5">
        {q.error && <ErrorBox error={q.error} title="Could not load the cluster overview" onRetry={() => void q.refetch()} />}
        {data?.error && <ErrorBox error={new Error(data.error)} title="The nameservers did not answer" />}
        <FiringAlerts />
        <BrokerErrors errors={data?.errors} />
        <BrokerErrors errors={data?.warnings} title="Cluster warnings" />
        <HealthTiles data={data} failed={!!q.error} />
        <div className="grid gap-5 xl:grid-cols-3">
          <ThroughputChart data={data} />
          <Card title="Top topics by TPS" bodyClassName="" testId="top-topics">
            <Table>
              <THead>
                <Th>Topic</Th>
                <Th className="text-right">Put TPS</Th>
              </THead>
              <tbody>
                {data && data.topTopics.length === 0 && <FullRow colSpan={2}>No topic traffic.</FullRow>}
                {data?.topTopics.map((t) => (
                  <Tr key={t.topic}>
                    <Td className="max-w-0 truncate">
                      <Link href={`/topics/${seg(t.topic)}`} className="text-orange-700 hover:underline dark:text-orange-400">{t.topic}</Link>
                    </Td>
                    <Td className="text-right tabular-nums">{fmtRate(t.tps)}</Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
          </Card>
        </div>
        <Card title="Top consumer groups by lag" bodyClassName="" testId="top-groups">
          <Table>
            <THead>
              <Th>Group</Th>
              <Th className="text-right">Lag (messages)</Th>
              <Th className="text-right">Lag (time)</Th>
              <Th className="text-right">Consume TPS</Th>
            </THead>
            <tbody>
              {data && data.topGroups.length === 0 && <FullRow colSpan={4}>No consumer group has lag.</FullRow>}
              {data?.topGroups.map((g) => (
                <Tr key={g.group} testId="top-group-row">
                  <Td>
                    <Link href={`/groups/${seg(g.group)}`} className="text-orange-700 hover:underline dark:text-orange-400">{g.group}</Link>
                    {growing.has(g.group) && <span className="ml-2"><Badge tone="red">↑ growing</Badge></span>}
                  </Td>
                  <Td className="text-right tabular-nums">{fmtNum(g.lagMessages)}</Td>
                  <Td className="text-right tabular-nums">{g.lagSeconds === null ? '—' : fmtDuration(g.lagSeconds)}</Td>
                  <Td className="text-right tabular-nums">{fmtRate(g.tps)}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        </Card>
      </div>
    </>
  );
}

'use client';
// Overview page: cluster health at a glance, put/get TPS over time, busiest topics and most lagging groups.

import Link from 'next/link';
import { useMemo } from 'react';
import { useOverview } from '@/components/api/hooks';
import { TimeChart } from '@/components/charts/time-chart';
import { useLiveSeries } from '@/components/charts/live-series';
import { fmtDuration, fmtNum, fmtRate } from '@/components/format';
import { Card, PageHeader, Stat } from '@/components/ui/card';
import { BrokerErrors, ErrorBox, Skeleton } from '@/components/ui/states';
import { FullRow, Table, Td, Th, THead, Tr } from '@/components/ui/table';
import { TrendBadge } from '@/components/groups/trend';
import type { OverviewAnswer } from '@/components/api/types';

const seg = encodeURIComponent;

function names(list: string[] | undefined): string {
  if (!list?.length) return 'none';
  return list.length > 3 ? `${list.slice(0, 3).join(', ')} +${list.length - 3}` : list.join(', ');
}

function HealthTiles({ data }: { data: OverviewAnswer | undefined }) {
  if (!data) {
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
      <Stat testId="stat-slaves-behind" label="Slaves behind" value={h.slavesBehind.length} tone={h.slavesBehind.length ? 'amber' : 'green'} hint={names(h.slavesBehind)} />
      <Stat
        testId="stat-growing-lag"
        label="Groups with growing lag"
        value={h.groupsWithGrowingLag.length}
        tone={h.groupsWithGrowingLag.length ? 'amber' : 'green'}
        hint={names(h.groupsWithGrowingLag)}
      />
    </div>
  );
}

export function Overview() {
  const q = useOverview();
  const live = useMemo(() => (q.data ? { put: q.data.tps.put, get: q.data.tps.get } : undefined), [q.data]);
  const series = useLiveSeries(live, q.dataUpdatedAt);
  const data = q.data;
  return (
    <>
      <PageHeader title="Overview" description="Health of your RocketMQ cluster at a glance." />
      <div className="space-y-5">
        {q.error && <ErrorBox error={q.error} title="Could not load the cluster overview" onRetry={() => void q.refetch()} />}
        <BrokerErrors errors={data?.errors} />
        <HealthTiles data={data} />
        <div className="grid gap-5 xl:grid-cols-3">
          <Card
            className="xl:col-span-2"
            title="Cluster throughput"
            testId="tps-chart"
            actions={
              data && (
                <span className="text-xs tabular-nums text-zinc-500">
                  put <strong className="text-orange-600">{fmtRate(data.tps.put)}</strong>/s · get <strong className="text-sky-600">{fmtRate(data.tps.get)}</strong>/s
                </span>
              )
            }
          >
            <TimeChart
              data={series}
              series={[
                { key: 'put', label: 'Put TPS', color: '#ea580c' },
                { key: 'get', label: 'Get TPS', color: '#0284c7' },
              ]}
              empty={q.isPending ? 'Loading…' : 'Collecting points — the chart fills as the page refreshes'}
            />
          </Card>
          <Card title="Top topics by TPS" bodyClassName="" testId="top-topics">
            <Table>
              <THead>
                <Th>Topic</Th>
                <Th className="text-right">Put TPS</Th>
              </THead>
              <tbody>
                {data && data.topTopics.length === 0 && <FullRow colSpan={2}>No topic traffic.</FullRow>}
                {data?.topTopics.map((t) => (
                  <Tr key={t.name}>
                    <Td className="max-w-0 truncate">
                      <Link href={`/topics/${seg(t.name)}`} className="text-orange-700 hover:underline dark:text-orange-400">{t.name}</Link>
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
              <Th>Trend</Th>
            </THead>
            <tbody>
              {data && data.topGroups.length === 0 && <FullRow colSpan={4}>No consumer group has lag.</FullRow>}
              {data?.topGroups.map((g) => (
                <Tr key={g.name}>
                  <Td>
                    <Link href={`/groups/${seg(g.name)}`} className="text-orange-700 hover:underline dark:text-orange-400">{g.name}</Link>
                  </Td>
                  <Td className="text-right tabular-nums">{fmtNum(g.lag)}</Td>
                  <Td className="text-right tabular-nums">{g.lagSeconds === undefined ? '—' : fmtDuration(g.lagSeconds)}</Td>
                  <Td>{g.trend ? <TrendBadge trend={g.trend} /> : '—'}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        </Card>
      </div>
    </>
  );
}

'use client';
// Topic-to-broker map: a grid of topics by broker groups with queue counts and permissions; single-broker topics stand out.

import Link from 'next/link';
import { useMemo } from 'react';
import { useTopicMap } from '@/components/api/hooks';
import { permText } from '@/components/format';
import { useUrlState } from '@/components/url-state';
import { Badge } from '@/components/ui/badge';
import { Checkbox } from '@/components/ui/button';
import { Card, PageHeader, Stat } from '@/components/ui/card';
import { Pagination } from '@/components/ui/pagination';
import { SearchBox } from '@/components/ui/search-box';
import { BrokerErrors, ErrorBox, PageSkeleton } from '@/components/ui/states';
import { KindBadge } from './topic-list';

export function TopicMap() {
  const q = useTopicMap();
  const [s, set] = useUrlState({ q: '', system: '0', single: '0', page: '1', size: '100' });
  const page = Math.max(1, Number(s.page) || 1);
  const pageSize = Number(s.size) || 100;
  const failed = useMemo(() => new Set((q.data?.errors ?? []).map((e) => e.brokerName)), [q.data]);
  const brokerNames = useMemo(() => {
    const names = new Set<string>(failed);
    for (const t of q.data?.topics ?? []) for (const b of t.brokers) names.add(b.brokerName);
    return [...names].sort();
  }, [q.data, failed]);
  const all = q.data?.topics ?? [];
  const visible = useMemo(() => {
    const f = s.q.trim().toLowerCase();
    return all.filter((t) => (s.system === '1' || !t.system) && (!f || t.topic.toLowerCase().includes(f)) && (s.single !== '1' || t.brokers.length === 1));
  }, [all, s.q, s.system, s.single]);
  const singles = all.filter((t) => !t.system && t.brokers.length === 1).length;
  const rows = visible.slice((page - 1) * pageSize, page * pageSize);

  if (q.isPending) return <PageSkeleton title="Topic map" />;
  return (
    <>
      <PageHeader
        title="Topic map"
        description="Which broker groups hold each topic, with read/write queue counts and permission."
        actions={<Link href="/topics" className="text-sm text-orange-700 hover:underline dark:text-orange-400">← Topic list</Link>}
      />
      <div className="space-y-4">
        {q.error && <ErrorBox error={q.error} title="Could not load the topic map" onRetry={() => void q.refetch()} />}
        <BrokerErrors errors={q.data?.errors} title="Broker groups that did not send their topics (their column shows “?”)" />
        <div className="grid gap-4 sm:grid-cols-3">
          <Stat label="Topics" value={all.filter((t) => !t.system).length} hint={`${all.filter((t) => t.system).length} system topics`} />
          <Stat label="Broker groups" value={brokerNames.length} />
          <Stat label="On one broker only" value={singles} tone={singles ? 'amber' : 'green'} hint="no copy on another group: that group going down stops the topic" testId="stat-single-broker" />
        </div>
        <Card bodyClassName="">
          <div className="flex flex-wrap items-center gap-4 border-b border-zinc-200 px-3 py-2.5 dark:border-zinc-800">
            <SearchBox value={s.q} onChange={(v) => set({ q: v, page: '1' })} placeholder="Filter topics" />
            <Checkbox label="Show system topics" checked={s.system === '1'} onChange={(e) => set({ system: e.target.checked ? '1' : '0', page: '1' })} />
            <Checkbox label="Only topics on one broker" checked={s.single === '1'} onChange={(e) => set({ single: e.target.checked ? '1' : '0', page: '1' })} data-testid="only-single" />
            <span className="ml-auto flex items-center gap-3 text-xs text-zinc-500">
              <span><span className="mr-1 inline-block h-3 w-3 rounded-sm bg-emerald-500/70 align-middle" />RW</span>
              <span><span className="mr-1 inline-block h-3 w-3 rounded-sm bg-sky-500/70 align-middle" />R only</span>
              <span><span className="mr-1 inline-block h-3 w-3 rounded-sm bg-amber-500/70 align-middle" />W only</span>
              <span><span className="mr-1 inline-block h-3 w-3 rounded-sm bg-red-500/70 align-middle" />none</span>
            </span>
          </div>
          <div className="overflow-x-auto">
            <table className="w-full border-collapse text-sm" data-testid="topic-map">
              <thead className="bg-zinc-50 text-xs text-zinc-500 dark:bg-zinc-900/60 dark:text-zinc-400">
                <tr>
                  <th className="sticky left-0 z-10 border-b border-zinc-200 bg-zinc-50 px-3 py-2 text-left font-medium uppercase tracking-wide dark:border-zinc-800 dark:bg-zinc-900">Topic</th>
                  {brokerNames.map((b) => (
                    <th key={b} className="border-b border-zinc-200 px-3 py-2 text-center font-medium dark:border-zinc-800">
                      {b}
                      {failed.has(b) && <div className="text-[10px] font-normal text-red-600">no answer</div>}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 && (
                  <tr><td colSpan={brokerNames.length + 1} className="px-3 py-8 text-center text-zinc-500">No topic matches.</td></tr>
                )}
                {rows.map((t) => {
                  const single = t.brokers.length === 1 && !t.system;
                  return (
                    <tr key={t.topic} data-testid="map-row" data-topic={t.topic} className={`border-b border-zinc-100 dark:border-zinc-800/70 ${single ? 'bg-amber-50/60 dark:bg-amber-950/20' : ''}`}>
                      <td className="sticky left-0 max-w-xs bg-inherit px-3 py-1.5">
                        <div className="flex items-center gap-2">
                          <Link href={`/topics/${encodeURIComponent(t.topic)}`} className="truncate text-orange-700 hover:underline dark:text-orange-400">{t.topic}</Link>
                          <KindBadge kind={t.kind} systemKind={t.systemKind} />
                          {single && <Badge tone="amber" title="All queues on one broker group">one broker</Badge>}
                        </div>
                      </td>
                      {brokerNames.map((b) => {
                        const p = t.brokers.find((x) => x.brokerName === b);
                        if (failed.has(b)) return <td key={b} className="px-3 py-1.5 text-center text-red-500" title="broker did not answer">?</td>;
                        if (!p) return <td key={b} className="px-3 py-1.5 text-center text-zinc-300 dark:text-zinc-700">·</td>;
                        const color = p.perm & 4 && p.perm & 2 ? 'bg-emerald-500/15 text-emerald-800 dark:text-emerald-300' : p.perm & 4 ? 'bg-sky-500/15 text-sky-800 dark:text-sky-300' : p.perm & 2 ? 'bg-amber-500/20 text-amber-800 dark:text-amber-300' : 'bg-red-500/15 text-red-800 dark:text-red-300';
                        return (
                          <td key={b} className="px-2 py-1" data-testid="map-cell" data-broker={b}>
                            <div className={`mx-auto w-fit rounded px-2 py-0.5 text-center text-xs tabular-nums ${color}`} title={`read ${p.readQueueNums}, write ${p.writeQueueNums}, perm ${p.perm}${p.order ? ', ordered' : ''}`}>
                              {p.readQueueNums}/{p.writeQueueNums} <span className="font-semibold">{permText(p.perm)}</span>{p.order ? ' ⇅' : ''}
                            </div>
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pagination page={page} pageSize={pageSize} total={visible.length} onPage={(p) => set({ page: String(p) })} onPageSize={(n) => set({ size: String(n), page: '1' })} />
        </Card>
      </div>
    </>
  );
}

'use client';
// Topics page: server-side searched, sorted and paginated list; system topics hidden unless asked for.

import Link from 'next/link';
import { useTopics } from '@/components/api/hooks';
import type { TopicRow } from '@/components/api/types';
import { fmtNum, fmtRate } from '@/components/format';
import { useUrlState } from '@/components/url-state';
import { Badge } from '@/components/ui/badge';
import { Checkbox } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { Pagination } from '@/components/ui/pagination';
import { SearchBox } from '@/components/ui/search-box';
import { BrokerErrors, ErrorBox } from '@/components/ui/states';
import { FullRow, SkeletonRows, SortTh, Table, Td, Th, THead, Tr, type SortState } from '@/components/ui/table';
import { CreateTopicButton } from '@/components/actions/topic-form';

const KIND_TONE = { NORMAL: 'zinc', RETRY: 'amber', DLQ: 'red', SYSTEM: 'violet', LMQ: 'blue' } as const;

export function KindBadge({ kind }: { kind: TopicRow['kind'] }) {
  if (kind === 'NORMAL') return null;
  return <Badge tone={KIND_TONE[kind] ?? 'zinc'}>{kind}</Badge>;
}

const groupCount = (g: TopicRow['groups']) => (Array.isArray(g) ? g.length : g);

export function TopicList() {
  const [s, set] = useUrlState({ q: '', page: '1', size: '50', sort: 'topic', dir: 'asc', system: '0' });
  const page = Math.max(1, Number(s.page) || 1);
  const pageSize = Number(s.size) || 50;
  const sort: SortState = { field: s.sort, dir: s.dir === 'desc' ? 'desc' : 'asc' };
  const q = useTopics({ search: s.q, page, pageSize, sort: `${sort.field}:${sort.dir}`, system: s.system });
  const items = q.data?.items ?? [];
  const onSort = (n: SortState) => set({ sort: n.field, dir: n.dir, page: '1' });
  return (
    <>
      <PageHeader
        title="Topics"
        description="Every topic of the cluster with its queues, brokers, throughput, producers and consumers."
        actions={
          <>
            <Link href="/topics/map" className="text-sm text-orange-700 hover:underline dark:text-orange-400">Topic-to-broker map →</Link>
            <CreateTopicButton />
          </>
        }
      />
      <div className="space-y-4">
        {q.error && <ErrorBox error={q.error} title="Could not load topics" onRetry={() => void q.refetch()} />}
        <BrokerErrors errors={q.data?.errors} />
        <Card bodyClassName="">
          <div className="flex flex-wrap items-center gap-4 border-b border-zinc-200 px-3 py-2.5 dark:border-zinc-800">
            <SearchBox value={s.q} onChange={(v) => set({ q: v, page: '1' })} placeholder="Search topics" />
            <Checkbox label="Show system topics" checked={s.system === '1'} onChange={(e) => set({ system: e.target.checked ? '1' : '0', page: '1' })} data-testid="show-system" />
          </div>
          <Table testId="topics-table">
            <THead>
              <SortTh field="topic" sort={sort} onSort={onSort}>Topic</SortTh>
              <SortTh field="queues" sort={sort} onSort={onSort} className="text-right" defaultDir="desc">Queues</SortTh>
              <SortTh field="brokers" sort={sort} onSort={onSort} defaultDir="desc">Brokers</SortTh>
              <SortTh field="tps" sort={sort} onSort={onSort} className="text-right" defaultDir="desc">TPS</SortTh>
              <SortTh field="producers" sort={sort} onSort={onSort} className="text-right" defaultDir="desc">Producers</SortTh>
              <SortTh field="groups" sort={sort} onSort={onSort} className="text-right" defaultDir="desc">Consumer groups</SortTh>
            </THead>
            <tbody>
              {q.isPending && <SkeletonRows cols={6} rows={8} />}
              {!q.isPending && items.length === 0 && (
                <FullRow colSpan={6}>{s.q ? `No topic matches “${s.q}”.` : 'No topics yet. Create one with “New topic”.'}</FullRow>
              )}
              {items.map((t) => (
                <Tr key={t.topic} testId="topic-row">
                  <Td className="max-w-md">
                    <div className="flex items-center gap-2">
                      <Link href={`/topics/${encodeURIComponent(t.topic)}`} className="truncate font-medium text-orange-700 hover:underline dark:text-orange-400">{t.topic}</Link>
                      <KindBadge kind={t.kind} />
                    </div>
                    {t.error && <div className="text-xs text-red-600 dark:text-red-400">{t.error}</div>}
                  </Td>
                  <Td className="text-right tabular-nums">
                    {t.readQueueNums !== undefined ? `${t.readQueueNums}r / ${t.writeQueueNums}w` : fmtNum(t.queues)}
                  </Td>
                  <Td className="text-xs">
                    {t.brokerNames?.length ? (
                      <span className="flex flex-wrap gap-1">
                        {t.brokerNames.map((b) => <Badge key={b}>{b}</Badge>)}
                        {t.brokerNames.length === 1 && <Badge tone="amber" title="All queues on one broker group">single broker</Badge>}
                      </span>
                    ) : '—'}
                  </Td>
                  <Td className="text-right tabular-nums">{fmtRate(t.tps)}</Td>
                  <Td className="text-right tabular-nums">{t.producers === undefined ? '—' : fmtNum(t.producers)}</Td>
                  <Td className="text-right tabular-nums">{groupCount(t.groups) === undefined ? '—' : fmtNum(groupCount(t.groups))}</Td>
                </Tr>
              ))}
            </tbody>
          </Table>
          <Pagination
            page={page}
            pageSize={pageSize}
            total={q.data?.total ?? 0}
            fetching={q.isFetching && q.isPlaceholderData}
            onPage={(p) => set({ page: String(p) })}
            onPageSize={(n) => set({ size: String(n), page: '1' })}
          />
        </Card>
      </div>
    </>
  );
}

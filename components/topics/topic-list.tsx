'use client';
// Topics page: server-side searched, sorted and paginated list; system topics hidden unless asked for.

import Link from 'next/link';
import { useTopics } from '@/components/api/hooks';
import type { TopicListItem } from '@/components/api/types';
import { fmtNum, fmtRate, permText } from '@/components/format';
import { useUrlState } from '@/components/url-state';
import { Badge } from '@/components/ui/badge';
import { Checkbox } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { Pagination } from '@/components/ui/pagination';
import { SearchBox } from '@/components/ui/search-box';
import { BrokerErrors, ErrorBox } from '@/components/ui/states';
import { FullRow, SkeletonRows, SortTh, Table, Td, Th, THead, Tr, type SortState } from '@/components/ui/table';
import { CreateTopicButton } from '@/components/actions/topic-form';
import { useAccessDenied } from '@/components/acl/access-banner';
import { MessageTypeBadge } from './topic-attributes';

const KIND_TONE = { NORMAL: 'zinc', RETRY: 'amber', DLQ: 'red', SYSTEM: 'violet', LMQ: 'blue' } as const;

export function KindBadge({ kind, systemKind }: { kind: TopicListItem['kind']; systemKind?: TopicListItem['systemKind'] }) {
  if (kind === 'NORMAL') return null;
  return (
    <>
      <Badge tone={KIND_TONE[kind] ?? 'zinc'}>{kind}</Badge>
      {systemKind && <Badge tone="violet" title="What this system topic is for">{systemKind}</Badge>}
    </>
  );
}

export function TopicList() {
  const [s, set] = useUrlState({ q: '', page: '1', size: '50', sort: 'name', dir: 'asc', system: '0' });
  const page = Math.max(1, Number(s.page) || 1);
  const pageSize = Number(s.size) || 50;
  const sort: SortState = { field: s.sort, dir: s.dir === 'desc' ? 'desc' : 'asc' };
  const q = useTopics({ search: s.q, page, pageSize, sort: `${sort.dir === 'desc' ? '-' : ''}${sort.field}`, system: s.system });
  const items = q.data?.items ?? [];
  const denied = useAccessDenied();
  const onSort = (n: SortState) => set({ sort: n.field, dir: n.dir, page: '1' });
  return (
    <>
      <PageHeader
        title="Topics"
        description="Every topic of the cluster with its queues, broker groups, stored messages and throughput."
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
              <SortTh field="name" sort={sort} onSort={onSort}>Topic</SortTh>
              <SortTh field="queues" sort={sort} onSort={onSort} className="text-right" defaultDir="desc">Queues (read / write)</SortTh>
              <Th>Broker groups</Th>
              <Th>Permission</Th>
              <Th className="text-right">Messages</Th>
              <SortTh field="tps" sort={sort} onSort={onSort} className="text-right" defaultDir="desc">Put TPS</SortTh>
              <Th className="text-right">Consuming groups</Th>
              <Th className="text-right">Producers</Th>
            </THead>
            <tbody>
              {q.isPending && <SkeletonRows cols={8} rows={8} />}
              {!q.isPending && !q.data && <FullRow colSpan={8}>No answer from the cluster.</FullRow>}
              {q.data && items.length === 0 && (
                <FullRow colSpan={8}>{denied ?? (s.q ? `No topic matches “${s.q}”.` : 'No topics yet. Create one with “New topic”.')}</FullRow>
              )}
              {items.map((t) => (
                <Tr key={t.topic} testId="topic-row">
                  <Td className="max-w-md">
                    <div className="flex items-center gap-2">
                      <Link href={`/topics/${encodeURIComponent(t.topic)}`} className="truncate font-medium text-orange-700 hover:underline dark:text-orange-400">{t.topic}</Link>
                      <KindBadge kind={t.kind} systemKind={t.systemKind} />
                      <MessageTypeBadge type={t.messageType} />
                    </div>
                  </Td>
                  <Td className="text-right tabular-nums">{t.readQueueNums} / {t.writeQueueNums}</Td>
                  <Td className="text-xs">
                    {t.brokers.length ? (
                      <span className="flex flex-wrap gap-1">
                        {t.brokers.map((b) => <Badge key={b.brokerName}>{b.brokerName}</Badge>)}
                        {t.brokers.length === 1 && !t.system && <Badge tone="amber" title="All queues on one broker group">single broker</Badge>}
                      </span>
                    ) : '—'}
                  </Td>
                  <Td className="text-xs">{[...new Set(t.brokers.map((b) => permText(b.perm)))].join(', ') || '—'}</Td>
                  <Td className="text-right tabular-nums">{fmtNum(t.messages)}</Td>
                  <Td className="text-right tabular-nums">{fmtRate(t.tps)}</Td>
                  <Td className="text-right tabular-nums" data-testid="topic-consumer-groups">{t.consumerGroups ?? '—'}</Td>
                  {t.producers === null ? (
                    <Td className="text-right text-xs text-zinc-400" title="These brokers cannot tell (Apache RocketMQ has no request naming a topic's producers); open the topic and name a producer group to see its connections" data-testid="topic-producer-groups">n/a</Td>
                  ) : (
                    <Td className="text-right tabular-nums" title="Producer groups the brokers saw sending to this topic in the last minutes" data-testid="topic-producer-groups">{t.producers}</Td>
                  )}
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

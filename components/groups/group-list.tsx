'use client';
// Consumer groups page: server-side searched, sorted and paginated; lag in messages and time, TPS, sparkline, trend, flags.

import Link from 'next/link';
import { useGroups } from '@/components/api/hooks';
import { fmtDuration, fmtNum, fmtRate } from '@/components/format';
import { useUrlState } from '@/components/url-state';
import { Sparkline } from '@/components/charts/sparkline';
import { Badge } from '@/components/ui/badge';
import { Checkbox } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { Pagination } from '@/components/ui/pagination';
import { SearchBox } from '@/components/ui/search-box';
import { BrokerErrors, ErrorBox } from '@/components/ui/states';
import { FullRow, SkeletonRows, SortTh, Table, Td, Th, THead, Tr, type SortState } from '@/components/ui/table';
import { TrendBadge } from './trend';
import { CreateGroupButton } from './group-actions';
import { useAccessDenied } from '@/components/acl/access-banner';

export function GroupList() {
  const [s, set] = useUrlState({ q: '', page: '1', size: '50', sort: 'lag', dir: 'desc', system: '0' });
  const page = Math.max(1, Number(s.page) || 1);
  const pageSize = Number(s.size) || 50;
  const sort: SortState = { field: s.sort, dir: s.dir === 'asc' ? 'asc' : 'desc' };
  const q = useGroups({ search: s.q, page, pageSize, sort: `${sort.dir === 'desc' ? '-' : ''}${sort.field}`, system: s.system });
  const items = q.data?.items ?? [];
  const denied = useAccessDenied();
  const onSort = (n: SortState) => set({ sort: n.field, dir: n.dir, page: '1' });
  return (
    <>
      <PageHeader title="Consumer groups" description="Every consumer group with its members, lag, throughput and lag trend." actions={<CreateGroupButton />} />
      <div className="space-y-4">
        {q.error && <ErrorBox error={q.error} title="Could not load consumer groups" onRetry={() => void q.refetch()} />}
        <BrokerErrors errors={q.data?.errors} />
        <Card bodyClassName="">
          <div className="flex flex-wrap items-center gap-4 border-b border-zinc-200 px-3 py-2.5 dark:border-zinc-800">
            <SearchBox value={s.q} onChange={(v) => set({ q: v, page: '1' })} placeholder="Search groups" />
            <Checkbox label="Show system groups" checked={s.system === '1'} onChange={(e) => set({ system: e.target.checked ? '1' : '0', page: '1' })} />
          </div>
          <Table testId="groups-table">
            <THead>
              <SortTh field="name" sort={sort} onSort={onSort}>Group</SortTh>
              <Th>Model / type</Th>
              <Th title="Push, pull or POP as the group detail decides it; below it the 5.x consume-mode setting">Mode</Th>
              <Th className="text-right">Online</Th>
              <SortTh field="lag" sort={sort} onSort={onSort} className="text-right" defaultDir="desc">Lag</SortTh>
              <SortTh field="lagSeconds" sort={sort} onSort={onSort} className="text-right" defaultDir="desc">Lag time</SortTh>
              <SortTh field="tps" sort={sort} onSort={onSort} className="text-right" defaultDir="desc">Consume TPS</SortTh>
              <Th>Lag, last 30 min</Th>
            </THead>
            <tbody>
              {q.isPending && <SkeletonRows cols={8} rows={8} />}
              {!q.isPending && !q.data && <FullRow colSpan={8}>No answer from the cluster.</FullRow>}
              {q.data && items.length === 0 && <FullRow colSpan={8}>{denied ?? (s.q ? `No group matches “${s.q}”.` : 'No consumer groups yet.')}</FullRow>}
              {items.map((g) => (
                <Tr key={g.group} testId="group-row">
                  <Td className="max-w-sm">
                    <div className="flex flex-wrap items-center gap-1.5">
                      <Link href={`/groups/${encodeURIComponent(g.group)}`} className="truncate font-medium text-orange-700 hover:underline dark:text-orange-400">{g.group}</Link>
                      {g.system && <Badge tone="violet" title="System group">{g.systemKind ?? 'system'}</Badge>}
                      {g.flags.map((f, i) => <Badge key={i} tone="red" title={f.reason} testId="group-flag">⚑ {f.kind ?? 'flagged'}</Badge>)}
                    </div>
                    {g.flags.length > 0 && <div className="truncate text-xs text-red-600 dark:text-red-400" title={g.flags.map((f) => f.reason).join('; ')}>{g.flags[0]!.reason}</div>}
                    {g.connectionError && <div className="truncate text-xs text-red-600 dark:text-red-400" title={g.connectionError}>{g.connectionError}</div>}
                  </Td>
                  <Td className="text-xs">
                    <div>{g.messageModel ?? '—'}</div>
                    <div className="text-zinc-500">{g.consumeType ?? ''}</div>
                  </Td>
                  <Td className="text-xs" data-testid="group-mode">
                    <div title={g.consumptionReason}>{g.consumptionMode && g.consumptionMode !== 'UNKNOWN' ? <Badge tone={g.consumptionMode === 'POP' ? 'violet' : 'zinc'}>{g.consumptionMode}</Badge> : '—'}</div>
                    {g.requestMode && <div className="text-zinc-500" title="5.x consume-mode setting (GET_ALL_MESSAGE_REQUEST_MODE)" data-testid="group-request-mode">{g.requestMode}</div>}
                  </Td>
                  <Td className="text-right tabular-nums">
                    {g.members === null ? '—' : g.members === 0 ? <Badge>offline</Badge> : fmtNum(g.members)}
                  </Td>
                  <Td className="text-right font-medium tabular-nums" data-testid="group-lag">{fmtNum(g.lagMessages)}</Td>
                  <Td className="text-right tabular-nums">{g.lagMessages > 0 && g.lagSeconds !== null ? fmtDuration(g.lagSeconds) : '—'}</Td>
                  <Td className="text-right tabular-nums">{fmtRate(g.tps)}</Td>
                  <Td>
                    <span className="flex items-center gap-2">
                      <Sparkline values={g.sparkline} width={80} tone={g.trend === 'growing' ? 'red' : g.trend === 'shrinking' ? 'green' : 'orange'} />
                      <TrendBadge trend={g.trend} />
                    </span>
                  </Td>
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

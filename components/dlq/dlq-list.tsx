'use client';
// Dead-letter queues across the cluster: each group with dead letters, how many, the newest, growth over the last hour.

import Link from 'next/link';
import { useApi } from '@/components/api/hooks';
import type { DlqListResponse } from '@/components/api/types';
import { fmtAgo, fmtNum, fmtTime } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import { Card, PageHeader } from '@/components/ui/card';
import { BrokerErrors, ErrorBox } from '@/components/ui/states';
import { FullRow, SkeletonRows, Table, Td, Th, THead, Tr } from '@/components/ui/table';

export function DlqList() {
  const q = useApi<DlqListResponse>('/api/dlq');
  const groups = q.data?.groups ?? [];
  return (
    <>
      <PageHeader title="Dead letters" description="Consumer groups whose messages failed past maxReconsumeTimes and were moved to %DLQ%<group>." />
      {q.error && <ErrorBox error={q.error} />}
      <BrokerErrors errors={q.data?.errors} />
      <Card bodyClassName="">
        <Table testId="dlq-groups-table">
          <THead>
            <Th>Group</Th>
            <Th className="text-right">Dead letters</Th>
            <Th className="text-right">Last hour</Th>
            <Th>Newest</Th>
          </THead>
          <tbody>
            {q.isPending && <SkeletonRows cols={4} rows={3} />}
            {q.data && groups.length === 0 && <FullRow colSpan={4}>No group has a dead-letter queue.</FullRow>}
            {groups.map((g) => (
              <Tr key={g.group} testId="dlq-group-row">
                <Td><Link href={`/dlq/${encodeURIComponent(g.group)}`} className="text-orange-700 hover:underline dark:text-orange-400">{g.group}</Link></Td>
                <Td className="text-right tabular-nums" >{fmtNum(g.messages)}</Td>
                <Td className="text-right tabular-nums">
                  {g.grewLastHour === null ? <span className="text-zinc-400" title="no history an hour old yet">—</span> : g.grewLastHour > 0 ? <Badge tone="red">+{fmtNum(g.grewLastHour)}</Badge> : '0'}
                </Td>
                <Td className="whitespace-nowrap tabular-nums" >{g.newest ? <span title={fmtTime(g.newest)}>{fmtAgo(g.newest)}</span> : '—'}</Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      </Card>
    </>
  );
}

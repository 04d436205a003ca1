'use client';
// The audit log: every change made through the console, newest first, with who, what, and the result.

import Link from 'next/link';
import { Fragment, useState } from 'react';
import { useAudit, useMe } from '@/components/api/hooks';
import { fmtTime } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { Empty, ErrorBox } from '@/components/ui/states';
import { FullRow, SkeletonRows, Table, Td, Th, THead, Tr } from '@/components/ui/table';

const PAGE = 50;

function short(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

export function AuditLog() {
  const me = useMe();
  const [cursor, setCursor] = useState<number[]>([]);
  const before = cursor[cursor.length - 1];
  const q = useAudit(PAGE, before);
  const [open, setOpen] = useState<number | null>(null);
  const entries = q.data?.entries ?? [];

  if (me.data && !me.data.username) {
    return (
      <>
        <PageHeader title="Audit log" description="Every change made through the console." />
        <Empty title="Sign in to read the audit log" hint="The audit log is open to signed-in viewers and operators.">
          <Link href="/login?next=/audit" className="text-sm text-orange-700 hover:underline dark:text-orange-400">Sign in</Link>
        </Empty>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Audit log" description="Every change made through the console: who, when, what, and how it went." />
      {q.error && <ErrorBox error={q.error} title="Could not load the audit log" onRetry={() => void q.refetch()} />}
      <Card bodyClassName="" className="mt-4">
        <Table testId="audit-table">
          <THead>
            <Th>Time</Th>
            <Th>User</Th>
            <Th>Action</Th>
            <Th>Target</Th>
            <Th>Result</Th>
            <Th>Details</Th>
          </THead>
          <tbody>
            {q.isPending && <SkeletonRows cols={6} />}
            {!q.isPending && entries.length === 0 && <FullRow colSpan={6}>No changes recorded yet.</FullRow>}
            {entries.map((e) => (
              <Fragment key={e.id}>
                <Tr testId="audit-row" onClick={() => setOpen(open === e.id ? null : e.id)}>
                  <Td className="whitespace-nowrap tabular-nums">{fmtTime(e.ts)}</Td>
                  <Td>{e.username}</Td>
                  <Td className="font-mono text-xs">{e.action}</Td>
                  <Td className="max-w-56 truncate font-mono text-xs" title={e.target}>{e.target}</Td>
                  <Td>{e.ok ? <Badge tone="green">ok</Badge> : <Badge tone="red">failed</Badge>}</Td>
                  <Td className="max-w-96 truncate text-xs text-zinc-500">{short(e.params)}</Td>
                </Tr>
                {open === e.id && (
                  <tr className="bg-zinc-50 dark:bg-zinc-900/60">
                    <td colSpan={6} className="px-3 py-3">
                      <div className="grid gap-3 md:grid-cols-2">
                        <div>
                          <div className="mb-1 text-xs font-medium text-zinc-500">Parameters</div>
                          <pre className="max-h-64 overflow-auto rounded bg-white p-2 text-xs dark:bg-zinc-950">{JSON.stringify(e.params, null, 2)}</pre>
                        </div>
                        <div>
                          <div className="mb-1 text-xs font-medium text-zinc-500">Result</div>
                          <pre className="max-h-64 overflow-auto rounded bg-white p-2 text-xs dark:bg-zinc-950">{JSON.stringify(e.result, null, 2)}</pre>
                        </div>
                      </div>
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </Table>
        <div className="flex items-center justify-between border-t border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
          <span className="text-zinc-500">{cursor.length > 0 ? `Older entries (page ${cursor.length + 1})` : 'Newest entries'}</span>
          <div className="flex gap-2">
            <Button size="sm" disabled={cursor.length === 0} onClick={() => setCursor((c) => c.slice(0, -1))}>‹ Newer</Button>
            <Button size="sm" disabled={entries.length < PAGE} onClick={() => setCursor((c) => [...c, entries[entries.length - 1]!.id])}>Older ›</Button>
          </div>
        </div>
      </Card>
    </>
  );
}

'use client';
// "Why is this group behind?": the findings with their figures, and each member's running info (process queues,
// the slow ones highlighted, consume rates and failures), and on request each client's thread stack (Java clients).

import { Fragment, useState } from 'react';
import { useApi } from '@/components/api/hooks';
import { fmtAgo, fmtNum, fmtRate } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ErrorBox } from '@/components/ui/states';
import { FullRow, Table, Td, Th, THead, Tr } from '@/components/ui/table';
import { seg } from '@/components/api/client';
import type { DiagnosisResponse } from '@/lib/console/diagnose.ts';
import { ConsumeDirectly } from './consume-directly';

const TONE = { critical: 'red', warning: 'amber', info: 'blue' } as const;
const SLOW_CACHED = 1000;
const STUCK_MS = 60_000;

export function GroupDiagnosis({ group }: { group: string }) {
  const [threadStack, setThreadStack] = useState(false);
  const q = useApi<DiagnosisResponse>(`/api/consumer-groups/${seg(group)}/diagnosis${threadStack ? '?threadStack=true' : ''}`, { pollFactor: 3 });
  const d = q.data;
  const now = q.dataUpdatedAt || Date.now();
  return (
    <Card title="Why is this group behind?" bodyClassName="" testId="group-diagnosis">
      <label className="flex items-center gap-2 border-b border-zinc-200 px-4 py-2 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
        <input type="checkbox" checked={threadStack} onChange={(e) => setThreadStack(e.target.checked)} data-testid="diagnosis-thread-stack" />
        with thread stack (Java clients dump their threads when asked; this can take a moment on a busy client)
      </label>
      {q.error && <ErrorBox error={q.error} title="Could not diagnose the group" />}
      <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" data-testid="diagnosis-findings">
        {d && d.findings.length === 0 && <li className="px-4 py-3 text-zinc-500">{d.lag === 0 ? 'Nothing to explain: the group is caught up.' : 'No known cause found in the members’ running info.'}</li>}
        {d?.findings.map((f, i) => (
          <li key={i} className="px-4 py-2" data-testid="diagnosis-finding" data-kind={f.kind}>
            <Badge tone={TONE[f.severity]}>{f.severity}</Badge> <span className="font-medium">{f.title}</span>
            <div className="mt-0.5 font-mono text-xs text-zinc-500">{Object.entries(f.figures).map(([k, v]) => `${k}=${v}`).join('  ')}</div>
          </li>
        ))}
      </ul>
      {d && d.clients.length > 0 && (
        <Table testId="running-info">
          <THead><Th>Client</Th><Th>Queue</Th><Th>Cached</Th><Th>Locked</Th><Th>Last pull</Th><Th>Last consume</Th></THead>
          <tbody>
            {d.clients.map((c) => (
              <Fragment key={c.clientId}>
                <tr className="bg-zinc-50 text-xs dark:bg-zinc-900/60">
                  <td colSpan={6} className="px-3 py-1.5">
                    <span className="font-mono">{c.clientId}</span>
                    {c.info?.status.map((s) => <span key={s.topic} className="ml-3">{s.topic}: {fmtRate(s.consumeOKTPS)} ok/s, {fmtRate(s.consumeFailedTPS)} failed/s, {fmtRate(s.consumeRT)} ms</span>)}
                    {c.eventLoopDelay && (
                      <span className="ml-3" data-testid="event-loop-delay" title={`over the last ${Math.round(c.eventLoopDelay.windowMs / 1000)} s`}>
                        event-loop delay {c.eventLoopDelay.meanMs} ms mean, {c.eventLoopDelay.p99Ms} ms p99, {c.eventLoopDelay.maxMs} ms max
                      </span>
                    )}
                    {c.error && <span className="ml-3 text-red-600">{c.error}</span>}
                    <ConsumeDirectly group={group} clientId={c.clientId} />
                  </td>
                </tr>
                {d.threadStack && c.info && (
                  <tr>
                    <td colSpan={6} className="px-3 py-1.5 text-xs" data-testid="thread-stack">
                      {c.info.jstack
                        ? <details><summary className="cursor-pointer">thread stack ({c.info.jstack.split('\n').length} lines)</summary><pre className="mt-1 max-h-96 overflow-auto whitespace-pre font-mono text-[11px]">{c.info.jstack}</pre></details>
                        : <span className="text-zinc-500">This client sent no thread stack (only Java clients make one).</span>}
                    </td>
                  </tr>
                )}
                {c.info?.queues.length === 0 && <FullRow colSpan={6}>holds no queue</FullRow>}
                {c.info?.queues.map((x) => {
                  const slow = x.cachedMsgCount >= SLOW_CACHED || (x.cachedMsgCount > 0 && x.lastConsumeTimestamp > 0 && now - x.lastConsumeTimestamp > STUCK_MS);
                  return (
                    <Tr key={`${x.topic}${x.brokerName}${x.queueId}`} testId="running-queue" className={slow ? 'bg-amber-50 dark:bg-amber-500/10' : ''}>
                      <Td />
                      <Td className="font-mono text-xs">{x.topic} {x.brokerName}:{x.queueId}</Td>
                      <Td className="tabular-nums">{fmtNum(x.cachedMsgCount)}</Td>
                      <Td>{x.locked ? 'yes' : ''}</Td>
                      <Td className="text-xs">{x.lastPullTimestamp ? fmtAgo(x.lastPullTimestamp, now) : '—'}</Td>
                      <Td className="text-xs">{x.lastConsumeTimestamp ? fmtAgo(x.lastConsumeTimestamp, now) : '—'}</Td>
                    </Tr>
                  );
                })}
              </Fragment>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

'use client';
// Header badge: how many alerts are firing (not silenced), linking to the Alerts page.

import Link from 'next/link';
import { useApi } from '@/components/api/hooks';
import type { AlertsResponse } from '@/lib/console/alerts/api.ts';

export function AlertBadge() {
  const q = useApi<AlertsResponse>('/api/alerts', { pollFactor: 1 });
  const n = q.data?.counts.firing ?? 0;
  const critical = q.data?.firing.some((a) => a.severity === 'critical') ?? false;
  const tone = n === 0
    ? 'border-zinc-200 text-zinc-600 dark:border-zinc-700 dark:text-zinc-400'
    : critical ? 'border-red-300 bg-red-50 text-red-700 dark:border-red-500/40 dark:bg-red-500/10 dark:text-red-300' : 'border-amber-300 bg-amber-50 text-amber-800 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-300';
  return (
    <Link href="/alerts" data-testid="alerts-badge" data-count={n} title={`${n} alert${n === 1 ? '' : 's'} firing`}
      className={`flex h-8 items-center gap-1.5 rounded-md border px-2 text-xs font-medium ${tone}`}>
      <svg viewBox="0 0 24 24" className="h-4 w-4" fill="currentColor" aria-hidden>
        <path d="M12 22a2 2 0 002-2h-4a2 2 0 002 2zm6-6V11c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 00-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1l-2-2z" />
      </svg>
      <span className="tabular-nums">{n}</span>
      <span className="sr-only">alerts firing</span>
    </Link>
  );
}

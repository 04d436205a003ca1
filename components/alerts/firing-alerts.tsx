'use client';
// The overview's list of firing alerts (not silenced), each linked to the page that explains it.

import Link from 'next/link';
import { useApi } from '@/components/api/hooks';
import { fmtAgo } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import type { AlertsResponse } from '@/lib/console/alerts/api.ts';

/** The page that explains an alert: its group, or the cluster page for brokers and nameservers. */
export function alertHref(a: { labels: Record<string, string> }): string {
  if (a.labels.group) return `/groups/${encodeURIComponent(a.labels.group)}`;
  return '/cluster';
}

const TONE = { critical: 'red', warning: 'amber', info: 'blue' } as const;

export function FiringAlerts() {
  const q = useApi<AlertsResponse>('/api/alerts');
  const firing = q.data?.firing ?? [];
  if (firing.length === 0) return null;
  return (
    <div role="alert" data-testid="overview-alerts" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm dark:border-red-900/60 dark:bg-red-950/40">
      <div className="mb-1 flex items-center justify-between font-medium text-red-800 dark:text-red-200">
        <span>{firing.length} alert{firing.length === 1 ? '' : 's'} firing</span>
        <Link href="/alerts" className="text-xs font-normal hover:underline">All alerts →</Link>
      </div>
      <ul className="space-y-1">
        {firing.slice(0, 8).map((a) => (
          <li key={a.id} data-testid="overview-alert">
            <Badge tone={TONE[a.severity]}>{a.severity}</Badge>{' '}
            <Link href={alertHref(a)} className="hover:underline">{a.message}</Link>{' '}
            <span className="text-xs text-zinc-500">{a.cluster} · {fmtAgo(a.startedAt)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

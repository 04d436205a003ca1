'use client';
// Above every page: the brokers of the chosen cluster that refuse the console's key, each named with the code and
// remark it answered, so a secured cluster without (or with wrong) credentials does not look like an empty one.

import { useApi } from '@/components/api/hooks';
import type { AccessCheck } from '@/lib/console/acl-view.ts';

const useAccessCheck = () => useApi<AccessCheck & { cluster: string }>('/api/acl/access', { pollFactor: 2 });

/**
 * When every broker (or the nameserver) of the chosen cluster refused the console's key: the words an empty table
 * shows instead of "none yet", since the cluster's contents are unknown, not empty. Null otherwise.
 */
export function useAccessDenied(): string | null {
  const d = useAccessCheck().data;
  if (!d) return null;
  if (d.namesrvDenied) return 'Not readable: the nameserver refused the console\'s key (see above).';
  if (d.brokers > 0 && d.denied.length >= d.brokers) return 'Not readable: every broker refused the console\'s key (see above).';
  return null;
}

export function AccessBanner() {
  const q = useAccessCheck();
  const d = q.data;
  if (!d || (d.denied.length === 0 && !d.namesrvDenied)) return null;
  return (
    <div role="alert" data-testid="access-banner" className="mb-4 rounded-lg border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-200">
      <div className="font-medium">
        Cluster {d.cluster}: {d.namesrvDenied ? 'the nameserver' : `${d.denied.length} of ${d.brokers} brokers`} refused the console&apos;s
        {d.accessKey ? <> access key <span className="font-mono">{d.accessKey}</span></> : ' unsigned requests (no credentials saved)'}; figures from
        {d.namesrvDenied ? ' this cluster' : ' them'} are missing below, not empty.
      </div>
      <ul className="mt-1 space-y-0.5">
        {d.namesrvDenied && <li data-testid="access-denied">nameserver: access denied: {d.namesrvDenied}</li>}
        {d.denied.map((b) => (
          <li key={b.brokerAddr} data-testid="access-denied" className="break-words">
            <span className="font-mono text-xs">{b.brokerName} · {b.brokerAddr}</span>: access denied: {b.codeName ? `${b.codeName} (${b.code})` : ''}{b.remark ? ` ${b.remark}` : ''}
          </li>
        ))}
      </ul>
      <div className="mt-1 text-xs">Save the cluster&apos;s access key and secret key under Manage (operators).</div>
    </div>
  );
}

'use client';
// Shows whether the console's server side is up and which nameservers it is configured for.

import { useQuery } from '@tanstack/react-query';

interface Health {
  status: string;
  namesrvAddr: string[];
  uptimeSeconds: number;
}

export function HealthCard() {
  const { data, error, isLoading, dataUpdatedAt } = useQuery<Health>({
    queryKey: ['health'],
    queryFn: async () => {
      const res = await fetch('/api/health');
      if (!res.ok) throw new Error(`health check answered ${res.status}`);
      return res.json() as Promise<Health>;
    },
    refetchInterval: 5000,
  });
  return (
    <section className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
      <h2 className="text-sm font-medium text-zinc-500">Console</h2>
      {isLoading && <p className="mt-2 text-sm">Checking…</p>}
      {error && <p className="mt-2 text-sm text-red-600">Console API unreachable: {(error as Error).message}</p>}
      {data && (
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-zinc-500">Status</dt>
          <dd data-testid="console-status" className="font-medium text-green-700 dark:text-green-400">{data.status}</dd>
          <dt className="text-zinc-500">Nameservers</dt>
          <dd>{data.namesrvAddr.length ? data.namesrvAddr.join(', ') : 'none configured (set NAMESRV_ADDR)'}</dd>
          <dt className="text-zinc-500">Updated</dt>
          <dd>{new Date(dataUpdatedAt).toLocaleTimeString()}</dd>
        </dl>
      )}
    </section>
  );
}

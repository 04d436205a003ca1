'use client';
// Header control for live data: refresh interval, pause/resume, refresh now, and when the page's data last arrived.

import { useIsFetching, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { REFRESH_CHOICES, useRefresh } from '@/components/refresh';
import { fmtClock } from '@/components/format';
import { Spinner } from '@/components/ui/states';

/** Newest dataUpdatedAt among the API queries the page is showing. */
function useLastUpdated(): number {
  const qc = useQueryClient();
  const [last, setLast] = useState(0);
  useEffect(() => {
    const cache = qc.getQueryCache();
    const compute = () => {
      let max = 0;
      for (const q of cache.findAll({ queryKey: ['api'] })) {
        if (q.getObserversCount() > 0 && q.state.dataUpdatedAt > max) max = q.state.dataUpdatedAt;
      }
      setLast(max);
    };
    compute();
    return cache.subscribe(compute);
  }, [qc]);
  return last;
}

export function RefreshControl() {
  const { intervalMs, paused, setIntervalMs, setPaused } = useRefresh();
  const fetching = useIsFetching({ queryKey: ['api'] });
  const last = useLastUpdated();
  const qc = useQueryClient();
  return (
    <div className="flex items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
      <span className="hidden items-center gap-1.5 tabular-nums md:inline-flex" data-testid="last-updated" title="When the data on this page last arrived">
        {fetching > 0 ? <Spinner className="h-3 w-3" /> : <span className={`h-2 w-2 rounded-full ${paused ? 'bg-zinc-400' : 'bg-emerald-500'}`} aria-hidden />}
        {paused ? 'Paused' : 'Live'}
        {last > 0 && <span>· updated {fmtClock(last)}</span>}
      </span>
      <select
        aria-label="Refresh interval"
        data-testid="refresh-interval"
        value={intervalMs}
        onChange={(e) => setIntervalMs(Number(e.target.value))}
        className="h-8 rounded-md border border-zinc-200 bg-white px-1.5 text-xs dark:border-zinc-700 dark:bg-zinc-900"
      >
        {REFRESH_CHOICES.map((ms) => (
          <option key={ms} value={ms}>every {ms / 1000} s</option>
        ))}
      </select>
      <button
        type="button"
        data-testid="refresh-pause"
        onClick={() => setPaused(!paused)}
        aria-pressed={paused}
        title={paused ? 'Resume live refresh' : 'Pause live refresh'}
        className="inline-flex h-8 items-center gap-1 rounded-md border border-zinc-200 px-2 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        {paused ? '▶ Resume' : '❚❚ Pause'}
      </button>
      <button
        type="button"
        onClick={() => void qc.invalidateQueries({ queryKey: ['api'] })}
        title="Refresh now"
        aria-label="Refresh now"
        className="inline-flex h-8 w-8 items-center justify-center rounded-md border border-zinc-200 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        ⟳
      </button>
    </div>
  );
}

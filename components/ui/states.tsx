// Empty, loading and error states, including the list of brokers that did not answer a fan-out.

import type { ReactNode } from 'react';
import { errorMessage } from '@/components/api/client';
import type { BrokerFailure } from '@/components/api/types';

export function Empty({ title, hint, children, testId }: { title: ReactNode; hint?: ReactNode; children?: ReactNode; testId?: string }) {
  return (
    <div data-testid={testId} className="flex flex-col items-center justify-center gap-1 rounded-lg border border-dashed border-zinc-300 px-6 py-10 text-center dark:border-zinc-700">
      <div className="text-sm font-medium text-zinc-700 dark:text-zinc-200">{title}</div>
      {hint && <div className="max-w-md text-sm text-zinc-500">{hint}</div>}
      {children && <div className="mt-3">{children}</div>}
    </div>
  );
}

export function ErrorBox({ error, title = 'Could not load', onRetry, testId = 'error-box' }: { error: unknown; title?: ReactNode; onRetry?: () => void; testId?: string }) {
  return (
    <div role="alert" data-testid={testId} className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-200">
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="font-medium">{title}</div>
          <div className="mt-0.5 break-words" data-testid={`${testId}-message`}>{errorMessage(error)}</div>
        </div>
        {onRetry && (
          <button type="button" onClick={onRetry} className="shrink-0 rounded border border-red-300 px-2 py-0.5 text-xs hover:bg-red-100 dark:border-red-800 dark:hover:bg-red-900/40">
            Retry
          </button>
        )}
      </div>
    </div>
  );
}

/** "12 s ago" / "4 min ago" for an epoch-ms time. */
function ago(ts: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ts) / 1000));
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

/**
 * Brokers that failed while the rest answered: named with their error, above the partial data. A broker held off
 * after missing its deadline (hung: accepts connections, answers nothing) says so, with the age of its last answer,
 * which is how old any figure of it on the page can be.
 */
export function BrokerErrors({ errors, title = 'Some brokers did not answer' }: { errors?: Array<BrokerFailure | { namesrvAddr: string; error: string }>; title?: string }) {
  if (!errors?.length) return null;
  return (
    <div role="status" data-testid="broker-errors" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/30 dark:text-amber-200">
      <div className="font-medium">{title}</div>
      <ul className="mt-1 space-y-0.5">
        {errors.map((e, i) => (
          <li key={i} className="break-words" data-testid="broker-error">
            <span className="font-mono text-xs">{'namesrvAddr' in e ? e.namesrvAddr : [e.brokerName, e.brokerAddr].filter(Boolean).join(' · ')}</span>
            {': '}
            {'unavailable' in e && e.unavailable && (
              <span className="font-medium">
                not answering{e.unavailableSince ? ` since ${ago(e.unavailableSince)}` : ''}, not waited on{e.figuresAsOf ? '' : ' (left out of this page)'}.{' '}
              </span>
            )}
            {e.error}
            {'figuresAsOf' in e && e.figuresAsOf
              ? <span className="text-amber-700 dark:text-amber-300"> (its figures on this page are from {ago(e.figuresAsOf)})</span>
              : 'lastOkAt' in e && e.lastOkAt ? <span className="text-amber-700 dark:text-amber-300"> (last answer {ago(e.lastOkAt)})</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Spinner({ className = 'h-4 w-4' }: { className?: string }) {
  return (
    <svg className={`animate-spin text-zinc-400 ${className}`} viewBox="0 0 24 24" fill="none" aria-hidden>
      <circle cx="12" cy="12" r="10" stroke="currentColor" strokeWidth="3" className="opacity-25" />
      <path d="M22 12a10 10 0 00-10-10" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}

export function Skeleton({ className = 'h-4 w-full' }: { className?: string }) {
  return <div className={`animate-pulse rounded bg-zinc-200 dark:bg-zinc-800 ${className}`} />;
}

/** Skeleton of a whole page while a route segment loads. */
export function PageSkeleton({ title }: { title?: string }) {
  return (
    <div aria-busy="true" aria-label={title ? `Loading ${title}` : 'Loading'} className="space-y-5">
      <div className="space-y-2">
        {title ? <h1 className="text-2xl font-semibold tracking-tight">{title}</h1> : <Skeleton className="h-7 w-48" />}
        <Skeleton className="h-4 w-72" />
      </div>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} className="h-20" />
        ))}
      </div>
      <Skeleton className="h-64" />
    </div>
  );
}

// How an action went, broker by broker: which brokers (and nameservers) took the change and which refused, with why.

import type { ReactNode } from 'react';
import { errorMessage } from '@/components/api/client';
import type { BrokerFailure } from '@/components/api/types';
import { canChange } from '@/components/auth/roles';

interface Target {
  brokerName?: string;
  brokerAddr?: string;
  brokerId?: number;
}

export interface ActionOutcome {
  done?: Target[];
  errors?: BrokerFailure[];
  namesrvs?: { done?: string[]; errors?: Array<{ namesrvAddr: string; error: string }> };
  warnings?: BrokerFailure[];
}

const label = (t: Target) => [t.brokerName, t.brokerAddr].filter(Boolean).join(' · ') || 'broker';

/** Per-broker result list of a write; `error` is a failure of the whole request (refused, invalid input...). */
export function ActionResult({ result, error, success, children }: { result?: ActionOutcome | null; error?: unknown; success?: ReactNode; children?: ReactNode }) {
  if (error) {
    return (
      <div role="alert" data-testid="action-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-200">
        {errorMessage(error)}
      </div>
    );
  }
  if (!result) return null;
  const failed = (result.errors?.length ?? 0) + (result.namesrvs?.errors?.length ?? 0);
  const ok = (result.done?.length ?? 0) + (result.namesrvs?.done?.length ?? 0);
  const tone = failed === 0 ? 'border-emerald-200 bg-emerald-50 dark:border-emerald-900/60 dark:bg-emerald-950/30' : ok === 0 ? 'border-red-200 bg-red-50 dark:border-red-900/60 dark:bg-red-950/30' : 'border-amber-200 bg-amber-50 dark:border-amber-900/60 dark:bg-amber-950/30';
  return (
    <div data-testid="action-result" className={`rounded-md border px-3 py-2 text-sm ${tone}`}>
      <div className="font-medium" data-testid="action-result-summary">
        {failed === 0 ? (success ?? 'Done') : ok === 0 ? 'Failed everywhere' : `Partly done: ${failed} failed`}
      </div>
      <ul className="mt-1 space-y-0.5">
        {result.done?.map((t, i) => (
          <li key={`d${i}`} data-testid="result-ok" className="text-emerald-800 dark:text-emerald-300">✓ {label(t)}</li>
        ))}
        {result.namesrvs?.done?.map((n) => (
          <li key={`nd${n}`} data-testid="result-ok" className="text-emerald-800 dark:text-emerald-300">✓ nameserver {n}</li>
        ))}
        {result.errors?.map((e, i) => (
          <li key={`e${i}`} data-testid="result-failed" className="text-red-800 dark:text-red-300">✗ {label(e)}: {e.error}</li>
        ))}
        {result.namesrvs?.errors?.map((e) => (
          <li key={`ne${e.namesrvAddr}`} data-testid="result-failed" className="text-red-800 dark:text-red-300">✗ nameserver {e.namesrvAddr}: {e.error}</li>
        ))}
        {result.warnings?.map((w, i) => (
          <li key={`w${i}`} className="text-amber-800 dark:text-amber-300">! {label(w)}: {w.error}</li>
        ))}
      </ul>
      {children}
    </div>
  );
}

/** Shown above action forms to viewers and anonymous users: the console will refuse their changes. */
export function RoleNotice({ role }: { role: string | null | undefined }) {
  if (canChange(role)) return null;
  return (
    <div data-testid="role-notice" className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300">
      {role ? (
        <>You are signed in as a <strong>{role}</strong>: changes need the <strong>operator</strong> role and will be refused.</>
      ) : (
        <>You are not signed in: changes need an <a href="/login" className="text-orange-700 underline dark:text-orange-400">operator sign-in</a>.</>
      )}
    </div>
  );
}

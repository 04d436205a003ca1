'use client';
// List state (search, page, sort, filters) kept in the URL's query string, so a view can be shared and survives reloads.

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';

export function useUrlState<T extends Record<string, string>>(defaults: T): [T, (patch: Partial<T>) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const path = usePathname();
  // a change shows at once; the URL follows a moment later (router.replace runs as a transition)
  const [pending, setPending] = useState<Partial<T>>({});
  const paramsKey = params.toString();
  useEffect(() => setPending({}), [paramsKey]);
  const state = { ...defaults };
  for (const k of Object.keys(defaults) as Array<keyof T>) {
    const v = params.get(k as string);
    if (v !== null) state[k] = v as T[keyof T];
  }
  Object.assign(state, pending);
  const set = useCallback(
    (patch: Partial<T>) => {
      setPending((p) => ({ ...p, ...patch }));
      const next = new URLSearchParams(paramsKey);
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined || v === defaults[k]) next.delete(k);
        else next.set(k, v as string);
      }
      const qs = next.toString();
      router.replace(qs ? `${path}?${qs}` : path, { scroll: false });
    },
    // defaults is a literal at each call site: its values, not its identity, matter
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [paramsKey, router, path, JSON.stringify(defaults)],
  );
  return [state, set];
}

'use client';
// Remembers, for this browser session, every broker process the cluster answer listed and when each nameserver last
// listed it, so a broker that stops shows as gone on its own row instead of silently vanishing.

import { useEffect, useMemo, useRef, useState } from 'react';
import type { ClusterBroker, ClusterResponse } from '@/components/api/types';

export interface SeenBroker {
  broker: ClusterBroker;
  /** Last poll that listed it at all. */
  lastListed: number;
  /** namesrvAddr -> last poll at which that nameserver listed it. */
  byNamesrv: Record<string, number>;
}

const KEY = 'rd-seen-brokers';

export function useSeenBrokers(data: ClusterResponse | undefined, at: number, cluster: string): Map<string, SeenBroker> {
  const ref = useRef<Map<string, SeenBroker> | null>(null);
  const [version, bump] = useState(0);
  if (ref.current === null) ref.current = new Map();
  useEffect(() => {
    try {
      const saved = JSON.parse(sessionStorage.getItem(`${KEY}:${cluster}`) ?? '[]') as Array<[string, SeenBroker]>;
      ref.current = new Map(saved);
      bump((n) => n + 1);
    } catch {
      // nothing remembered
    }
  }, [cluster]);
  useEffect(() => {
    if (!data?.clusterList || !at) return;
    const seen = ref.current!;
    for (const b of data.clusterList.brokers) {
      const prev = seen.get(b.brokerAddr);
      const byNamesrv = { ...(prev?.byNamesrv ?? {}) };
      for (const h of data.heartbeats) if (h.brokerAddr === b.brokerAddr && h.listed) byNamesrv[h.namesrvAddr] = at;
      seen.set(b.brokerAddr, { broker: b, lastListed: at, byNamesrv });
    }
    try {
      sessionStorage.setItem(`${KEY}:${cluster}`, JSON.stringify([...seen]));
    } catch {
      // not remembered across reloads
    }
    bump((n) => n + 1);
  }, [data, at, cluster]);
  // a new Map per change, so memoised readers see it
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => new Map(ref.current!), [version]);
}

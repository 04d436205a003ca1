'use client';
// Which saved cluster the console looks at: chosen in the header, remembered in localStorage, sent with every request.

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { apiFetch } from '@/components/api/client';
import type { ClustersResponse } from '@/components/api/types';

const STORAGE_KEY = 'rd-cluster';

interface ClusterState {
  /** The chosen cluster, or undefined for the server's default. */
  cluster: string | undefined;
  /** False until the remembered choice has been read (queries wait for it). */
  ready: boolean;
  choose(name: string): void;
}

const ClusterContext = createContext<ClusterState>({ cluster: undefined, ready: true, choose: () => {} });

export function ClusterProvider({ children }: { children: ReactNode }) {
  const [cluster, setCluster] = useState<string | undefined>(undefined);
  const [ready, setReady] = useState(false);
  const qc = useQueryClient();

  useEffect(() => {
    try {
      setCluster(localStorage.getItem(STORAGE_KEY) ?? undefined);
    } catch {
      // no storage: server default
    }
    setReady(true);
  }, []);

  // a remembered cluster that was deleted meanwhile falls back to the server's default
  const saved = useQuery({ queryKey: ['clusters'], queryFn: () => apiFetch<ClustersResponse>('/api/clusters'), enabled: ready, staleTime: 30_000 });
  useEffect(() => {
    if (cluster && saved.data && !saved.data.clusters.some((c) => c.name === cluster)) setCluster(undefined);
  }, [cluster, saved.data]);

  const choose = useCallback((name: string) => {
    try {
      localStorage.setItem(STORAGE_KEY, name);
    } catch {
      // remembered for this page only
    }
    setCluster(name);
    void qc.invalidateQueries();
  }, [qc]);

  const value = useMemo(() => ({ cluster, ready, choose }), [cluster, ready, choose]);
  return <ClusterContext.Provider value={value}>{children}</ClusterContext.Provider>;
}

export function useCluster(): ClusterState {
  return useContext(ClusterContext);
}

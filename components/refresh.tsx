'use client';
// Live refresh settings shared by every polling query: interval (selectable, remembered) and pause.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

export const REFRESH_CHOICES = [2000, 5000, 10000, 30000, 60000] as const;
const DEFAULT_INTERVAL = 5000;
const STORAGE_KEY = 'rd-refresh';

interface RefreshState {
  intervalMs: number;
  paused: boolean;
  setIntervalMs(ms: number): void;
  setPaused(p: boolean): void;
}

const RefreshContext = createContext<RefreshState>({
  intervalMs: DEFAULT_INTERVAL,
  paused: false,
  setIntervalMs: () => {},
  setPaused: () => {},
});

export function RefreshProvider({ children }: { children: ReactNode }) {
  const [intervalMs, setIntervalState] = useState(DEFAULT_INTERVAL);
  const [paused, setPausedState] = useState(false);

  useEffect(() => {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as { intervalMs?: number; paused?: boolean } | null;
      if (saved?.intervalMs && (REFRESH_CHOICES as readonly number[]).includes(saved.intervalMs)) setIntervalState(saved.intervalMs);
      if (saved?.paused) setPausedState(true);
    } catch {
      // unreadable storage: keep the defaults
    }
  }, []);

  const save = useCallback((next: { intervalMs: number; paused: boolean }) => {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, []);

  const value = useMemo<RefreshState>(() => ({
    intervalMs,
    paused,
    setIntervalMs: (ms) => {
      setIntervalState(ms);
      save({ intervalMs: ms, paused });
    },
    setPaused: (p) => {
      setPausedState(p);
      save({ intervalMs, paused: p });
    },
  }), [intervalMs, paused, save]);

  return <RefreshContext.Provider value={value}>{children}</RefreshContext.Provider>;
}

export function useRefresh(): RefreshState {
  return useContext(RefreshContext);
}

/** refetchInterval for react-query: the chosen interval times `factor`, or false while paused. */
export function usePollInterval(factor = 1): number | false {
  const { intervalMs, paused } = useRefresh();
  return paused ? false : intervalMs * factor;
}

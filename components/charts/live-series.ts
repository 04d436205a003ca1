'use client';
// Keeps the values a polled query returned as a short in-memory series (for charts the server keeps no history of).

import { useEffect, useRef, useState } from 'react';

export function useLiveSeries(values: Record<string, number> | undefined, at: number, max = 120): Array<Record<string, number>> {
  const [rows, setRows] = useState<Array<Record<string, number>>>([]);
  const lastAt = useRef(0);
  useEffect(() => {
    if (!values || !at || at === lastAt.current) return;
    lastAt.current = at;
    setRows((r) => [...r, { ts: at, ...values }].slice(-max));
  }, [values, at, max]);
  return rows;
}

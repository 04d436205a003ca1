'use client';
// Search input that reports its value once typing pauses.

import { useEffect, useState } from 'react';
import { useDebounced } from '@/components/debounce';
import { Input } from './button';

export function SearchBox({ value, onChange, placeholder, testId = 'search' }: { value: string; onChange(v: string): void; placeholder: string; testId?: string }) {
  const [text, setText] = useState(value);
  const debounced = useDebounced(text, 300);
  useEffect(() => {
    if (debounced !== value) onChange(debounced);
    // only a settled edit reports; a new `value` from outside resets the box below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  useEffect(() => setText(value), [value]);
  return (
    <div className="relative w-full max-w-sm">
      <svg viewBox="0 0 20 20" className="pointer-events-none absolute left-2.5 top-2.5 h-4 w-4 text-zinc-400" fill="currentColor" aria-hidden>
        <path fillRule="evenodd" d="M9 3.5a5.5 5.5 0 100 11 5.5 5.5 0 000-11zM2 9a7 7 0 1112.45 4.39l3.08 3.08a.75.75 0 11-1.06 1.06l-3.08-3.08A7 7 0 012 9z" clipRule="evenodd" />
      </svg>
      <Input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={placeholder} className="pl-8" aria-label={placeholder} data-testid={testId} />
    </div>
  );
}

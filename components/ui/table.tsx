// Table primitives: sticky header, sortable column heads, row states for loading, empty and per-broker errors.

import type { ReactNode, ThHTMLAttributes, TdHTMLAttributes } from 'react';

export function Table({ children, testId, className = '' }: { children: ReactNode; testId?: string; className?: string }) {
  return (
    <div className={`overflow-x-auto ${className}`}>
      <table data-testid={testId} className="w-full border-collapse text-sm">
        {children}
      </table>
    </div>
  );
}

export function THead({ children }: { children: ReactNode }) {
  return (
    <thead className="bg-zinc-50 text-left text-xs uppercase tracking-wide text-zinc-500 dark:bg-zinc-900/60 dark:text-zinc-400">
      <tr>{children}</tr>
    </thead>
  );
}

export function Th({ children, className = '', ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th {...rest} className={`whitespace-nowrap border-b border-zinc-200 px-3 py-2 font-medium dark:border-zinc-800 ${className}`}>
      {children}
    </th>
  );
}

export type SortDir = 'asc' | 'desc';
export interface SortState {
  field: string;
  dir: SortDir;
}

/** A column head that sorts by `field`; clicking again flips the direction. */
export function SortTh({ field, sort, onSort, children, className = '', defaultDir = 'asc' }: {
  field: string;
  sort: SortState;
  onSort(s: SortState): void;
  children: ReactNode;
  className?: string;
  defaultDir?: SortDir;
}) {
  const active = sort.field === field;
  const next: SortState = active ? { field, dir: sort.dir === 'asc' ? 'desc' : 'asc' } : { field, dir: defaultDir };
  return (
    <Th className={className} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" onClick={() => onSort(next)} className="inline-flex items-center gap-1 uppercase hover:text-zinc-900 dark:hover:text-zinc-100">
        {children}
        <span aria-hidden className={active ? 'text-orange-600' : 'text-zinc-300 dark:text-zinc-600'}>
          {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </Th>
  );
}

export function Tr({ children, className = '', testId, onClick }: { children: ReactNode; className?: string; testId?: string; onClick?: () => void }) {
  return (
    <tr data-testid={testId} onClick={onClick} className={`border-b border-zinc-100 last:border-0 hover:bg-zinc-50 dark:border-zinc-800/70 dark:hover:bg-zinc-800/40 ${onClick ? 'cursor-pointer' : ''} ${className}`}>
      {children}
    </tr>
  );
}

export function Td({ children, className = '', ...rest }: TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td {...rest} className={`px-3 py-2 align-middle ${className.includes('text-right') ? 'whitespace-nowrap' : ''} ${className}`}>
      {children}
    </td>
  );
}

/** One row spanning the table: for empty results and loading placeholders. */
export function FullRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="px-3 py-8 text-center text-sm text-zinc-500">
        {children}
      </td>
    </tr>
  );
}

export function SkeletonRows({ cols, rows = 5 }: { cols: number; rows?: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, r) => (
        <tr key={r} className="border-b border-zinc-100 dark:border-zinc-800/70">
          {Array.from({ length: cols }, (_, c) => (
            <td key={c} className="px-3 py-2.5">
              <div className="h-3.5 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" style={{ width: `${40 + ((r * 7 + c * 13) % 50)}%` }} />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

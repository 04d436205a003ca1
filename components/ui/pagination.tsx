// Page controls for server-side paginated tables.

import { Button, Select } from './button';

export const PAGE_SIZES = [25, 50, 100, 200];

export function Pagination({ page, pageSize, total, onPage, onPageSize, fetching }: {
  page: number;
  pageSize: number;
  total: number;
  onPage(p: number): void;
  onPageSize?(s: number): void;
  fetching?: boolean;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-3 py-2 text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
      <div data-testid="pagination-summary">
        {total === 0 ? 'No rows' : `${from.toLocaleString()}–${to.toLocaleString()} of ${total.toLocaleString()}`}
        {fetching && <span className="ml-2 text-xs text-zinc-400">loading…</span>}
      </div>
      <div className="flex items-center gap-2">
        {onPageSize && (
          <label className="flex items-center gap-1.5 text-xs">
            Rows
            <Select value={pageSize} onChange={(e) => onPageSize(Number(e.target.value))} className="h-7 w-20 text-xs" aria-label="Rows per page">
              {PAGE_SIZES.map((s) => (
                <option key={s} value={s}>{s}</option>
              ))}
            </Select>
          </label>
        )}
        <Button size="sm" onClick={() => onPage(1)} disabled={page <= 1} aria-label="First page">«</Button>
        <Button size="sm" onClick={() => onPage(page - 1)} disabled={page <= 1} aria-label="Previous page">‹ Prev</Button>
        <span className="tabular-nums">
          Page {page} / {pages}
        </span>
        <Button size="sm" onClick={() => onPage(page + 1)} disabled={page >= pages} aria-label="Next page">Next ›</Button>
        <Button size="sm" onClick={() => onPage(pages)} disabled={page >= pages} aria-label="Last page">»</Button>
      </div>
    </div>
  );
}

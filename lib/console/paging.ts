// Server-side search, sort and paging of list answers (page is 1-based; sort "key" ascending, "-key" descending).

import { bad, intParam } from './http.ts';

export interface PageQuery {
  search: string;
  page: number;
  pageSize: number;
  sortKey: string;
  descending: boolean;
}

export const MAX_PAGE_SIZE = 500;

export function pageQuery(url: URL, sortKeys: readonly string[], defaultSort = 'name'): PageQuery {
  const rawSort = url.searchParams.get('sort')?.trim() || defaultSort;
  const descending = rawSort.startsWith('-');
  const sortKey = descending ? rawSort.slice(1) : rawSort;
  if (!sortKeys.includes(sortKey)) throw bad('sort', `must be one of ${sortKeys.flatMap((k) => [k, `-${k}`]).join(', ')}`);
  return {
    search: (url.searchParams.get('search') ?? '').trim().toLowerCase(),
    page: intParam(url, 'page', { min: 1, default: 1 }),
    pageSize: intParam(url, 'pageSize', { min: 1, max: MAX_PAGE_SIZE, default: 50 }),
    sortKey,
    descending,
  };
}

/** Stable sort by `value` (nulls last either way), ties by name, then the requested page. */
export function sortAndPage<T>(
  items: T[], q: PageQuery, value: (item: T, key: string) => number | string | null, name: (item: T) => string,
): { items: T[]; total: number } {
  const dir = q.descending ? -1 : 1;
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...items].sort((a, b) => {
    const va = value(a, q.sortKey);
    const vb = value(b, q.sortKey);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else if (va !== vb) {
      return (typeof va === 'number' && typeof vb === 'number' ? va - vb : cmp(String(va), String(vb))) * dir;
    }
    return cmp(name(a), name(b));
  });
  const start = (q.page - 1) * q.pageSize;
  return { items: sorted.slice(start, start + q.pageSize), total: sorted.length };
}

export const matches = (q: PageQuery, ...texts: string[]): boolean => q.search === '' || texts.some((t) => t.toLowerCase().includes(q.search));

'use client';
// Sidebar navigation: one entry per page, the current one highlighted.

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const ICONS: Record<string, string> = {
  overview: 'M3 13h8V3H3v10zm0 8h8v-6H3v6zm10 0h8V11h-8v10zm0-18v6h8V3h-8z',
  cluster: 'M4 5h16v4H4V5zm0 5h16v4H4v-4zm0 5h16v4H4v-4zM6 6.5h2v1H6v-1zm0 5h2v1H6v-1zm0 5h2v1H6v-1z',
  topics: 'M4 6h16v2H4V6zm0 5h16v2H4v-2zm0 5h10v2H4v-2z',
  map: 'M3 3h7v7H3V3zm11 0h7v7h-7V3zM3 14h7v7H3v-7zm11 0h7v7h-7v-7z',
  groups: 'M16 11a3 3 0 100-6 3 3 0 000 6zm-8 0a3 3 0 100-6 3 3 0 000 6zm0 2c-2.7 0-8 1.3-8 4v2h16v-2c0-2.7-5.3-4-8-4zm8 0c-.3 0-.7 0-1.1.1 1.2.9 2.1 2.1 2.1 3.9v2h7v-2c0-2.7-5.3-4-8-4z',
  messages: 'M20 4H4a2 2 0 00-2 2v12a2 2 0 002 2h16a2 2 0 002-2V6a2 2 0 00-2-2zm0 4l-8 5-8-5V6l8 5 8-5v2z',
  tail: 'M3 5h18v2H3V5zm0 4h12v2H3V9zm0 4h18v2H3v-2zm0 4h8v2H3v-2zm16-1l3 2-3 2v-4z',
  actions: 'M13 2L3 14h7l-1 8 10-12h-7l1-8z',
  alerts: 'M12 22a2 2 0 002-2h-4a2 2 0 002 2zm6-6V11c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 00-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1l-2-2z',
  acl: 'M12 1L3 5v6c0 5.6 3.8 10.7 9 12 5.2-1.3 9-6.4 9-12V5l-9-4zm0 6a3 3 0 110 6 3 3 0 010-6zm0 8c2 0 6 1 6 3v.5a9.6 9.6 0 01-12 0V18c0-2 4-3 6-3z',
  dlq: 'M12 2L1 21h22L12 2zm1 15h-2v2h2v-2zm0-7h-2v5h2v-5z',
  trace: 'M3 12h4l3-8 4 16 3-8h4v2h-2.6L15 22 11 6.5 8.4 14H3v-2z',
  v5: 'M12 2l9 5v10l-9 5-9-5V7l9-5zm0 2.3L5 8.2v7.6l7 3.9 7-3.9V8.2l-7-3.9z',
  audit: 'M14 2H6a2 2 0 00-2 2v16a2 2 0 002 2h12a2 2 0 002-2V8l-6-6zm-1 7V3.5L18.5 9H13zM8 13h8v2H8v-2zm0 4h8v2H8v-2z',
};

export const NAV_ITEMS = [
  { href: '/', label: 'Overview', icon: 'overview' },
  { href: '/cluster', label: 'Cluster', icon: 'cluster' },
  { href: '/v5', label: 'RocketMQ 5.x', icon: 'v5' },
  { href: '/topics', label: 'Topics', icon: 'topics' },
  { href: '/topics/map', label: 'Topic map', icon: 'map' },
  { href: '/groups', label: 'Consumer groups', icon: 'groups' },
  { href: '/messages', label: 'Messages', icon: 'messages' },
  { href: '/tail', label: 'Live tail', icon: 'tail' },
  { href: '/trace', label: 'Message trace', icon: 'trace' },
  { href: '/dlq', label: 'Dead letters', icon: 'dlq' },
  { href: '/actions', label: 'Actions', icon: 'actions' },
  { href: '/alerts', label: 'Alerts', icon: 'alerts' },
  { href: '/acl', label: 'Access control', icon: 'acl' },
  { href: '/audit', label: 'Audit log', icon: 'audit' },
];

function isActive(path: string, href: string): boolean {
  if (href === '/') return path === '/';
  if (href === '/topics') return path === '/topics' || (path.startsWith('/topics/') && !path.startsWith('/topics/map'));
  return path === href || path.startsWith(`${href}/`);
}

export function Nav() {
  const path = usePathname() ?? '/';
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5 px-3 py-4">
      <Link href="/" className="mb-5 flex items-center gap-2 px-2 text-lg font-semibold tracking-tight">
        <svg viewBox="0 0 24 24" className="h-6 w-6 text-orange-600" fill="currentColor" aria-hidden>
          <path d="M12 2c3 2.5 4.5 6 4.5 10 0 1.6-.3 3.2-.8 4.6L18 19l-3 1-1.3-2h-3.4L9 20l-3-1 2.3-2.4A13 13 0 017.5 12c0-4 1.5-7.5 4.5-10zm0 6.5a1.8 1.8 0 100 3.6 1.8 1.8 0 000-3.6z" />
        </svg>
        <span>
          <span className="text-orange-600">Rocket</span>Deck
        </span>
      </Link>
      {NAV_ITEMS.map((item) => {
        const active = isActive(path, item.href);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? 'page' : undefined}
            className={`flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm ${
              active
                ? 'bg-orange-50 font-medium text-orange-700 dark:bg-orange-500/10 dark:text-orange-300'
                : 'text-zinc-700 hover:bg-zinc-200/60 dark:text-zinc-300 dark:hover:bg-zinc-800'
            }`}
          >
            <svg viewBox="0 0 24 24" className="h-4 w-4 shrink-0 opacity-80" fill="currentColor" aria-hidden>
              <path d={ICONS[item.icon]} />
            </svg>
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}

/** The same pages as a scrolling row, for windows too narrow for the sidebar. */
export function MobileNav() {
  const path = usePathname() ?? '/';
  return (
    <nav aria-label="Pages" className="flex gap-1 overflow-x-auto border-b border-zinc-200 px-3 py-1.5 md:hidden dark:border-zinc-800">
      {NAV_ITEMS.map((item) => (
        <Link
          key={item.href}
          href={item.href}
          aria-current={isActive(path, item.href) ? 'page' : undefined}
          className={`whitespace-nowrap rounded-md px-2.5 py-1 text-sm ${isActive(path, item.href) ? 'bg-orange-50 font-medium text-orange-700 dark:bg-orange-500/10 dark:text-orange-300' : 'text-zinc-600 dark:text-zinc-300'}`}
        >
          {item.label}
        </Link>
      ))}
    </nav>
  );
}

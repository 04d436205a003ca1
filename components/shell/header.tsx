'use client';
// Top bar of every page: cluster switcher, firing alerts badge, live refresh control, theme toggle and the sign-in widget.

import { ClusterSwitcher } from './cluster-switcher';
import { RefreshControl } from './refresh-control';
import { UserMenu } from './user-menu';
import { MobileNav } from './nav';
import { ThemeToggle } from '@/components/theme';
import { AlertBadge } from '@/components/alerts/alert-badge';

export function Header() {
  return (
    <div className="sticky top-0 z-30 bg-white/90 backdrop-blur dark:bg-zinc-950/90">
      <header className="flex h-14 items-center justify-between gap-3 border-b border-zinc-200 px-5 dark:border-zinc-800">
        <ClusterSwitcher />
        <div className="flex items-center gap-2">
          <AlertBadge />
          <RefreshControl />
          <ThemeToggle />
          <UserMenu />
        </div>
      </header>
      <MobileNav />
    </div>
  );
}

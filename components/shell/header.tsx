'use client';
// Top bar of every page: cluster switcher, live refresh control, theme toggle and the sign-in widget.

import { ClusterSwitcher } from './cluster-switcher';
import { RefreshControl } from './refresh-control';
import { UserMenu } from './user-menu';
import { ThemeToggle } from '@/components/theme';

export function Header() {
  return (
    <header className="sticky top-0 z-30 flex h-14 items-center justify-between gap-3 border-b border-zinc-200 bg-white/90 px-5 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
      <ClusterSwitcher />
      <div className="flex items-center gap-2">
        <RefreshControl />
        <ThemeToggle />
        <UserMenu />
      </div>
    </header>
  );
}

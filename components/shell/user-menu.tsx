'use client';
// Header sign-in widget: who is signed in and with which role, and the sign-out button.

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiFetch } from '@/components/api/client';
import { useMe } from '@/components/api/hooks';
import { Badge } from '@/components/ui/badge';
import { roleTone } from '@/components/auth/roles';

export function UserMenu() {
  const me = useMe();
  const qc = useQueryClient();
  const router = useRouter();
  const path = usePathname() ?? '/';
  const [busy, setBusy] = useState(false);
  if (me.isPending) return <span className="h-8 w-24" />;
  if (!me.data?.username) {
    return (
      <Link
        href={path === '/login' ? '/login' : `/login?next=${encodeURIComponent(path)}`}
        data-testid="sign-in-link"
        className="inline-flex h-8 items-center rounded-md bg-orange-600 px-3 text-sm font-medium text-white hover:bg-orange-700"
      >
        Sign in
      </Link>
    );
  }
  const signOut = async () => {
    setBusy(true);
    try {
      await apiFetch('/api/auth/logout', { method: 'POST' });
    } finally {
      setBusy(false);
      qc.setQueryData(['me'], { username: null, role: null });
      await qc.invalidateQueries();
      router.refresh();
    }
  };
  return (
    <div className="flex items-center gap-2 text-sm" data-testid="user-menu">
      <span className="hidden items-center gap-1.5 sm:inline-flex">
        <span className="flex h-7 w-7 items-center justify-center rounded-full bg-zinc-200 text-xs font-semibold uppercase dark:bg-zinc-700" aria-hidden>
          {me.data.username.slice(0, 2)}
        </span>
        <span data-testid="signed-in-user" className="font-medium">{me.data.username}</span>
        <Badge tone={roleTone(me.data.role)} testId="signed-in-role">{me.data.role}</Badge>
      </span>
      <button
        type="button"
        onClick={signOut}
        disabled={busy}
        data-testid="sign-out"
        className="inline-flex h-8 items-center rounded-md border border-zinc-200 px-2.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        Sign out
      </button>
    </div>
  );
}

'use client';
// Sign-in page body: the password form (POST /api/auth/login sets the session cookie, then the user goes back
// where they came from) and, when the console has an OpenID Connect provider, a button that signs in there.

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { apiFetch, errorMessage } from '@/components/api/client';
import { useMe } from '@/components/api/hooks';
import type { MeResponse, ProvidersResponse } from '@/components/api/types';
import { roleTone } from '@/components/auth/roles';
import { Button, Field, Input } from '@/components/ui/button';
import { Badge } from '@/components/ui/badge';

/** Only same-site paths are followed after sign-in. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export function LoginForm() {
  const params = useSearchParams();
  const router = useRouter();
  const qc = useQueryClient();
  const me = useMe();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // a failed sign-in at the provider comes back here with its reason
  const [error, setError] = useState<string | null>(params.get('error'));
  const providers = useQuery<ProvidersResponse, Error>({ queryKey: ['auth-providers'], queryFn: () => apiFetch<ProvidersResponse>('/api/auth/providers'), staleTime: Infinity });
  const oidc = providers.data?.oidc;
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const who = await apiFetch<MeResponse>('/api/auth/login', { method: 'POST', body: { username: username.trim(), password } });
      qc.setQueryData(['me'], who);
      await qc.invalidateQueries();
      router.push(next);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="mx-auto mt-[8vh] w-full max-w-sm">
      <div className="rounded-xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="text-xl font-semibold tracking-tight">Sign in to RocketDeck</h1>
        <p className="mt-1 text-sm text-zinc-500">Viewers can browse; operators can also change topics, groups and offsets.</p>
        {me.data?.username && (
          <p className="mt-3 text-sm" data-testid="already-signed-in">
            Signed in as <strong>{me.data.username}</strong> <Badge tone={roleTone(me.data.role)}>{me.data.role}</Badge>.
            Signing in again switches user.
          </p>
        )}
        <form onSubmit={submit} className="mt-5 space-y-4" aria-label="Sign in">
          <Field label="Username">
            <Input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
          </Field>
          <Field label="Password">
            <Input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </Field>
          {error && (
            <p role="alert" data-testid="login-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/40 dark:text-red-300">
              {error}
            </p>
          )}
          <Button type="submit" variant="primary" className="w-full" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
        {oidc && (
          <div className="mt-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
            {/* a plain navigation: the console's start route sends the browser on to the provider */}
            <a
              href={`${oidc.startUrl}?next=${encodeURIComponent(next)}`}
              data-testid="oidc-sign-in"
              className="block w-full rounded-md border border-zinc-300 px-3 py-2 text-center text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
            >
              Sign in with {oidc.name}
            </a>
          </div>
        )}
      </div>
    </div>
  );
}

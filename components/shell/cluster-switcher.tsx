'use client';
// Header cluster switcher: the saved clusters, and a dialog to add or remove one (operators).

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiFetch, errorMessage, seg } from '@/components/api/client';
import { useMe, useSavedClusters } from '@/components/api/hooks';
import { useCluster } from '@/components/cluster-context';
import { Button, Field, Input } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Badge } from '@/components/ui/badge';
import { canChange } from '@/components/auth/roles';

export function ClusterSwitcher() {
  const { cluster, choose } = useCluster();
  const saved = useSavedClusters();
  const [open, setOpen] = useState(false);
  const current = cluster ?? saved.data?.current ?? '';
  const list = saved.data?.clusters ?? [];
  const addr = list.find((c) => c.name === current)?.namesrvAddr;
  return (
    <div className="flex min-w-0 items-center gap-2">
      <label className="flex min-w-0 items-center gap-2 text-sm">
        <span className="hidden text-xs font-medium uppercase tracking-wide text-zinc-500 sm:inline">Cluster</span>
        <select
          aria-label="Cluster"
          data-testid="cluster-switcher"
          value={current}
          onChange={(e) => choose(e.target.value)}
          className="h-8 max-w-48 rounded-md border border-zinc-200 bg-white px-2 text-sm font-medium dark:border-zinc-700 dark:bg-zinc-900"
        >
          {list.length === 0 && <option value="">{saved.isError ? 'unavailable' : '…'}</option>}
          {list.map((c) => (
            <option key={c.name} value={c.name}>{c.name}</option>
          ))}
        </select>
      </label>
      {addr && <span className="hidden truncate font-mono text-xs text-zinc-500 lg:inline" title="Nameservers">{addr}</span>}
      <button type="button" onClick={() => setOpen(true)} className="text-xs text-orange-700 hover:underline dark:text-orange-400">
        Manage
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Saved clusters">
        <ManageClusters current={current} onChoose={(n) => { choose(n); setOpen(false); }} />
      </Dialog>
    </div>
  );
}

function ManageClusters({ current, onChoose }: { current: string; onChoose(name: string): void }) {
  const saved = useSavedClusters();
  const me = useMe();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [namesrvAddr, setAddr] = useState('');
  const [accessKey, setAccessKey] = useState('');
  const [secretKey, setSecretKey] = useState('');
  const add = useMutation({
    // the secret key is write-only: sent when typed, never read back (an empty one keeps the stored secret)
    mutationFn: () => apiFetch('/api/clusters', {
      method: 'POST',
      body: { name: name.trim(), namesrvAddr: namesrvAddr.trim(), accessKey: accessKey.trim() || undefined, secretKey: secretKey || undefined },
    }),
    onSuccess: () => {
      setName('');
      setAddr('');
      setAccessKey('');
      setSecretKey('');
      void qc.invalidateQueries({ queryKey: ['clusters'] });
      void qc.invalidateQueries({ queryKey: ['api'] });
    },
  });
  const clear = useMutation({
    mutationFn: (n: string) => apiFetch(`/api/clusters/${seg(n)}`, { method: 'PUT', body: { clearCredentials: true } }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['clusters'] });
      void qc.invalidateQueries({ queryKey: ['api'] });
    },
  });
  const remove = useMutation({
    mutationFn: (n: string) => apiFetch(`/api/clusters/${seg(n)}`, { method: 'DELETE' }),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['clusters'] }),
  });
  const operator = canChange(me.data?.role);
  return (
    <div className="space-y-4">
      <ul className="divide-y divide-zinc-200 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
        {(saved.data?.clusters ?? []).map((c) => (
          <li key={c.name} className="flex items-center justify-between gap-2 px-3 py-2 text-sm">
            <div className="min-w-0">
              <div className="font-medium">
                {c.name} {c.name === current && <Badge tone="orange">current</Badge>}
              </div>
              <div className="truncate font-mono text-xs text-zinc-500">{c.namesrvAddr}</div>
              <div className="text-xs text-zinc-500" data-testid="cluster-credentials">
                {c.credentials ? <>access key <span className="font-mono">{c.credentials.accessKey}</span>, secret key {c.credentials.secretKeySet ? 'set' : 'not set'}</> : 'unsigned requests (no credentials)'}
              </div>
            </div>
            <div className="flex shrink-0 gap-1">
              {c.name !== current && <Button size="sm" onClick={() => onChoose(c.name)}>Use</Button>}
              {operator && (
                <Button size="sm" variant="ghost" aria-label={`Edit ${c.name}`} onClick={() => { setName(c.name); setAddr(c.namesrvAddr); setAccessKey(c.credentials?.accessKey ?? ''); setSecretKey(''); }}>
                  Edit
                </Button>
              )}
              {operator && c.credentials && (
                <Button size="sm" variant="ghost" aria-label={`Clear credentials of ${c.name}`} onClick={() => clear.mutate(c.name)} disabled={clear.isPending}>
                  Clear key
                </Button>
              )}
              {operator && (
                <Button size="sm" variant="ghost" onClick={() => remove.mutate(c.name)} disabled={remove.isPending} aria-label={`Remove ${c.name}`}>
                  Remove
                </Button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {remove.error && <p className="text-sm text-red-600">{errorMessage(remove.error)}</p>}
      {clear.error && <p className="text-sm text-red-600">{errorMessage(clear.error)}</p>}
      <form
        className="space-y-3 border-t border-zinc-200 pt-4 dark:border-zinc-800"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <h3 className="text-sm font-semibold">Add or edit a cluster</h3>
        {!operator && <p className="text-xs text-zinc-500">Saving clusters needs an operator sign-in.</p>}
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Name">
            <Input value={name} onChange={(e) => setName(e.target.value)} placeholder="staging" required />
          </Field>
          <Field label="Nameservers" hint="host:port;host:port">
            <Input value={namesrvAddr} onChange={(e) => setAddr(e.target.value)} placeholder="10.0.0.1:9876;10.0.0.2:9876" required />
          </Field>
          <Field label="Access key" hint="ACL: the console signs every request">
            <Input name="accessKey" value={accessKey} onChange={(e) => setAccessKey(e.target.value)} autoComplete="off" placeholder="optional" />
          </Field>
          <Field label="Secret key" hint="write-only; empty keeps the stored one">
            <Input name="secretKey" type="password" value={secretKey} onChange={(e) => setSecretKey(e.target.value)} autoComplete="new-password" />
          </Field>
        </div>
        {add.error && <p className="text-sm text-red-600">{errorMessage(add.error)}</p>}
        <Button type="submit" variant="primary" disabled={add.isPending}>Save cluster</Button>
      </form>
    </div>
  );
}

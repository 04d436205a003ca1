'use client';
// A broker's configuration: searchable key/value list; operators can edit values and send the changed keys.

import { useMemo, useState } from 'react';
import { useApiMutation, useBrokerConfig, useMe } from '@/components/api/hooks';
import { seg } from '@/components/api/client';
import type { WriteResult } from '@/components/api/types';
import { ActionResult, RoleNotice } from '@/components/actions/result';
import { Button, Input } from '@/components/ui/button';
import { BrokerErrors, ErrorBox, Spinner } from '@/components/ui/states';

export function BrokerConfig({ brokerAddr }: { brokerAddr: string }) {
  const q = useBrokerConfig(brokerAddr);
  const me = useMe();
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState(false);
  const [changes, setChanges] = useState<Record<string, string>>({});
  const save = useApiMutation<Record<string, string>, WriteResult>((body) => ({ method: 'PUT', path: `/api/brokers/${seg(brokerAddr)}/config`, body }));
  const table = q.data?.brokers[0]?.table;
  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return Object.entries(table ?? {})
      .filter(([k, v]) => !f || k.toLowerCase().includes(f) || v.toLowerCase().includes(f))
      .sort((a, b) => a[0].localeCompare(b[0]));
  }, [table, filter]);
  const changed = Object.keys(changes).filter((k) => changes[k] !== table?.[k]);

  if (q.isPending) return <div className="flex items-center gap-2 text-sm text-zinc-500"><Spinner /> Loading configuration…</div>;
  if (q.error) return <ErrorBox error={q.error} title={`Could not read the configuration of ${brokerAddr}`} onRetry={() => void q.refetch()} />;
  return (
    <div className="space-y-3" data-testid="broker-config">
      <BrokerErrors errors={q.data?.errors} />
      <div className="flex flex-wrap items-center gap-2">
        <Input placeholder="Filter keys or values" value={filter} onChange={(e) => setFilter(e.target.value)} className="max-w-xs" aria-label="Filter configuration" />
        <span className="text-xs text-zinc-500">{rows.length} keys</span>
        <div className="ml-auto flex gap-2">
          {!editing && <Button size="sm" onClick={() => setEditing(true)} data-testid="config-edit">Edit</Button>}
          {editing && (
            <>
              <Button size="sm" onClick={() => { setEditing(false); setChanges({}); save.reset(); }}>Cancel</Button>
              <Button size="sm" variant="primary" disabled={changed.length === 0 || save.isPending} onClick={() => save.mutate(Object.fromEntries(changed.map((k) => [k, changes[k]!])))} data-testid="config-save">
                Save {changed.length ? `${changed.length} change${changed.length > 1 ? 's' : ''}` : ''}
              </Button>
            </>
          )}
        </div>
      </div>
      {editing && <RoleNotice role={me.data?.role} />}
      <ActionResult result={save.data} error={save.error} success="Configuration updated" />
      <div className="max-h-[50vh] overflow-auto rounded-md border border-zinc-200 dark:border-zinc-800">
        <table className="w-full text-sm">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                <td className="w-1/2 px-3 py-1 font-mono text-xs text-zinc-600 dark:text-zinc-400">{k}</td>
                <td className="px-3 py-1 font-mono text-xs">
                  {editing ? (
                    <input
                      aria-label={k}
                      data-testid={`config-input-${k}`}
                      value={changes[k] ?? v}
                      onChange={(e) => setChanges((c) => ({ ...c, [k]: e.target.value }))}
                      className={`w-full rounded border px-1.5 py-0.5 dark:bg-zinc-950 ${changes[k] !== undefined && changes[k] !== v ? 'border-orange-400 bg-orange-50 dark:bg-orange-950/30' : 'border-zinc-200 dark:border-zinc-700'}`}
                    />
                  ) : (
                    <span className="break-all">{v}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

'use client';
// Operators add, edit and delete alert rules and channels as JSON (the same shape as the alerts file's entries);
// the server names the field of a bad entry.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiFetch, errorMessage, seg } from '@/components/api/client';
import { Button, Textarea } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import type { AlertsResponse } from '@/lib/console/alerts/api.ts';

type Rule = AlertsResponse['rules'][number];

export const NEW_RULE = { id: 'group-lag', kind: 'group_lag', severity: 'warning', for: '5m', scope: { group: '*' }, thresholds: { messages: 10000 }, channels: [] };
export const NEW_CHANNEL = { id: 'ops-webhook', format: 'json', url: 'https://example.com/hook', retries: 3, backoff: '1s' };

/** A stored rule back in the file/API shape. */
export function ruleInput(r: Rule): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: r.id, kind: r.kind, severity: r.severity, for: `${r.forMs / 1000}s`, scope: r.scope, thresholds: r.thresholds, channels: r.channels,
    enabled: r.enabled, includeSystem: r.includeSystem, flapping: { changes: r.flapping.changes, window: `${r.flapping.windowMs / 1000}s` },
  };
  if (r.description) out.description = r.description;
  return out;
}

export function JsonEditor({ title, kind, initial, onClose }: { title: string; kind: 'rules' | 'channels'; initial: Record<string, unknown> | null; onClose(): void }) {
  const qc = useQueryClient();
  const [text, setText] = useState(() => JSON.stringify(initial ?? {}, null, 2));
  const save = useMutation({
    mutationFn: () => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error('not valid JSON');
      }
      return apiFetch(`/api/alerts/${kind}`, { method: 'POST', body });
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['api'] });
      onClose();
    },
  });
  return (
    <Dialog open={initial !== null} onClose={onClose} title={title} wide testId={`${kind}-editor`}>
      <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
        <Textarea value={text} onChange={(e) => setText(e.target.value)} rows={16} className="font-mono text-xs" data-testid="json-editor" />
        {save.error && <p className="text-sm text-red-600" data-testid="editor-error">{errorMessage(save.error)}</p>}
        <Button type="submit" variant="primary" disabled={save.isPending} data-testid="editor-save">Save</Button>
      </form>
    </Dialog>
  );
}

export function useDelete(kind: 'rules' | 'channels') {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch(`/api/alerts/${kind}/${seg(id)}`, { method: 'DELETE' }),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['api'] }),
  });
}

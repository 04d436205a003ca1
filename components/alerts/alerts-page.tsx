'use client';
// The Alerts page: firing, silenced and recent alerts, active silences, rules and channels; operators silence,
// acknowledge, end silences and send test notifications.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiFetch, errorMessage, seg } from '@/components/api/client';
import { useApi, useMe } from '@/components/api/hooks';
import { fmtTime } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import { Button, Field, Input, Select } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { ErrorBox } from '@/components/ui/states';
import { FullRow, SkeletonRows, Table, Td, Th, THead, Tr } from '@/components/ui/table';
import type { AlertsResponse, AlertView } from '@/lib/console/alerts/api.ts';
import Link from 'next/link';
import { alertHref } from './firing-alerts';
import { JsonEditor, NEW_CHANNEL, NEW_RULE, ruleInput, useDelete } from './rule-editor';
import { canChange } from '@/components/auth/roles';

const SEVERITY_TONE = { critical: 'red', warning: 'amber', info: 'blue' } as const;

function AlertRows({ alerts, operator, onSilence, onAck, empty, testId }: {
  alerts: AlertView[]; operator: boolean; onSilence?(a: AlertView): void; onAck?(a: AlertView): void; empty: string; testId: string;
}) {
  return (
    <Table testId={testId}>
      <THead>
        <Th>Severity</Th>
        <Th>Rule</Th>
        <Th>Cluster</Th>
        <Th>Subject</Th>
        <Th>What</Th>
        <Th>Since</Th>
        <Th>State</Th>
        <Th />
      </THead>
      <tbody>
        {alerts.length === 0 && <FullRow colSpan={8}>{empty}</FullRow>}
        {alerts.map((a) => (
          <Tr key={a.id} testId="alert-row">
            <Td><Badge tone={SEVERITY_TONE[a.severity]}>{a.severity}</Badge></Td>
            <Td className="font-mono text-xs">{a.ruleId}</Td>
            <Td>{a.cluster}</Td>
            <Td className="font-mono text-xs">{a.subject}</Td>
            <Td className="max-w-md text-xs"><Link href={alertHref(a)} className="hover:underline">{a.message}</Link></Td>
            <Td className="whitespace-nowrap text-xs tabular-nums">{fmtTime(a.startedAt)}{a.resolvedAt ? ` → ${fmtTime(a.resolvedAt)}` : ''}</Td>
            <Td className="space-x-1 whitespace-nowrap">
              {a.state === 'firing' ? <Badge tone="red">firing</Badge> : <Badge tone="green">resolved</Badge>}
              {a.flapping && <Badge tone="violet">flapping</Badge>}
              {a.silencedBy && <Badge tone="zinc" title={`${a.silencedBy.reason} (by ${a.silencedBy.createdBy})`}>silenced until {fmtTime(a.silencedBy.endsAt)}</Badge>}
              {a.ackedBy && <Badge tone="blue" title={fmtTime(a.ackedAt)}>ack {a.ackedBy}</Badge>}
            </Td>
            <Td className="space-x-1 whitespace-nowrap text-right">
              {operator && a.state === 'firing' && onSilence && !a.silencedBy && <Button size="sm" onClick={() => onSilence(a)} data-testid="silence-button">Silence</Button>}
              {operator && a.state === 'firing' && onAck && !a.ackedBy && <Button size="sm" variant="ghost" onClick={() => onAck(a)} data-testid="ack-button">Acknowledge</Button>}
            </Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}

function SilenceDialog({ alert, onClose }: { alert: AlertView | null; onClose(): void }) {
  const qc = useQueryClient();
  const [duration, setDuration] = useState('1h');
  const [reason, setReason] = useState('');
  const [scope, setScope] = useState<'subject' | 'rule'>('subject');
  const save = useMutation({
    mutationFn: () => apiFetch('/api/alerts/silences', { method: 'POST', body: { ruleId: alert!.ruleId, cluster: alert!.cluster, subject: scope === 'subject' ? alert!.subject : '*', duration, reason } }),
    onSuccess: () => {
      setReason('');
      void qc.invalidateQueries({ queryKey: ['api'] });
      onClose();
    },
  });
  return (
    <Dialog open={alert !== null} onClose={onClose} title="Silence alert" testId="silence-dialog">
      {alert && (
        <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
          <p className="text-sm">{alert.message}</p>
          <Field label="What">
            <Select value={scope} onChange={(e) => setScope(e.target.value as 'subject' | 'rule')}>
              <option value="subject">this subject ({alert.subject})</option>
              <option value="rule">every subject of rule {alert.ruleId}</option>
            </Select>
          </Field>
          <Field label="For" hint="30m, 2h, 1d">
            <Input value={duration} onChange={(e) => setDuration(e.target.value)} required data-testid="silence-duration" />
          </Field>
          <Field label="Reason">
            <Input value={reason} onChange={(e) => setReason(e.target.value)} required placeholder="planned maintenance" data-testid="silence-reason" />
          </Field>
          {save.error && <p className="text-sm text-red-600">{errorMessage(save.error)}</p>}
          <Button type="submit" variant="primary" disabled={save.isPending} data-testid="silence-submit">Silence</Button>
        </form>
      )}
    </Dialog>
  );
}

export function AlertsPage() {
  const q = useApi<AlertsResponse>('/api/alerts');
  const me = useMe();
  const qc = useQueryClient();
  const operator = canChange(me.data?.role);
  const [silencing, setSilencing] = useState<AlertView | null>(null);
  const [editing, setEditing] = useState<{ kind: 'rules' | 'channels'; title: string; value: Record<string, unknown> } | null>(null);
  const delRule = useDelete('rules');
  const delChannel = useDelete('channels');
  const refresh = () => void qc.invalidateQueries({ queryKey: ['api'] });
  const ack = useMutation({ mutationFn: (a: AlertView) => apiFetch(`/api/alerts/${a.id}/ack`, { method: 'POST' }), onSettled: refresh });
  const unsilence = useMutation({ mutationFn: (id: number) => apiFetch(`/api/alerts/silences/${id}`, { method: 'DELETE' }), onSettled: refresh });
  const test = useMutation({ mutationFn: (id: string) => apiFetch<{ status: string }>(`/api/alerts/channels/${seg(id)}/test`, { method: 'POST' }) });
  const d = q.data;
  const error = ack.error ?? unsilence.error ?? test.error ?? delRule.error ?? delChannel.error;
  return (
    <>
      <PageHeader title="Alerts" description="Rules the collector evaluates every cycle; each change is notified once to the rule's channels." />
      {q.error && <ErrorBox error={q.error} title="Could not load alerts" onRetry={() => void q.refetch()} />}
      {d?.fileError && <ErrorBox error={d.fileError} title="The alerts file was refused" />}
      {error && <p className="mt-2 text-sm text-red-600">{errorMessage(error)}</p>}
      {test.data && <p className="mt-2 text-sm" data-testid="test-result">Test notification: {test.data.status}</p>}
      <Card title={`Firing (${d?.counts.firing ?? 0})`} bodyClassName="" className="mt-4" testId="alerts-firing">
        {q.isPending ? <Table><tbody><SkeletonRows cols={8} /></tbody></Table> : (
          <AlertRows alerts={d?.firing ?? []} operator={operator} onSilence={setSilencing} onAck={(a) => ack.mutate(a)} empty="Nothing is firing." testId="firing-table" />
        )}
      </Card>
      <Card title={`Silenced (${d?.counts.silenced ?? 0})`} bodyClassName="" className="mt-4" testId="alerts-silenced">
        <AlertRows alerts={d?.silenced ?? []} operator={operator} onAck={(a) => ack.mutate(a)} empty="No firing alert is silenced." testId="silenced-table" />
        {(d?.silences.length ?? 0) > 0 && (
          <ul className="divide-y divide-zinc-200 border-t border-zinc-200 text-sm dark:divide-zinc-800 dark:border-zinc-800">
            {d!.silences.map((s) => (
              <li key={s.id} className="flex items-center justify-between gap-2 px-4 py-2" data-testid="silence-row">
                <span>
                  <span className="font-mono text-xs">{s.cluster}/{s.ruleId}/{s.subject}</span> until {fmtTime(s.endsAt)}: {s.reason} <span className="text-zinc-500">({s.createdBy})</span>
                </span>
                {operator && <Button size="sm" variant="ghost" onClick={() => unsilence.mutate(s.id)}>End</Button>}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Recent" bodyClassName="" className="mt-4" testId="alerts-recent">
        <AlertRows alerts={d?.recent ?? []} operator={false} empty="No alert yet." testId="recent-table" />
      </Card>
      <div className="mt-4 grid gap-4 lg:grid-cols-2">
        <Card title="Rules" bodyClassName="" testId="alert-rules"
          actions={operator && <Button size="sm" onClick={() => setEditing({ kind: 'rules', title: 'New rule', value: NEW_RULE })} data-testid="new-rule">New rule</Button>}>
          <Table>
            <THead><Th>Id</Th><Th>Kind</Th><Th>Severity</Th><Th>For</Th><Th>Scope</Th><Th>Source</Th><Th /></THead>
            <tbody>
              {(d?.rules ?? []).map((r) => (
                <Tr key={r.id}>
                  <Td className="font-mono text-xs">{r.id}{!r.enabled && ' (off)'}</Td>
                  <Td className="text-xs">{r.kind}</Td>
                  <Td><Badge tone={SEVERITY_TONE[r.severity]}>{r.severity}</Badge></Td>
                  <Td className="text-xs tabular-nums">{Math.round(r.forMs / 1000)} s</Td>
                  <Td className="font-mono text-xs">{Object.entries(r.scope).map(([k, v]) => `${k}=${v}`).join(' ') || 'all'} {Object.entries(r.thresholds).map(([k, v]) => `${k}>${v}`).join(' ')}</Td>
                  <Td className="text-xs">{r.source}</Td>
                  <Td className="whitespace-nowrap text-right">
                    {operator && <Button size="sm" variant="ghost" onClick={() => setEditing({ kind: 'rules', title: `Edit rule ${r.id}`, value: ruleInput(r) })}>Edit</Button>}
                    {operator && <Button size="sm" variant="ghost" onClick={() => delRule.mutate(r.id)} aria-label={`Delete rule ${r.id}`}>Delete</Button>}
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
          {!operator && <p className="px-4 py-2 text-xs text-zinc-500" data-testid="rules-readonly">Rules and channels are changed by operators (here, through the API or the alerts file).</p>}
        </Card>
        <Card title="Channels" bodyClassName="" testId="alert-channels"
          actions={operator && <Button size="sm" onClick={() => setEditing({ kind: 'channels', title: 'New channel', value: NEW_CHANNEL })}>New channel</Button>}>
          <Table>
            <THead><Th>Id</Th><Th>Format</Th><Th>Receiver</Th><Th>Retries</Th><Th /></THead>
            <tbody>
              {(d?.channels ?? []).length === 0 && <FullRow colSpan={5}>No channel: alerts are only shown here.</FullRow>}
              {(d?.channels ?? []).map((c) => (
                <Tr key={c.id}>
                  <Td className="font-mono text-xs">{c.id}</Td>
                  <Td className="text-xs">{c.format}</Td>
                  <Td className="font-mono text-xs">{c.url}</Td>
                  <Td className="text-xs tabular-nums">{c.retries}</Td>
                  <Td className="whitespace-nowrap text-right">
                    {operator && <Button size="sm" onClick={() => test.mutate(c.id)} disabled={test.isPending}>Send a test</Button>}
                    {operator && <Button size="sm" variant="ghost" onClick={() => delChannel.mutate(c.id)} aria-label={`Delete channel ${c.id}`}>Delete</Button>}
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        </Card>
      </div>
      <SilenceDialog alert={silencing} onClose={() => setSilencing(null)} />
      {editing && <JsonEditor key={editing.title} title={editing.title} kind={editing.kind} initial={editing.value} onClose={() => setEditing(null)} />}
    </>
  );
}

'use client';
// Drain a broker group: preview the topics whose routes lose their write permission, watch producers move away
// (its put TPS) and consumers catch up (lag left on it), then give the write permission back. The broker name
// must be typed to confirm either change.

import { useState } from 'react';
import { useApi, useApiMutation, useMe } from '@/components/api/hooks';
import { fmtNum, fmtRate, fmtTime } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import { Button, Field, Input, Select } from '@/components/ui/button';
import { ErrorBox } from '@/components/ui/states';
import { FullRow, Table, Td, Th, THead, Tr } from '@/components/ui/table';
import type { DrainView } from '@/lib/console/drain.ts';
import { ActionResult, RoleNotice } from './result';
import { useClusterNames } from './targets';

const permText = (p: number | null) => (p === null ? '?' : `${p & 4 ? 'R' : '-'}${p & 2 ? 'W' : '-'}`);

export function DrainBrokerForm() {
  const me = useMe();
  const { brokerNames } = useClusterNames();
  const [chosen, setChosen] = useState('');
  const [confirm, setConfirm] = useState('');
  const brokerName = chosen || brokerNames[0] || '';
  const view = useApi<DrainView>('/api/brokers/drain', { query: { brokerName }, enabled: brokerName !== '' });
  const m = useApiMutation<{ action: 'drain' | 'restore' }, { result: { done: Array<{ namesrvAddr: string; topicCount: number }>; errors: Array<{ namesrvAddr: string; error: string }> } }>((v) => ({
    method: 'POST', path: '/api/brokers/drain', body: { brokerName, action: v.action, confirm },
  }));
  const d = view.data;
  const ready = confirm === brokerName && brokerName !== '';
  return (
    <div className="space-y-4" data-testid="drain-form">
      <RoleNotice role={me.data?.role} />
      <Field label="Broker group">
        <Select value={brokerName} onChange={(e) => { setChosen(e.target.value); setConfirm(''); m.reset(); }} data-testid="drain-broker">
          {brokerNames.map((b) => <option key={b} value={b}>{b}</option>)}
        </Select>
      </Field>
      {view.error && <ErrorBox error={view.error} title="Could not read the broker's routes" />}
      {d && (
        <>
          <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="drain-status">
            {d.drained ? <Badge tone="amber">drained: no writable route</Badge> : <Badge tone="green">{d.writableTopics} writable topic routes</Badge>}
            <span>put TPS <strong className="tabular-nums">{d.putTps === null ? '–' : fmtRate(d.putTps)}</strong></span>
            <span>lag left <strong className="tabular-nums">{fmtNum(d.lag.reduce((n, l) => n + l.diff, 0))}</strong> messages</span>
            {d.asOf && <span className="text-xs text-zinc-500">as of {fmtTime(d.asOf)}</span>}
          </div>
          <div className="grid gap-4 md:grid-cols-2">
            <Table testId="drain-topics">
              <THead><Th>Topic</Th><Th>Write queues</Th><Th>Route</Th></THead>
              <tbody>
                {d.topics.length === 0 && <FullRow colSpan={3}>No topic on this broker group.</FullRow>}
                {d.topics.slice(0, 100).map((t) => (
                  <Tr key={t.topic}><Td className="font-mono text-xs">{t.topic}</Td><Td className="tabular-nums">{t.writeQueueNums}</Td><Td className="font-mono text-xs">{permText(t.routePerm)}</Td></Tr>
                ))}
              </tbody>
            </Table>
            <Table testId="drain-lag">
              <THead><Th>Group</Th><Th>Topic</Th><Th>Lag here</Th></THead>
              <tbody>
                {d.lag.length === 0 && <FullRow colSpan={3}>No group has messages left on it.</FullRow>}
                {d.lag.slice(0, 100).map((l) => (
                  <Tr key={`${l.group} ${l.topic}`}><Td className="font-mono text-xs">{l.group}</Td><Td className="font-mono text-xs">{l.topic}</Td><Td className="tabular-nums">{fmtNum(l.diff)}</Td></Tr>
                ))}
              </tbody>
            </Table>
          </div>
        </>
      )}
      <Field label={`Type ${brokerName || 'the broker name'} to confirm`} hint="Draining takes the write permission of all its topics off every nameserver: producers send elsewhere at their next route refresh; consumers keep reading it.">
        <Input value={confirm} onChange={(e) => setConfirm(e.target.value)} data-testid="drain-confirm" />
      </Field>
      <div className="flex gap-2">
        <Button variant="primary" disabled={!ready || m.isPending} onClick={() => m.mutate({ action: 'drain' })} data-testid="drain-submit">Drain</Button>
        <Button disabled={!ready || m.isPending} onClick={() => m.mutate({ action: 'restore' })} data-testid="restore-submit">Restore write permission</Button>
      </div>
      <ActionResult error={m.error} result={m.data ? { namesrvs: { done: m.data.result.done.map((x) => `${x.namesrvAddr} (${x.topicCount} topics)`), errors: m.data.result.errors } } : null} />
    </div>
  );
}

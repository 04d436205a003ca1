'use client';
// RocketMQ 5.x page: each master's version with its timer store, replication and POP request modes (a section the
// broker's version has not is "not available on this version"), the controller group, and the proxies with the
// clients behind each.

import { useState } from 'react';
import { useApi } from '@/components/api/hooks';
import type { BrokerV5Status, ControllerStatusResult, ProxyClientsResult, ProxyListResult, Section, V5StatusResponse } from '@/components/api/types';
import { fmtNum, fmtRate } from '@/components/format';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, PageHeader, Stat } from '@/components/ui/card';
import { BrokerErrors, ErrorBox, PageSkeleton } from '@/components/ui/states';
import { FullRow, Table, Td, Th, THead, Tr } from '@/components/ui/table';

/** A section's value, or the reason it has none. */
function SectionBody<T>({ s, children, testId }: { s: Section<T>; children: (v: T) => React.ReactNode; testId?: string }) {
  if (s.state === 'ok') return <>{children(s.value)}</>;
  if (s.state === 'unsupported') return <span className="text-xs text-zinc-500" data-testid={testId ?? 'not-available'}>{s.reason}</span>;
  return <span className="text-xs text-red-600 dark:text-red-400" title={s.error}>error: {s.error}</span>;
}

const ms = (v: number | null): string => (v === null ? '—' : v < 1000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`);

function Brokers({ brokers }: { brokers: BrokerV5Status[] }) {
  return (
    <Card title="Brokers" bodyClassName="" testId="v5-brokers">
      <Table>
        <THead>
          <Th>Broker</Th>
          <Th>Version</Th>
          <Th>Timer messages</Th>
          <Th>Replication (HA status)</Th>
          <Th>POP request modes</Th>
        </THead>
        <tbody>
          {brokers.length === 0 && <FullRow colSpan={5}>No broker answered.</FullRow>}
          {brokers.map((b) => (
            <Tr key={b.brokerAddr} testId="v5-broker-row">
              <Td><div className="font-medium">{b.brokerName}</div><div className="font-mono text-xs text-zinc-500">{b.brokerAddr}</div></Td>
              <Td><Badge tone={b.major === 5 ? 'green' : 'zinc'} testId="broker-version">{b.version ?? '?'}</Badge></Td>
              <Td>
                <SectionBody s={b.timer}>
                  {(t) => (
                    <div className="text-xs" data-testid="timer-cell">
                      <div><b className="tabular-nums">{fmtNum(t.pending)}</b> pending{t.pendingSystem ? ` (+${fmtNum(t.pendingSystem)} system)` : ''}</div>
                      <div className="text-zinc-500">lag {ms(t.readBehindMs)} · in {t.enqueueTps === null ? '—' : fmtRate(t.enqueueTps)}/s · out {t.dequeueTps === null ? '—' : fmtRate(t.dequeueTps)}/s</div>
                    </div>
                  )}
                </SectionBody>
              </Td>
              <Td>
                <SectionBody s={b.ha}>
                  {(h) => (
                    <div className="text-xs">
                      {h.master ? `${h.inSyncSlaveNums} in-sync slave${h.inSyncSlaveNums === 1 ? '' : 's'}` : `slave of ${h.haClientRuntimeInfo?.masterAddr || '?'}`}
                      {h.haConnectionInfo.map((c) => <div key={c.addr} className="text-zinc-500">{c.addr} {c.inSync ? 'in sync' : `behind ${fmtNum(c.diff)} B`}</div>)}
                    </div>
                  )}
                </SectionBody>
              </Td>
              <Td>
                <SectionBody s={b.requestModes}>
                  {(m) => (m.length === 0 ? <span className="text-xs text-zinc-500">none set (PULL)</span> : (
                    <ul className="text-xs">{m.map((x) => <li key={`${x.topic}|${x.group}`}>{x.group} on {x.topic}: <b>{x.mode}</b>{x.popShareQueueNum ? ` share ${x.popShareQueueNum}` : ''}</li>)}</ul>
                  ))}
                </SectionBody>
              </Td>
            </Tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}

function Timer({ brokers }: { brokers: BrokerV5Status[] }) {
  const ok = brokers.flatMap((b) => (b.timer.state === 'ok' ? [b.timer.value] : []));
  if (!ok.length) return null;
  const sum = (f: (t: (typeof ok)[number]) => number | null) => ok.reduce((n, t) => n + (f(t) ?? 0), 0);
  const perTopic = new Map<string, number>();
  for (const t of ok) for (const [k, v] of Object.entries(t.perTopic)) perTopic.set(k, (perTopic.get(k) ?? 0) + v);
  return (
    <Card title="Timer messages" testId="v5-timer">
      <div className="grid gap-4 sm:grid-cols-4">
        <Stat label="Pending" value={fmtNum(sum((t) => t.pending))} hint="waiting for their delivery time" testId="stat-timer-pending" />
        <Stat label="Delivery lag" value={ms(Math.max(...ok.map((t) => t.readBehindMs ?? 0)))} hint="behind the due times (worst broker)" />
        <Stat label="Put rate" value={`${fmtRate(sum((t) => t.enqueueTps))}/s`} hint="into the timer store" />
        <Stat label="Dequeue rate" value={`${fmtRate(sum((t) => t.dequeueTps))}/s`} hint="delivered to their topics" />
      </div>
      {perTopic.size > 0 && (
        <ul className="mt-3 text-sm">
          {[...perTopic].map(([t, n]) => <li key={t}><span className="font-mono">{t}</span>: {fmtNum(n)}</li>)}
        </ul>
      )}
    </Card>
  );
}

function Controller({ c }: { c: ControllerStatusResult }) {
  if (!c.controllerMode && c.controllerAddrs.length === 0) {
    return <Card title="Controller" testId="v5-controller"><span className="text-sm text-zinc-500">No broker runs in controller mode (enableControllerMode).</span></Card>;
  }
  return (
    <Card title="Controller" bodyClassName="" testId="v5-controller">
      <div className="flex flex-wrap gap-3 px-4 py-3 text-sm">
        {c.controllers.map((x) => (
          <div key={x.addr} className="rounded border border-zinc-200 px-3 py-2 dark:border-zinc-800" data-testid="controller-node">
            <div className="font-mono text-xs">{x.addr}</div>
            <SectionBody s={x.meta}>
              {(m) => <div className="text-xs">{m.isLeader ? <Badge tone="green">leader</Badge> : <span>leader {m.controllerLeaderAddress}</span>} <span className="text-zinc-500">{m.group}</span></div>}
            </SectionBody>
          </div>
        ))}
      </div>
      {c.groupsError && <div className="px-4 pb-2 text-sm text-red-600 dark:text-red-400">{c.groupsError}</div>}
      <Table>
        <THead>
          <Th>Broker group</Th>
          <Th>Master</Th>
          <Th className="text-right">Master epoch</Th>
          <Th className="text-right">Sync-set epoch</Th>
          <Th>In sync</Th>
          <Th>Not in sync</Th>
        </THead>
        <tbody>
          {c.groups.map((g) => (
            <Tr key={g.brokerName} testId="controller-group">
              <Td className="font-medium">
                {g.brokerName} {g.shrunkToMaster && <Badge tone="red" title="The in-sync set is the master alone: losing it loses data" testId="flag-shrunk">in-sync set = master only</Badge>}
              </Td>
              <Td className="font-mono text-xs">{g.masterAddress || 'none'} <span className="text-zinc-500">(id {g.masterBrokerId})</span></Td>
              <Td className="text-right tabular-nums" data-testid="master-epoch">{g.masterEpoch}</Td>
              <Td className="text-right tabular-nums">{g.syncStateSetEpoch}</Td>
              <Td className="text-xs">{g.inSync.map((r) => `${r.brokerAddress} (id ${r.brokerId})`).join(', ')}</Td>
              <Td className="text-xs">{g.notInSync.map((r) => `${r.brokerAddress} (id ${r.brokerId}${r.alive ? '' : ', down'})`).join(', ') || '—'}</Td>
            </Tr>
          ))}
        </tbody>
      </Table>
      <BrokerErrors errors={c.errors} />
    </Card>
  );
}

function ProxyClients({ addr }: { addr: string }) {
  const q = useApi<ProxyClientsResult>('/api/proxies/clients', { query: { addr }, pollFactor: 0 });
  if (q.isPending) return <div className="px-4 py-2 text-xs text-zinc-500">Asking {addr}…</div>;
  if (!q.data) return <ErrorBox error={q.error} title={`Could not ask ${addr}`} />;
  return (
    <Table testId="proxy-clients">
      <THead><Th>Group</Th><Th>Client id</Th><Th>Address</Th><Th>Client</Th><Th>Type</Th></THead>
      <tbody>
        {q.data.clients.length === 0 && <FullRow colSpan={5}>No client connected through {addr}.</FullRow>}
        {q.data.clients.map((c) => (
          <Tr key={`${c.group}|${c.clientId}`} testId="proxy-client-row">
            <Td>{c.group}</Td>
            <Td className="font-mono text-xs">{c.clientId}</Td>
            <Td className="font-mono text-xs">{c.clientAddr}</Td>
            <Td className="text-xs">{c.language} · {c.version}</Td>
            <Td className="text-xs">{c.consumeType ?? ''}</Td>
          </Tr>
        ))}
      </tbody>
    </Table>
  );
}

function Proxies({ p }: { p: ProxyListResult }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Card title={`Proxies (${p.proxies.length})`} bodyClassName="" testId="v5-proxies">
      <Table>
        <THead><Th>Address</Th><Th>Mode</Th><Th>Version</Th><Th className="text-right">Clients</Th><Th /></THead>
        <tbody>
          {p.proxies.length === 0 && <FullRow colSpan={5}>No proxy found: no member in the heartbeat syncer group (CID_DefaultHeartBeatSyncerTopic) and none configured (ROCKETDECK_PROXY_ADDRS).</FullRow>}
          {p.proxies.map((x) => (
            <Tr key={x.addr} testId="proxy-row">
              <Td className="font-mono text-xs">{x.addr}{x.clientId && <div className="text-zinc-500">{x.clientId}</div>}</Td>
              <Td><Badge tone={x.mode === 'cluster' ? 'blue' : 'zinc'}>{x.mode}</Badge></Td>
              <Td className="text-xs">{x.version ?? '—'}</Td>
              <Td className="text-right tabular-nums" data-testid="proxy-clients-count">{x.clients ?? '—'}{x.error && <div className="text-xs text-red-600" title={x.error}>not reachable</div>}</Td>
              <Td>{x.reachable && <Button size="sm" onClick={() => setOpen(open === x.addr ? null : x.addr)} data-testid="proxy-open">{open === x.addr ? 'Hide clients' : 'Clients'}</Button>}</Td>
            </Tr>
          ))}
        </tbody>
      </Table>
      {open && <div className="border-t border-zinc-200 dark:border-zinc-800"><ProxyClients addr={open} /></div>}
      <BrokerErrors errors={p.errors} />
    </Card>
  );
}

export function V5Page() {
  const q = useApi<V5StatusResponse>('/api/v5');
  if (q.isPending) return <PageSkeleton title="RocketMQ 5.x" />;
  const d = q.data;
  if (!d) return <ErrorBox error={q.error} title="Could not load the 5.x status" onRetry={() => void q.refetch()} />;
  return (
    <>
      <PageHeader title="RocketMQ 5.x" description="Versions, timer messages, replication, controllers and proxies. A section a broker's version does not have says so." />
      <div className="space-y-4">
        <SectionBody s={d.brokers}>{(b) => <><Brokers brokers={b.brokers} /><BrokerErrors errors={b.errors} /><Timer brokers={b.brokers} /></>}</SectionBody>
        <SectionBody s={d.controller}>{(c) => <Controller c={c} />}</SectionBody>
        <SectionBody s={d.proxies}>{(p) => <Proxies p={p} />}</SectionBody>
      </div>
    </>
  );
}

'use client';
// How a group consumes (push, pull or POP, and why), the 5.x request modes set for it per broker, and its members
// connected through proxies (which brokers do not list in cluster mode), with the proxy carrying each.

import type { GroupConsumption } from '@/components/api/types';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { Table, Td, Th, THead, Tr } from '@/components/ui/table';

const TONE = { PUSH: 'blue', PULL: 'zinc', POP: 'violet', UNKNOWN: 'zinc' } as const;

export function ConsumptionCard({ c }: { c: GroupConsumption }) {
  const modes = c.requestModes;
  return (
    <Card title="Consumption" bodyClassName="" testId="group-consumption">
      <div className="flex flex-wrap items-center gap-2 px-4 py-3 text-sm">
        <Badge tone={TONE[c.mode]} testId="consumption-mode">{c.mode}</Badge>
        <span className="text-zinc-500">{c.reason}</span>
      </div>
      <div className="border-t border-zinc-200 px-4 py-3 text-sm dark:border-zinc-800" data-testid="request-modes">
        <div className="mb-1 text-xs font-medium uppercase tracking-wide text-zinc-500">Message request mode (5.x)</div>
        {modes.state === 'unsupported' && <span className="text-xs text-zinc-500" data-testid="not-available">{modes.reason}</span>}
        {modes.state === 'error' && <span className="text-xs text-red-600">{modes.error}</span>}
        {modes.state === 'ok' && (modes.value.length === 0 ? <span className="text-xs text-zinc-500">none set: PULL on every broker</span> : (
          <ul className="space-y-0.5 text-xs">
            {modes.value.map((m) => <li key={`${m.topic}|${m.brokerName}`}>{m.brokerName} · {m.topic}: <b>{m.mode}</b>{m.mode === 'POP' ? `, shares the queues of ${m.popShareQueueNum} next consumers` : ''}</li>)}
          </ul>
        ))}
      </div>
      {(c.proxyMembers.length > 0 || c.proxyErrors.length > 0) && (
        <Table testId="proxy-members">
          <THead><Th>Through proxy</Th><Th>Client id</Th><Th>Address</Th><Th>Client</Th></THead>
          <tbody>
            {c.proxyMembers.map((m) => (
              <Tr key={`${m.proxyAddr}|${m.clientId}`} testId="proxy-member-row">
                <Td className="font-mono text-xs"><Badge tone="blue">proxy</Badge> {m.proxyAddr}</Td>
                <Td className="font-mono text-xs">{m.clientId}</Td>
                <Td className="font-mono text-xs">{m.clientAddr}</Td>
                <Td className="text-xs">{m.language} · {m.version}</Td>
              </Tr>
            ))}
            {c.proxyErrors.map((e) => <Tr key={e.proxyAddr}><Td className="text-xs text-red-600" colSpan={4}>{e.proxyAddr}: {e.error}</Td></Tr>)}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

'use client';
// ACL 1.0 of 4.9 brokers (plain_acl.yml): the accounts (secret keys write-only) and the global white addresses.

import { useState } from 'react';
import { seg } from '@/components/api/client';
import { useApiMutation } from '@/components/api/hooks';
import { Badge } from '@/components/ui/badge';
import { Button, Checkbox, Field, Input } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { FullRow, Table, Td, Th, THead, Tr } from '@/components/ui/table';
import type { AclAnswer } from './acl-page';
import { WriteError } from './write-error';

const list = (s: string): string[] => s.split(/[,\s]+/).filter(Boolean);

export function PlainAcl({ d, writer }: { d: AclAnswer; writer: boolean }) {
  const plain = d.plain ?? { listed: false, globalWhiteAddrs: [], accounts: [], version: null };
  const del = useApiMutation<string, unknown>((ak) => ({ method: 'DELETE', path: `/api/acl/v1/accounts/${seg(ak)}` }));
  return (
    <div className="mt-4 space-y-4">
      {!plain.listed && (
        <p role="status" data-testid="acl-not-listed" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/30 dark:text-amber-200">
          This broker does not send its accounts (Apache RocketMQ 4.9.8 answers GET_BROKER_CLUSTER_ACL_CONFIG with REQUEST_CODE_NOT_SUPPORTED):
          accounts and white addresses can be written here, but the list lives only in its plain_acl.yml.
          {plain.version && <> ACL file version: <span className="font-mono">{plain.version}</span>.</>}
        </p>
      )}
      <GlobalWhite addrs={plain.globalWhiteAddrs} writer={writer} />
      <Card title="Accounts" bodyClassName="">
        <Table testId="acl-accounts">
          <THead><Th>Access key</Th><Th>Secret key</Th><Th>White address</Th><Th>Admin</Th><Th>Default topic / group</Th><Th>Topic perms</Th><Th>Group perms</Th>{writer && <Th />}</THead>
          <tbody>
            {plain.accounts.length === 0 && <FullRow colSpan={8}>No accounts.</FullRow>}
            {plain.accounts.map((a) => (
              <Tr key={a.accessKey} testId="acl-account-row">
                <Td className="font-mono text-xs">{a.accessKey}</Td>
                <Td>{a.secretKeySet ? 'set' : 'none'}</Td>
                <Td className="font-mono text-xs">{a.whiteRemoteAddress || '—'}</Td>
                <Td>{a.admin ? <Badge tone="violet">admin</Badge> : 'no'}</Td>
                <Td className="text-xs">{a.defaultTopicPerm || '—'} / {a.defaultGroupPerm || '—'}</Td>
                <Td className="font-mono text-xs">{a.topicPerms.join(', ')}</Td>
                <Td className="font-mono text-xs">{a.groupPerms.join(', ')}</Td>
                {writer && <Td><Button size="sm" variant="ghost" onClick={() => del.mutate(a.accessKey)} aria-label={`Delete account ${a.accessKey}`}>Delete</Button></Td>}
              </Tr>
            ))}
          </tbody>
        </Table>
        <div className="p-3"><WriteError error={del.error} /></div>
      </Card>
      {writer && <AddAccount />}
    </div>
  );
}

function GlobalWhite({ addrs, writer }: { addrs: string[]; writer: boolean }) {
  const [text, setText] = useState<string | null>(null);
  const m = useApiMutation<string[], unknown>((globalWhiteAddrs) => ({ method: 'PUT', path: '/api/acl/v1/global-white', body: { globalWhiteAddrs } }));
  return (
    <Card title="Global white remote addresses">
      <div className="font-mono text-xs" data-testid="acl-global-white">{addrs.join(', ') || 'none'}</div>
      {writer && (
        <form className="mt-3 flex items-end gap-2" onSubmit={(e) => { e.preventDefault(); m.mutate(list(text ?? addrs.join(', ')), { onSuccess: () => setText(null) }); }}>
          <Field label="Addresses" hint="comma separated, e.g. 10.0.0.*" className="flex-1"><Input value={text ?? addrs.join(', ')} onChange={(e) => setText(e.target.value)} /></Field>
          <Button type="submit" disabled={m.isPending}>Save</Button>
        </form>
      )}
      <WriteError error={m.error} />
    </Card>
  );
}

function AddAccount() {
  const empty = { accessKey: '', secretKey: '', whiteRemoteAddress: '', admin: false, defaultTopicPerm: 'DENY', defaultGroupPerm: 'SUB', topicPerms: '', groupPerms: '' };
  const [f, setF] = useState(empty);
  const m = useApiMutation<typeof f, unknown>((v) => ({
    method: 'POST', path: '/api/acl/v1/accounts',
    body: { ...v, whiteRemoteAddress: v.whiteRemoteAddress || undefined, topicPerms: list(v.topicPerms), groupPerms: list(v.groupPerms) },
  }));
  return (
    <Card title="Add or replace an account">
      <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); m.mutate(f, { onSuccess: () => setF(empty) }); }}>
        <div className="grid gap-3 sm:grid-cols-4">
          <Field label="Access key"><Input name="accessKey" value={f.accessKey} onChange={(e) => setF({ ...f, accessKey: e.target.value })} required /></Field>
          <Field label="Secret key" hint="write-only"><Input name="secretKey" type="password" autoComplete="new-password" value={f.secretKey} onChange={(e) => setF({ ...f, secretKey: e.target.value })} required /></Field>
          <Field label="White address"><Input value={f.whiteRemoteAddress} onChange={(e) => setF({ ...f, whiteRemoteAddress: e.target.value })} /></Field>
          <Field label="Default topic / group perm"><div className="flex gap-1"><Input value={f.defaultTopicPerm} onChange={(e) => setF({ ...f, defaultTopicPerm: e.target.value })} /><Input value={f.defaultGroupPerm} onChange={(e) => setF({ ...f, defaultGroupPerm: e.target.value })} /></div></Field>
          <Field label="Topic perms" hint="TopicA=PUB|SUB, TopicB=SUB"><Input value={f.topicPerms} onChange={(e) => setF({ ...f, topicPerms: e.target.value })} /></Field>
          <Field label="Group perms" hint="GroupA=SUB"><Input value={f.groupPerms} onChange={(e) => setF({ ...f, groupPerms: e.target.value })} /></Field>
          <div className="flex items-end"><Checkbox label="admin" checked={f.admin} onChange={(e) => setF({ ...f, admin: e.target.checked })} /></div>
        </div>
        <WriteError error={m.error} />
        <Button type="submit" variant="primary" disabled={m.isPending}>Save account</Button>
      </form>
    </Card>
  );
}

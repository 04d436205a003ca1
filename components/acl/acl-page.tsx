'use client';
// Access control of the chosen cluster: ACL 2.0 users and their policies (5.x brokers), or plain_acl.yml accounts
// (4.9 brokers). Operators change them; viewers read; passwords and secret keys are write-only fields.

import Link from 'next/link';
import { useState } from 'react';
import { seg } from '@/components/api/client';
import { useApi, useApiMutation, useMe } from '@/components/api/hooks';
import { Badge } from '@/components/ui/badge';
import { Button, Field, Input, Select } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { BrokerErrors, Empty, ErrorBox } from '@/components/ui/states';
import { FullRow, SkeletonRows, Table, Td, Th, THead, Tr } from '@/components/ui/table';
import type { AclOverview, AclUserView } from '@/lib/console/acl-view.ts';
import { PlainAcl } from './plain-acl';
import { WriteError } from './write-error';

export type AclAnswer = AclOverview & { cluster: string };
const ACTIONS = ['All', 'Pub', 'Sub', 'Create', 'Update', 'Delete', 'Get', 'List'];

import { canChange as canWrite } from '@/components/auth/roles';

export { canWrite };

export function AclPage() {
  const me = useMe();
  const signedIn = !!me.data?.username;
  const q = useApi<AclAnswer>('/api/acl', { enabled: signedIn, pollFactor: 2 });
  const writer = canWrite(me.data?.role);
  if (me.data && !signedIn) {
    return (
      <>
        <PageHeader title="Access control" description="Users and policies of the cluster's brokers." />
        <Empty title="Sign in to see users and policies" hint="Access control is open to signed-in viewers; operators change it.">
          <Link href="/login?next=/acl" className="text-sm text-orange-700 hover:underline dark:text-orange-400">Sign in</Link>
        </Empty>
      </>
    );
  }
  const d = q.data;
  return (
    <>
      <PageHeader
        title="Access control"
        description={d?.mode === 'acl1' ? 'plain_acl.yml accounts of the 4.9 brokers (ACL 1.0); changes go to every broker.' : 'Users and their policies (ACL 2.0); changes go to every broker of the cluster, masters and slaves.'}
        actions={d?.readFrom ? <span className="text-xs text-zinc-500">read from {d.readFrom.brokerName} · {d.readFrom.brokerAddr}</span> : undefined}
      />
      {q.error && <ErrorBox error={q.error} title="Could not read access control" onRetry={() => void q.refetch()} />}
      {d && <BrokerErrors errors={d.errors} title="Brokers that could not be read" />}
      {d?.mode === 'unavailable' && <Empty title="No broker answered the access-control requests" hint="See the errors above: access refused, not supported, or not reachable." />}
      {d?.mode === 'acl2' && <AclV2 d={d} writer={writer} />}
      {d?.mode === 'acl1' && <PlainAcl d={d} writer={writer} />}
      {!writer && signedIn && <p className="mt-4 text-xs text-zinc-500">Read only: changes need an operator.</p>}
    </>
  );
}

function AclV2({ d, writer }: { d: AclAnswer; writer: boolean }) {
  const [editing, setEditing] = useState<AclUserView | null>(null);
  const delUser = useApiMutation<string, unknown>((u) => ({ method: 'DELETE', path: `/api/acl/users/${seg(u)}` }));
  const delPolicy = useApiMutation<{ subject: string; resource: string }, unknown>((p) => ({ method: 'DELETE', path: `/api/acl/policies/${seg(p.subject)}`, query: { resource: p.resource } }));
  return (
    <div className="mt-4 space-y-4">
      <Card title="Users" bodyClassName="">
        <Table testId="acl-users">
          <THead><Th>User</Th><Th>Type</Th><Th>Status</Th>{writer && <Th />}</THead>
          <tbody>
            {d.users.length === 0 && <FullRow colSpan={4}>No users.</FullRow>}
            {d.users.map((u) => (
              <Tr key={u.username} testId="acl-user-row">
                <Td className="font-mono text-xs">{u.username}</Td>
                <Td>{u.userType === 'Super' ? <Badge tone="violet">Super</Badge> : 'Normal'}</Td>
                <Td>{u.userStatus === 'disable' ? <Badge tone="red">disabled</Badge> : <Badge tone="green">enabled</Badge>}</Td>
                {writer && (
                  <Td className="text-right">
                    <Button size="sm" variant="ghost" onClick={() => setEditing(u)} aria-label={`Edit user ${u.username}`}>Edit</Button>
                    <Button size="sm" variant="ghost" onClick={() => delUser.mutate(u.username)} aria-label={`Delete user ${u.username}`}>Delete</Button>
                  </Td>
                )}
              </Tr>
            ))}
          </tbody>
        </Table>
        <div className="p-3"><WriteError error={delUser.error} /></div>
      </Card>
      {writer && <CreateUser />}
      <Card title="Policies" bodyClassName="">
        <Table testId="acl-policies">
          <THead><Th>Subject</Th><Th>Resource</Th><Th>Actions</Th><Th>Source IPs</Th><Th>Decision</Th>{writer && <Th />}</THead>
          <tbody>
            {d.policies.length === 0 && <FullRow colSpan={6}>No policies.</FullRow>}
            {d.policies.flatMap((p) => p.entries.map((e) => (
              <Tr key={`${p.subject} ${e.resource}`} testId="acl-policy-row">
                <Td className="font-mono text-xs">{p.subject}</Td>
                <Td className="font-mono text-xs">{e.resource}</Td>
                <Td className="text-xs">{e.actions.join(', ')}</Td>
                <Td className="font-mono text-xs">{e.sourceIps.join(', ') || 'any'}</Td>
                <Td>{e.decision === 'Deny' ? <Badge tone="red">Deny</Badge> : <Badge tone="green">Allow</Badge>}</Td>
                {writer && (
                  <Td className="text-right">
                    <Button size="sm" variant="ghost" onClick={() => delPolicy.mutate({ subject: p.subject, resource: e.resource })} aria-label={`Delete policy ${p.subject} ${e.resource}`}>Delete</Button>
                  </Td>
                )}
              </Tr>
            )))}
          </tbody>
        </Table>
        <div className="p-3"><WriteError error={delPolicy.error} /></div>
      </Card>
      {writer && <CreatePolicy users={d.users.map((u) => u.username)} />}
      <Dialog open={!!editing} onClose={() => setEditing(null)} title={`Edit user ${editing?.username ?? ''}`}>
        {editing && <EditUser user={editing} onDone={() => setEditing(null)} />}
      </Dialog>
    </div>
  );
}

function CreateUser() {
  const [f, setF] = useState({ username: '', password: '', userType: 'Normal', userStatus: 'enable' });
  const m = useApiMutation<typeof f, unknown>((body) => ({ method: 'POST', path: '/api/acl/users', body }));
  return (
    <Card title="Create a user">
      <form className="grid gap-3 sm:grid-cols-5" onSubmit={(e) => { e.preventDefault(); m.mutate(f, { onSuccess: () => setF({ ...f, username: '', password: '' }) }); }}>
        <Field label="User name"><Input name="username" value={f.username} onChange={(e) => setF({ ...f, username: e.target.value })} required /></Field>
        <Field label="Password" hint="write-only"><Input name="password" type="password" autoComplete="new-password" value={f.password} onChange={(e) => setF({ ...f, password: e.target.value })} required /></Field>
        <Field label="Type"><Select name="userType" value={f.userType} onChange={(e) => setF({ ...f, userType: e.target.value })}><option>Normal</option><option>Super</option></Select></Field>
        <Field label="Status"><Select name="userStatus" value={f.userStatus} onChange={(e) => setF({ ...f, userStatus: e.target.value })}><option value="enable">enable</option><option value="disable">disable</option></Select></Field>
        <div className="flex items-end"><Button type="submit" variant="primary" disabled={m.isPending}>Create user</Button></div>
      </form>
      <WriteError error={m.error} />
    </Card>
  );
}

function EditUser({ user, onDone }: { user: AclUserView; onDone(): void }) {
  const [f, setF] = useState({ password: '', userType: user.userType, userStatus: user.userStatus });
  const m = useApiMutation<typeof f, unknown>((body) => ({ method: 'PUT', path: `/api/acl/users/${seg(user.username)}`, body: { ...body, password: body.password || undefined } }));
  return (
    <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); m.mutate(f, { onSuccess: onDone }); }}>
      <Field label="New password" hint="left empty: unchanged"><Input type="password" autoComplete="new-password" value={f.password} onChange={(e) => setF({ ...f, password: e.target.value })} /></Field>
      <Field label="Type"><Select value={f.userType} onChange={(e) => setF({ ...f, userType: e.target.value })}><option>Normal</option><option>Super</option></Select></Field>
      <Field label="Status"><Select value={f.userStatus} onChange={(e) => setF({ ...f, userStatus: e.target.value })}><option value="enable">enable</option><option value="disable">disable</option></Select></Field>
      <WriteError error={m.error} />
      <Button type="submit" variant="primary" disabled={m.isPending}>Save</Button>
    </form>
  );
}

function CreatePolicy({ users }: { users: string[] }) {
  const [f, setF] = useState({ subject: '', resource: '', actions: ['Pub'] as string[], sourceIps: '', decision: 'Allow' });
  const m = useApiMutation<typeof f, unknown>((v) => ({
    method: 'POST', path: '/api/acl/policies',
    body: { subject: v.subject, entries: [{ resource: v.resource, actions: v.actions, sourceIps: v.sourceIps.split(/[,\s]+/).filter(Boolean), decision: v.decision }] },
  }));
  const toggle = (a: string) => setF({ ...f, actions: f.actions.includes(a) ? f.actions.filter((x) => x !== a) : [...f.actions, a] });
  return (
    <Card title="Add a policy entry">
      <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); m.mutate(f, { onSuccess: () => setF({ ...f, resource: '' }) }); }}>
        <div className="grid gap-3 sm:grid-cols-4">
          <Field label="User"><Input name="subject" list="acl-user-names" value={f.subject} onChange={(e) => setF({ ...f, subject: e.target.value })} required /></Field>
          <datalist id="acl-user-names">{users.map((u) => <option key={u} value={u} />)}</datalist>
          <Field label="Resource" hint="Topic:orders, Topic:order-*, Group:*, Cluster:name, *"><Input name="resource" value={f.resource} onChange={(e) => setF({ ...f, resource: e.target.value })} required /></Field>
          <Field label="Source IPs" hint="addresses or CIDR, empty: any"><Input name="sourceIps" value={f.sourceIps} onChange={(e) => setF({ ...f, sourceIps: e.target.value })} /></Field>
          <Field label="Decision"><Select name="decision" value={f.decision} onChange={(e) => setF({ ...f, decision: e.target.value })}><option>Allow</option><option>Deny</option></Select></Field>
        </div>
        <fieldset className="flex flex-wrap gap-3 text-sm" aria-label="Actions">
          {ACTIONS.map((a) => (
            <label key={a} className="flex items-center gap-1"><input type="checkbox" checked={f.actions.includes(a)} onChange={() => toggle(a)} aria-label={`Action ${a}`} />{a}</label>
          ))}
        </fieldset>
        <WriteError error={m.error} />
        <Button type="submit" variant="primary" disabled={m.isPending}>Add policy</Button>
      </form>
    </Card>
  );
}

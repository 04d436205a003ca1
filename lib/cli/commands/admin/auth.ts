// admin createUser, updateUser, deleteUser, getUser, listUser, createAcl, updateAcl, deleteAcl, getAcl, listAcl:
// 5.x mqadmin's user and ACL commands (AUTH_* 3001-3010), on brokers (-b) or every master and slave of a cluster
// (-c), as mqadmin sends them; a read asks the first of them. Passwords are never printed.

import type { CommandContext, CommandSpec, OptionValues } from '../../framework.ts';
import type { AdminClient } from '../../../admin/client.ts';
import { describeError } from '../../../admin/errors.ts';
import { EXIT_FAILURE, EXIT_OK, stringOpt, UsageError } from '../../framework.ts';
import type { AclInfo, UserInfo } from '../../../auth/model.ts';
import type { PolicyEntryInput } from '../../../admin/auth.ts';
import { NAMESRV_OPTION, brokerOrCluster, opt, printTable, requireOpt, withAdmin } from './common.ts';


const BROKER = {
  brokerAddr: opt('b', 'broker address (users and policies live per broker)', 'HOST:PORT'),
  clusterName: opt('c', 'every master and slave of this cluster', 'CLUSTER'),
};

/** The addresses -b / -c name (a cluster: masters and slaves, as mqadmin's fetchMasterAndSlaveAddrByClusterName). */
async function targets(admin: AdminClient, values: OptionValues): Promise<string[]> {
  const sel = brokerOrCluster(values);
  if (sel.brokerAddrs) return sel.brokerAddrs;
  const found = await admin.resolveTargets({ clusterName: sel.clusterName, withSlaves: true });
  if (found.length === 0) throw new UsageError(`cluster ${sel.clusterName} has no brokers`);
  return found.map((t) => t.brokerAddr);
}

/** Runs a write on every target; prints mqadmin's "<verb> to ADDR success." per broker; exit 1 if one failed. */
async function writeAll(ctx: CommandContext, admin: AdminClient, verb: string, fn: (addr: string) => Promise<void>): Promise<number> {
  let failed = 0;
  const done: string[] = [];
  for (const addr of await targets(admin, ctx.values)) {
    try {
      await fn(addr);
      done.push(addr);
      if (!ctx.json) ctx.out(`${verb} to ${addr} success.`);
    } catch (err) {
      failed++;
      ctx.err(`error: ${addr}: ${describeError(err)}`);
    }
  }
  if (ctx.json) ctx.out(JSON.stringify({ ok: failed === 0, done }));
  return failed ? EXIT_FAILURE : EXIT_OK;
}
const list = (v: string | undefined): string[] | undefined => v?.split(',').map((s) => s.trim()).filter(Boolean);

const userRows = (users: UserInfo[]) => users.map((u) => [u.username, u.userType, u.userStatus]);
const safeUser = (u: UserInfo): UserInfo => ({ username: u.username, userType: u.userType, userStatus: u.userStatus });
const aclRows = (acls: AclInfo[]) =>
  acls.flatMap((a) => (a.policies ?? []).flatMap((p) => (p.entries ?? []).map((e) => [a.subject, p.policyType, e.resource, (e.actions ?? []).join(','), (e.sourceIps ?? []).join(','), e.decision])));
const ACL_HEAD = ['#Subject', '#PolicyType', '#Resource', '#Actions', '#SourceIp', '#Decision'];

function userType(values: OptionValues): 'Super' | 'Normal' | undefined {
  const t = stringOpt(values, 'userType');
  if (t === undefined) return undefined;
  if (t.toLowerCase() === 'super') return 'Super';
  if (t.toLowerCase() === 'normal') return 'Normal';
  throw new UsageError(`--userType must be Super or Normal, got ${t}`);
}

function entries(values: OptionValues): PolicyEntryInput[] {
  const resources = list(requireOpt(values, 'resources'))!;
  const actions = list(requireOpt(values, 'actions'))!;
  const d = requireOpt(values, 'decision').toLowerCase();
  if (d !== 'allow' && d !== 'deny') throw new UsageError(`--decision must be Allow or Deny, got ${d}`);
  const sourceIps = list(stringOpt(values, 'sourceIp'));
  return resources.map((resource) => ({ resource, actions, sourceIps, decision: d === 'allow' ? 'Allow' : 'Deny' }));
}

const userWrite = (name: 'createUser' | 'updateUser'): CommandSpec => ({
  name,
  summary: name === 'createUser' ? 'Create a user on a broker (ACL 2.0)' : "Change a user's password, type or status",
  usage: `admin ${name} (-b HOST:PORT | -c CLUSTER) -u NAME ${name === 'createUser' ? '-p PASSWORD' : '[-p PASSWORD] [-s enable|disable]'} [-t Super|Normal]`,
  options: {
    ...NAMESRV_OPTION, ...BROKER, username: opt('u', 'user name', 'NAME'), password: opt('p', 'password (secret key)', 'PASSWORD'),
    userType: opt('t', 'Super or Normal', 'TYPE'), ...(name === 'updateUser' ? { userStatus: opt('s', 'enable or disable', 'STATUS') } : {}),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const u = {
        username: requireOpt(ctx.values, 'username'),
        password: name === 'createUser' ? requireOpt(ctx.values, 'password') : stringOpt(ctx.values, 'password'),
        userType: userType(ctx.values),
        userStatus: stringOpt(ctx.values, 'userStatus') as 'enable' | 'disable' | undefined,
      };
      return writeAll(ctx, admin, `${name === 'createUser' ? 'create' : 'update'} user`, (addr) =>
        name === 'createUser' ? admin.createUser(addr, u) : admin.updateUser(addr, u));
    }),
});

const aclWrite = (name: 'createAcl' | 'updateAcl'): CommandSpec => ({
  name,
  summary: name === 'createAcl' ? "Add policy entries to a subject's ACL (ACL 2.0)" : "Replace a subject's entries for the given resources",
  usage: `admin ${name} (-b HOST:PORT | -c CLUSTER) -s User:NAME -r Topic:T,Group:G -a Pub,Sub -d Allow|Deny [-i 10.0.0.0/8]`,
  options: {
    ...NAMESRV_OPTION, ...BROKER, subject: opt('s', 'subject, e.g. User:alice', 'SUBJECT'),
    resources: opt('r', "resources, ','-separated: Topic:name, Topic:prefix*, Group:*, Cluster:name, *", 'RESOURCES'),
    actions: opt('a', "actions, ','-separated: Pub, Sub, Create, Update, Delete, Get, List, All", 'ACTIONS'),
    decision: opt('d', 'Allow or Deny', 'DECISION'), sourceIp: opt('i', "source IPs or CIDR blocks, ','-separated", 'IPS'),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const subject = requireOpt(ctx.values, 'subject');
      const list = entries(ctx.values);
      return writeAll(ctx, admin, `${name === 'createAcl' ? 'create' : 'update'} acl`, (addr) => admin.putAcl(addr, subject, list, name === 'updateAcl'));
    }),
});

export const authCommands: CommandSpec[] = [
  userWrite('createUser'),
  userWrite('updateUser'),
  {
    name: 'deleteUser',
    summary: 'Delete a user and its policies',
    usage: 'admin deleteUser (-b HOST:PORT | -c CLUSTER) -u NAME',
    options: { ...NAMESRV_OPTION, ...BROKER, username: opt('u', 'user name', 'NAME') },
    run: (ctx) =>
      withAdmin(ctx, async (admin) => {
        const username = requireOpt(ctx.values, 'username');
        return writeAll(ctx, admin, 'delete user', (addr) => admin.deleteUser(addr, username));
      }),
  },
  {
    name: 'getUser',
    summary: "Print a user's type and status",
    usage: 'admin getUser (-b HOST:PORT | -c CLUSTER) -u NAME [--json]',
    options: { ...NAMESRV_OPTION, ...BROKER, username: opt('u', 'user name', 'NAME') },
    run: (ctx) =>
      withAdmin(ctx, async (admin) => {
        const u = await admin.getUser((await targets(admin, ctx.values))[0]!, requireOpt(ctx.values, 'username'));
        if (ctx.json) ctx.out(JSON.stringify(u ? safeUser(u) : null));
        else printTable(ctx, ['#UserName', '#UserType', '#UserStatus'], u ? userRows([u]) : []);
        return EXIT_OK;
      }),
  },
  {
    name: 'listUser',
    summary: 'List the users of a broker',
    usage: 'admin listUser (-b HOST:PORT | -c CLUSTER) [-f FILTER] [--json]',
    options: { ...NAMESRV_OPTION, ...BROKER, filter: opt('f', 'names containing this', 'FILTER') },
    run: (ctx) =>
      withAdmin(ctx, async (admin) => {
        const users = await admin.listUsers((await targets(admin, ctx.values))[0]!, stringOpt(ctx.values, 'filter'));
        if (ctx.json) ctx.out(JSON.stringify(users.map(safeUser)));
        else printTable(ctx, ['#UserName', '#UserType', '#UserStatus'], userRows(users));
        return EXIT_OK;
      }),
  },
  aclWrite('createAcl'),
  aclWrite('updateAcl'),
  {
    name: 'deleteAcl',
    summary: "Delete a subject's entries for a resource (or its whole ACL)",
    usage: 'admin deleteAcl (-b HOST:PORT | -c CLUSTER) -s User:NAME [-r RESOURCE]',
    options: { ...NAMESRV_OPTION, ...BROKER, subject: opt('s', 'subject, e.g. User:alice', 'SUBJECT'), resources: opt('r', 'resource, e.g. Topic:orders', 'RESOURCE') },
    run: (ctx) =>
      withAdmin(ctx, async (admin) => {
        const subject = requireOpt(ctx.values, 'subject');
        const resource = stringOpt(ctx.values, 'resources');
        return writeAll(ctx, admin, 'delete acl', (addr) => admin.deleteAcl(addr, subject, resource));
      }),
  },
  {
    name: 'getAcl',
    summary: "Print a subject's policy entries",
    usage: 'admin getAcl (-b HOST:PORT | -c CLUSTER) -s User:NAME [--json]',
    options: { ...NAMESRV_OPTION, ...BROKER, subject: opt('s', 'subject, e.g. User:alice', 'SUBJECT') },
    run: (ctx) =>
      withAdmin(ctx, async (admin) => {
        const acl = await admin.getAcl((await targets(admin, ctx.values))[0]!, requireOpt(ctx.values, 'subject'));
        if (ctx.json) ctx.out(JSON.stringify(acl ?? null));
        else printTable(ctx, ACL_HEAD, acl ? aclRows([acl]) : []);
        return EXIT_OK;
      }),
  },
  {
    name: 'listAcl',
    summary: 'List the policy entries of a broker',
    usage: 'admin listAcl (-b HOST:PORT | -c CLUSTER) [-s SUBJECT-FILTER] [-r RESOURCE-FILTER] [--json]',
    options: { ...NAMESRV_OPTION, ...BROKER, subject: opt('s', 'subjects containing this', 'FILTER'), resource: opt('r', 'resources containing this', 'FILTER') },
    run: (ctx) =>
      withAdmin(ctx, async (admin) => {
        const acls = await admin.listAcls((await targets(admin, ctx.values))[0]!, stringOpt(ctx.values, 'subject'), stringOpt(ctx.values, 'resource'));
        if (ctx.json) ctx.out(JSON.stringify(acls));
        else printTable(ctx, ACL_HEAD, aclRows(acls));
        return EXIT_OK;
      }),
  },
];

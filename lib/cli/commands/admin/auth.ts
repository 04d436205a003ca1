// admin createUser, updateUser, deleteUser, getUser, listUser, createAcl, updateAcl, deleteAcl, getAcl, listAcl:
// 5.x mqadmin's user and ACL commands (AUTH_* 3001-3010), on one broker (-b). Passwords are never printed.

import type { CommandSpec, OptionValues } from '../../framework.ts';
import { EXIT_OK, stringOpt, UsageError } from '../../framework.ts';
import type { AclInfo, UserInfo } from '../../../auth/model.ts';
import type { PolicyEntryInput } from '../../../admin/auth.ts';
import { NAMESRV_OPTION, opt, printTable, requireOpt, withAdmin } from './common.ts';


const BROKER = { brokerAddr: opt('b', 'broker address (users and policies live per broker)', 'HOST:PORT') };
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
  usage: `admin ${name} -b HOST:PORT -u NAME ${name === 'createUser' ? '-p PASSWORD' : '[-p PASSWORD] [-s enable|disable]'} [-t Super|Normal]`,
  options: {
    ...NAMESRV_OPTION, ...BROKER, username: opt('u', 'user name', 'NAME'), password: opt('p', 'password (secret key)', 'PASSWORD'),
    userType: opt('t', 'Super or Normal', 'TYPE'), ...(name === 'updateUser' ? { userStatus: opt('s', 'enable or disable', 'STATUS') } : {}),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const addr = requireOpt(ctx.values, 'brokerAddr');
      const u = {
        username: requireOpt(ctx.values, 'username'),
        password: name === 'createUser' ? requireOpt(ctx.values, 'password') : stringOpt(ctx.values, 'password'),
        userType: userType(ctx.values),
        userStatus: stringOpt(ctx.values, 'userStatus') as 'enable' | 'disable' | undefined,
      };
      await (name === 'createUser' ? admin.createUser(addr, u) : admin.updateUser(addr, u));
      ctx.out(ctx.json ? JSON.stringify({ ok: true, brokerAddr: addr, username: u.username }) : `${name === 'createUser' ? 'create' : 'update'} user to ${addr} success.`);
      return EXIT_OK;
    }),
});

const aclWrite = (name: 'createAcl' | 'updateAcl'): CommandSpec => ({
  name,
  summary: name === 'createAcl' ? "Add policy entries to a subject's ACL (ACL 2.0)" : "Replace a subject's entries for the given resources",
  usage: `admin ${name} -b HOST:PORT -s User:NAME -r Topic:T,Group:G -a Pub,Sub -d Allow|Deny [-i 10.0.0.0/8]`,
  options: {
    ...NAMESRV_OPTION, ...BROKER, subject: opt('s', 'subject, e.g. User:alice', 'SUBJECT'),
    resources: opt('r', "resources, ','-separated: Topic:name, Topic:prefix*, Group:*, Cluster:name, *", 'RESOURCES'),
    actions: opt('a', "actions, ','-separated: Pub, Sub, Create, Update, Delete, Get, List, All", 'ACTIONS'),
    decision: opt('d', 'Allow or Deny', 'DECISION'), sourceIp: opt('i', "source IPs or CIDR blocks, ','-separated", 'IPS'),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const addr = requireOpt(ctx.values, 'brokerAddr');
      const subject = requireOpt(ctx.values, 'subject');
      await admin.putAcl(addr, subject, entries(ctx.values), name === 'updateAcl');
      ctx.out(ctx.json ? JSON.stringify({ ok: true, brokerAddr: addr, subject }) : `${name === 'createAcl' ? 'create' : 'update'} acl to ${addr} success.`);
      return EXIT_OK;
    }),
});

export const authCommands: CommandSpec[] = [
  userWrite('createUser'),
  userWrite('updateUser'),
  {
    name: 'deleteUser',
    summary: 'Delete a user and its policies',
    usage: 'admin deleteUser -b HOST:PORT -u NAME',
    options: { ...NAMESRV_OPTION, ...BROKER, username: opt('u', 'user name', 'NAME') },
    run: (ctx) =>
      withAdmin(ctx, async (admin) => {
        const addr = requireOpt(ctx.values, 'brokerAddr');
        await admin.deleteUser(addr, requireOpt(ctx.values, 'username'));
        ctx.out(ctx.json ? JSON.stringify({ ok: true }) : `delete user to ${addr} success.`);
        return EXIT_OK;
      }),
  },
  {
    name: 'getUser',
    summary: "Print a user's type and status",
    usage: 'admin getUser -b HOST:PORT -u NAME [--json]',
    options: { ...NAMESRV_OPTION, ...BROKER, username: opt('u', 'user name', 'NAME') },
    run: (ctx) =>
      withAdmin(ctx, async (admin) => {
        const u = await admin.getUser(requireOpt(ctx.values, 'brokerAddr'), requireOpt(ctx.values, 'username'));
        if (ctx.json) ctx.out(JSON.stringify(u ? safeUser(u) : null));
        else printTable(ctx, ['#UserName', '#UserType', '#UserStatus'], u ? userRows([u]) : []);
        return EXIT_OK;
      }),
  },
  {
    name: 'listUser',
    summary: 'List the users of a broker',
    usage: 'admin listUser -b HOST:PORT [-f FILTER] [--json]',
    options: { ...NAMESRV_OPTION, ...BROKER, filter: opt('f', 'names containing this', 'FILTER') },
    run: (ctx) =>
      withAdmin(ctx, async (admin) => {
        const users = await admin.listUsers(requireOpt(ctx.values, 'brokerAddr'), stringOpt(ctx.values, 'filter'));
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
    usage: 'admin deleteAcl -b HOST:PORT -s User:NAME [-r RESOURCE]',
    options: { ...NAMESRV_OPTION, ...BROKER, subject: opt('s', 'subject, e.g. User:alice', 'SUBJECT'), resources: opt('r', 'resource, e.g. Topic:orders', 'RESOURCE') },
    run: (ctx) =>
      withAdmin(ctx, async (admin) => {
        const addr = requireOpt(ctx.values, 'brokerAddr');
        await admin.deleteAcl(addr, requireOpt(ctx.values, 'subject'), stringOpt(ctx.values, 'resources'));
        ctx.out(ctx.json ? JSON.stringify({ ok: true }) : `delete acl to ${addr} success.`);
        return EXIT_OK;
      }),
  },
  {
    name: 'getAcl',
    summary: "Print a subject's policy entries",
    usage: 'admin getAcl -b HOST:PORT -s User:NAME [--json]',
    options: { ...NAMESRV_OPTION, ...BROKER, subject: opt('s', 'subject, e.g. User:alice', 'SUBJECT') },
    run: (ctx) =>
      withAdmin(ctx, async (admin) => {
        const acl = await admin.getAcl(requireOpt(ctx.values, 'brokerAddr'), requireOpt(ctx.values, 'subject'));
        if (ctx.json) ctx.out(JSON.stringify(acl ?? null));
        else printTable(ctx, ACL_HEAD, acl ? aclRows([acl]) : []);
        return EXIT_OK;
      }),
  },
  {
    name: 'listAcl',
    summary: 'List the policy entries of a broker',
    usage: 'admin listAcl -b HOST:PORT [-s SUBJECT-FILTER] [-r RESOURCE-FILTER] [--json]',
    options: { ...NAMESRV_OPTION, ...BROKER, subject: opt('s', 'subjects containing this', 'FILTER'), resource: opt('r', 'resources containing this', 'FILTER') },
    run: (ctx) =>
      withAdmin(ctx, async (admin) => {
        const acls = await admin.listAcls(requireOpt(ctx.values, 'brokerAddr'), stringOpt(ctx.values, 'subject'), stringOpt(ctx.values, 'resource'));
        if (ctx.json) ctx.out(JSON.stringify(acls));
        else printTable(ctx, ACL_HEAD, aclRows(acls));
        return EXIT_OK;
      }),
  },
];

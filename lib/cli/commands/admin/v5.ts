// admin brokerV5Status, controllerStatus, proxyList, proxyClients, getConsumeMode: what a 5.x cluster adds (versions,
// timer messages, replication, request modes, controllers, proxies); a 4.x broker's part reads "not available".

import type { CommandSpec } from '../../framework.ts';
import type { Section } from '../../../admin/index.ts';
import { NAMESRV_OPTION, finish, opt, printTable, requireOpt, withAdmin } from './common.ts';

const cell = <T>(s: Section<T>, f: (v: T) => string): string => (s.state === 'ok' ? f(s.value) : s.state === 'unsupported' ? s.reason : `error: ${s.error}`);
const list = (v: unknown): string[] => (typeof v === 'string' ? v.split(/[;,]/).map((x) => x.trim()).filter(Boolean) : []);

export const brokerV5StatusCommand: CommandSpec = {
  name: 'brokerV5Status',
  summary: "Each master's version, timer messages (pending, delivery lag, put/dequeue rates), HA in-sync slaves and POP request modes",
  usage: 'admin brokerV5Status [-n ADDR] [--json]',
  options: { ...NAMESRV_OPTION },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const r = await admin.brokerV5Status();
      return finish(ctx, r, () => {
        printTable(ctx, ['#Broker Name', '#Addr', '#Version', '#Timer', '#HA', '#Request Modes'], r.brokers.map((b) => [
          b.brokerName, b.brokerAddr, b.version ?? '?',
          cell(b.timer, (t) => `pending ${t.pending} lag ${t.readBehindMs ?? '?'}ms in ${t.enqueueTps ?? '?'}/s out ${t.dequeueTps ?? '?'}/s`),
          cell(b.ha, (h) => (h.master ? `${h.inSyncSlaveNums} in-sync slave(s)` : 'slave')),
          cell(b.requestModes, (m) => (m.length ? m.map((x) => `${x.group}@${x.topic}=${x.mode}`).join(' ') : 'none')),
        ]));
      }, 'read', r.brokers.length === 0);
    }),
};

export const controllerStatusCommand: CommandSpec = {
  name: 'controllerStatus',
  summary: "Controllers (CONTROLLER_GET_METADATA_INFO) and each broker group's master, epoch and in-sync set (CONTROLLER_GET_SYNC_STATE_DATA)",
  usage: 'admin controllerStatus [-n ADDR] [-a CONTROLLER;CONTROLLER] [--json]',
  options: { ...NAMESRV_OPTION, controllerAddr: opt('a', 'controller addresses (default: from the brokers in controller mode)', 'ADDR') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const r = await admin.controllerStatus(list(ctx.values.controllerAddr));
      return finish(ctx, r, () => {
        if (!r.controllerAddrs.length) {
          ctx.out('no controller: no broker runs with enableControllerMode=true (give -a to ask one)');
          return;
        }
        for (const c of r.controllers) ctx.out(`controller ${c.addr}: ${cell(c.meta, (m) => `${m.isLeader ? 'leader' : `leader is ${m.controllerLeaderAddress}`} (group ${m.group}, peers ${m.peers})`)}`);
        if (r.groupsError) ctx.err(`error: ${r.groupsError}`);
        printTable(ctx, ['#Broker Name', '#Master', '#MasterEpoch', '#SyncStateSetEpoch', '#InSync', '#NotInSync', '#Flag'], r.groups.map((g) => [
          g.brokerName, `${g.masterAddress} (id ${g.masterBrokerId})`, g.masterEpoch, g.syncStateSetEpoch,
          g.inSync.map((x) => `${x.brokerAddress}(${x.brokerId})`).join(' '), g.notInSync.map((x) => `${x.brokerAddress}(${x.brokerId})`).join(' '),
          g.shrunkToMaster ? 'IN-SYNC SET = MASTER ONLY' : '',
        ]));
      }, 'read', r.controllers.length > 0 && r.controllers.every((c) => c.meta.state !== 'ok'));
    }),
};

export const proxyListCommand: CommandSpec = {
  name: 'proxyList',
  summary: 'Proxies (members of the heartbeat syncer group, and -p addresses) with mode, version and clients behind each',
  usage: 'admin proxyList [-n ADDR] [-p PROXY_REMOTING_ADDR;...] [--json]',
  options: { ...NAMESRV_OPTION, proxyAddr: opt('p', 'proxy remoting addresses to ask too', 'ADDR') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const r = await admin.proxyList({ proxyAddrs: list(ctx.values.proxyAddr) });
      return finish(ctx, r, () => {
        printTable(ctx, ['#Addr', '#Mode', '#Version', '#ClientId', '#Clients', '#Groups', '#Error'], r.proxies.map((p) => [
          p.addr, p.mode, p.version ?? '', p.clientId ?? '', p.clients ?? '', p.groups ?? '', p.error ?? '',
        ]));
      }, 'read', r.proxies.length === 0);
    }),
};

export const proxyClientsCommand: CommandSpec = {
  name: 'proxyClients',
  summary: "The clients connected to one proxy (its remoting port), per consumer group, with the language and version it reports",
  usage: 'admin proxyClients [-n ADDR] -p PROXY_REMOTING_ADDR [-g GROUP] [--json]',
  options: { ...NAMESRV_OPTION, proxyAddr: opt('p', 'proxy remoting address', 'HOST:PORT'), groupName: opt('g', 'only this group', 'GROUP') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const addr = requireOpt(ctx.values, 'proxyAddr');
      const group = ctx.values.groupName as string | undefined;
      const r = await admin.proxyClients(addr, group ? [group] : undefined);
      return finish(ctx, { ...r, errors: r.errors.map((e) => ({ brokerName: addr, brokerAddr: addr, error: `${e.group}: ${e.error}` })) }, () => {
        printTable(ctx, ['#Group', '#ClientId', '#ClientAddr', '#Language', '#Version', '#ConsumeType'],
          r.clients.map((c) => [c.group, c.clientId, c.clientAddr, c.language, c.version, c.consumeType ?? '']));
      }, 'read', r.clients.length === 0);
    }),
};

export const getConsumeModeCommand: CommandSpec = {
  name: 'getConsumeMode',
  summary: "A group's 5.x message request modes per broker (GET_ALL_MESSAGE_REQUEST_MODE)",
  usage: 'admin getConsumeMode [-n ADDR] -g GROUP [--json]',
  options: { ...NAMESRV_OPTION, groupName: opt('g', 'consumer group', 'GROUP') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const group = requireOpt(ctx.values, 'groupName');
      const s = await admin.groupRequestModes(group);
      return finish(ctx, s, () => {
        if (s.state !== 'ok') ctx.out(s.state === 'unsupported' ? s.reason : `error: ${s.error}`);
        else if (s.value.length === 0) ctx.out(`no request mode set for ${group}: PULL on every broker`);
        else printTable(ctx, ['#Broker Name', '#Topic', '#Mode', '#PopShareQueueNum'], s.value.map((m) => [m.brokerName, m.topic, m.mode, m.popShareQueueNum]));
      }, 'read', s.state === 'error');
    }),
};

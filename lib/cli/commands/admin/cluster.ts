// admin clusterList, brokerStatus, getBrokerConfig, updateBrokerConfig.

import type { CommandSpec } from '../../framework.ts';
import { UsageError } from '../../framework.ts';
import { formatTime } from '../../../admin/index.ts';
import { NAMESRV_OPTION, boolArg, brokerOrCluster, finish, opt, printTable, requireOpt, withAdmin } from './common.ts';

const fixed = (n: number | undefined, digits = 2): string => (n === undefined ? '' : n.toFixed(digits));

export const clusterListCommand: CommandSpec = {
  name: 'clusterList',
  summary: 'List clusters and brokers: role, address, version, TPS, and which nameservers list each broker',
  usage: 'admin clusterList [-n ADDR] [-c CLUSTER] [--json]',
  options: { ...NAMESRV_OPTION, clusterName: opt('c', 'only this cluster', 'CLUSTER') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const r = await admin.clusterList({ clusterName: ctx.values.clusterName as string | undefined });
      return finish(ctx, r, () => {
        printTable(ctx, ['#Cluster Name', '#Broker Name', '#BID', '#Role', '#Addr', '#Version', '#InTPS', '#OutTPS', '#Boot Time', '#Nameservers'],
          r.brokers.map((b) => [b.clusterName, b.brokerName, b.brokerId, b.brokerRole ?? b.role, b.brokerAddr, b.version, fixed(b.inTps), fixed(b.outTps),
            formatTime(b.bootTimestamp ?? 0), `${b.namesrvs.length}/${r.namesrvs.filter((n) => n.ok).length}`]));
      }, 'read', r.brokers.length === 0);
    }),
};

export const brokerStatusCommand: CommandSpec = {
  name: 'brokerStatus',
  summary: "Print a broker's runtime figures (a cluster: every master and slave)",
  usage: 'admin brokerStatus [-n ADDR] (-b HOST:PORT | -c CLUSTER) [--json]',
  options: { ...NAMESRV_OPTION, brokerAddr: opt('b', 'broker address', 'HOST:PORT'), clusterName: opt('c', 'every broker of this cluster', 'CLUSTER') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const sel = brokerOrCluster(ctx.values);
      const r = await admin.brokerStatus(sel);
      return finish(ctx, r, () => {
        const many = r.brokers.length > 1 || sel.clusterName !== undefined;
        for (const b of r.brokers) {
          for (const [k, v] of Object.entries(b.table)) ctx.out(many ? `${b.brokerAddr.padEnd(22)} ${k.padEnd(40)}: ${v}` : `${k.padEnd(40)}: ${v}`);
        }
      }, 'read', r.brokers.length === 0);
    }),
};

export const getBrokerConfigCommand: CommandSpec = {
  name: 'getBrokerConfig',
  summary: "Print a broker's configuration (a cluster: every master and slave)",
  usage: 'admin getBrokerConfig [-n ADDR] (-b HOST:PORT | -c CLUSTER) [--json]',
  options: { ...NAMESRV_OPTION, brokerAddr: opt('b', 'broker address', 'HOST:PORT'), clusterName: opt('c', 'every broker of this cluster', 'CLUSTER') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const r = await admin.brokerConfig(brokerOrCluster(ctx.values));
      return finish(ctx, r, () => {
        for (const b of r.brokers) {
          ctx.out(`============${b.brokerName ? `${b.brokerName} ` : ''}${b.brokerId === 0 ? 'Master' : b.brokerId > 0 ? 'Slave' : 'Broker'}: ${b.brokerAddr}============`);
          for (const [k, v] of Object.entries(b.table)) ctx.out(`${k.padEnd(50)}=  ${v}`);
          ctx.out('');
        }
      }, 'read', r.brokers.length === 0);
    }),
};

export const updateBrokerConfigCommand: CommandSpec = {
  name: 'updateBrokerConfig',
  summary: 'Set one broker configuration key on a broker or on a cluster (masters, or all with -a true)',
  usage: 'admin updateBrokerConfig [-n ADDR] (-b HOST:PORT | -c CLUSTER) -k KEY -v VALUE [-a true]',
  options: {
    ...NAMESRV_OPTION,
    brokerAddr: opt('b', 'broker address', 'HOST:PORT'),
    clusterName: opt('c', 'every master of this cluster', 'CLUSTER'),
    updateAllBroker: opt('a', 'with -c: slaves too (true|false)', 'BOOL'),
    key: opt('k', 'config key', 'KEY'),
    value: opt('v', 'config value', 'VALUE'),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const key = requireOpt(ctx.values, 'key');
      const value = ctx.values.value;
      if (typeof value !== 'string') throw new UsageError('missing required option --value');
      const sel = { ...brokerOrCluster(ctx.values), withSlaves: boolArg(ctx.values, 'updateAllBroker') ?? false };
      const r = await admin.updateBrokerConfig(sel, { [key]: value.trim() });
      return finish(ctx, r, () => {
        for (const t of r.done) ctx.out(`update broker config success, ${t.brokerAddr}${t.brokerName ? ` (${t.brokerName})` : ''}`);
      }, 'write');
    }),
};

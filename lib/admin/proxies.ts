// 5.x proxies as 5.x tools find them: every cluster-mode proxy runs a broadcast consumer of the heartbeat syncer
// topic (group CID_DefaultHeartBeatSyncerTopic), so that group's connections on the brokers are the proxies; and a
// proxy's own remoting port answers GET_CONSUMER_CONNECTION_LIST with the clients connected to it (gRPC and remoting),
// which the brokers never see in cluster mode.

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { mqVersionName } from '../protocol/constants.ts';
import { decodeConsumerConnection, decodeSubscriptionGroupWrapper, type Connection } from '../protocol/bodies/index.ts';
import { mapBounded } from './fanout.ts';
import { describeError, type BrokerFailure } from './errors.ts';
import type { AdminCore } from './core.ts';
import { cmp, readTargets } from './route.ts';
import { HEARTBEAT_SYNCER_GROUP, systemGroupKind } from './system-kinds.ts';

/** ProxyConfig.remotingListenPort's default: where a discovered proxy's remoting port is looked for when none is given. */
export const DEFAULT_PROXY_REMOTING_PORT = 8080;

export interface ProxyEntry {
  /** The proxy's remoting address (host:port) when known (given, or the host with the default port), else its host. */
  addr: string;
  host: string;
  /** `cluster`: a member of the heartbeat syncer group (cluster mode); `unknown`: given, not seen among them. */
  mode: 'cluster' | 'unknown';
  /** Client id of its broadcast consumer (`ip@instance`), when discovered. */
  clientId?: string;
  /** MQVersion name from its heartbeat, or from its remoting answers. */
  version?: string;
  language?: string;
  /** Its remoting port answered. */
  reachable: boolean;
  /** Distinct clients connected to it over the groups asked, and the groups they consume. */
  clients?: number;
  groups?: number;
  error?: string;
}

export interface ProxyClient {
  group: string;
  clientId: string;
  clientAddr: string;
  /** As the proxy reports it: gRPC clients show the language the proxy maps them to (HTTP for Node.js in 5.3.3). */
  language: string;
  version: string;
  consumeType?: string;
  messageModel?: string;
}

export interface ProxyClientsResult {
  proxyAddr: string;
  /** The proxy's own version, from the frames it answers with. */
  version?: string;
  clients: ProxyClient[];
  groupsAsked: number;
  errors: Array<{ group: string; error: string }>;
}

const hostOf = (addr: string): string => addr.slice(0, addr.lastIndexOf(':') > 0 ? addr.lastIndexOf(':') : addr.length);

/** Consumer groups the masters know (subscription configs), system groups left out. */
export async function userGroups(core: AdminCore): Promise<string[]> {
  const { targets } = await readTargets(core);
  const fan = await core.fanout(targets, async (t) => [...decodeSubscriptionGroupWrapper((await core.call(t.brokerAddr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG)).body).subscriptionGroupTable.keys()]);
  return [...new Set(fan.results.flatMap((r) => r.value))].filter((g) => !systemGroupKind(g)).sort(cmp);
}

/** The clients connected to one proxy (its remoting port), per consumer group. */
export async function proxyClients(core: AdminCore, proxyAddr: string, groups?: string[]): Promise<ProxyClientsResult> {
  const asked = groups ?? (await userGroups(core));
  const out: ProxyClientsResult = { proxyAddr, clients: [], groupsAsked: asked.length, errors: [] };
  const settled = await mapBounded(asked, async (group) => {
    const res = await core.call(proxyAddr, RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: group }, { okCodes: [ResponseCode.CONSUMER_NOT_ONLINE] });
    if (res.version && !out.version) out.version = mqVersionName(res.version);
    if (res.code !== ResponseCode.SUCCESS || !res.body?.length) return [];
    const c = decodeConsumerConnection(res.body);
    return c.connectionSet.map((x) => ({
      group, clientId: x.clientId, clientAddr: x.clientAddr, language: x.language, version: mqVersionName(x.version),
      ...(c.consumeType ? { consumeType: String(c.consumeType) } : {}), ...(c.messageModel ? { messageModel: String(c.messageModel) } : {}),
    }));
  }, { limit: 8 });
  settled.forEach((s, i) => {
    if (s.ok) out.clients.push(...s.value);
    else out.errors.push({ group: asked[i]!, error: describeError(s.error) });
  });
  out.clients.sort((a, b) => cmp(a.group, b.group) || cmp(a.clientId, b.clientId));
  return out;
}

/**
 * One entry per heartbeat-syncer member (by client id) and per given remoting address; a given address names the
 * discovered proxy on its host when exactly one runs there.
 */
export function mergeProxies(members: ReadonlyArray<ReadonlyArray<Connection>>, given: readonly string[]): ProxyEntry[] {
  const byClient = new Map<string, ProxyEntry>();
  for (const list of members) {
    for (const c of list) {
      if (byClient.has(c.clientId)) continue;
      const host = hostOf(c.clientAddr);
      byClient.set(c.clientId, { addr: host, host, mode: 'cluster', clientId: c.clientId, version: mqVersionName(c.version), language: c.language, reachable: false });
    }
  }
  const proxies = [...byClient.values()];
  for (const addr of given) {
    const host = hostOf(addr);
    const onHost = proxies.filter((p) => p.host === host && p.addr === p.host);
    if (onHost.length === 1) onHost[0]!.addr = addr;
    else if (!proxies.some((p) => p.addr === addr)) proxies.push({ addr, host, mode: 'unknown', reachable: false });
  }
  return proxies;
}

export interface ProxyListResult {
  proxies: ProxyEntry[];
  errors: BrokerFailure[];
}

/**
 * Proxies: the heartbeat syncer group's connections on every master (cluster mode), merged with `proxyAddrs` (remoting
 * addresses given by the operator); each one's remoting port is asked for its clients (`withClients`).
 */
export async function proxyList(core: AdminCore, opts: { proxyAddrs?: string[]; withClients?: boolean } = {}): Promise<ProxyListResult> {
  const { targets } = await readTargets(core);
  const fan = await core.fanout(targets, async (t) => {
    const res = await core.call(t.brokerAddr, RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: HEARTBEAT_SYNCER_GROUP }, { okCodes: [ResponseCode.CONSUMER_NOT_ONLINE] });
    return res.code === ResponseCode.SUCCESS && res.body?.length ? decodeConsumerConnection(res.body).connectionSet : [];
  });
  const proxies = mergeProxies(fan.results.map((r) => r.value), opts.proxyAddrs ?? []);
  if (opts.withClients !== false) {
    const groups = await userGroups(core).catch(() => [] as string[]);
    await Promise.all(proxies.map(async (p) => {
      const addr = p.addr.includes(':') ? p.addr : `${p.addr}:${DEFAULT_PROXY_REMOTING_PORT}`;
      try {
        const r = await proxyClients(core, addr, groups);
        p.addr = addr;
        // reachable: it answered about at least one group (with no group to ask about, nothing was asked)
        p.reachable = r.groupsAsked > r.errors.length;
        p.version ??= r.version;
        if (p.reachable) {
          p.clients = new Set(r.clients.map((c) => c.clientId)).size;
          p.groups = new Set(r.clients.map((c) => c.group)).size;
        } else {
          p.error = r.errors[0]?.error ?? 'no consumer group to ask it about';
        }
      } catch (err) {
        p.error = `${addr}: ${describeError(err)}`;
      }
    }));
  }
  proxies.sort((a, b) => cmp(a.addr, b.addr));
  return { proxies, errors: fan.errors };
}

// The console's 5.x sections: each master's version with its timer, replication and request-mode sections ("not
// available on this version" for a 4.x broker), the controller group, the proxies with the clients behind them, and
// how one consumer group consumes.

import {
  consumptionModeOf, type BrokerFailure, type BrokerV5Status, type ConsumerConnectionResult, type ConsumptionMode,
  type ControllerStatusResult, type GroupProgressResult, type ProxyClient, type ProxyClientsResult, type ProxyListResult,
  type RequestModeEntry, type Section,
} from '../admin/index.ts';
import type { RequestContext } from './context.ts';
import { bad } from './http.ts';
import { describe as describeError } from './errors.ts';

const HOST_PORT = /^[A-Za-z0-9.\-_:[\]]+:\d{1,5}$/;

/** host:port lists from an environment variable (`;` or `,` separated) and repeated query parameters. */
function addrList(url: URL | undefined, param: string, env: string | undefined): string[] {
  const out = new Set<string>();
  for (const raw of [...(env ?? '').split(/[;,]/), ...(url?.searchParams.getAll(param) ?? []).flatMap((v) => v.split(/[;,]/))]) {
    const a = raw.trim();
    if (!a) continue;
    if (!HOST_PORT.test(a)) throw bad(param, `'${a}' is not host:port`);
    out.add(a);
  }
  return [...out];
}

/** Proxies' remoting addresses: ROCKETDECK_PROXY_ADDRS and `?proxy=`. */
export const proxyAddrsOf = (url?: URL): string[] => addrList(url, 'proxy', process.env.ROCKETDECK_PROXY_ADDRS);
/** Controllers: ROCKETDECK_CONTROLLER_ADDRS and `?controller=` (brokers in controller mode also name theirs). */
export const controllerAddrsOf = (url?: URL): string[] => addrList(url, 'controller', process.env.ROCKETDECK_CONTROLLER_ADDRS);

export interface V5StatusResponse {
  brokers: Section<{ brokers: BrokerV5Status[]; errors: BrokerFailure[] }>;
  controller: Section<ControllerStatusResult>;
  proxies: Section<ProxyListResult>;
}

const asSection = <T>(p: Promise<T>): Promise<Section<T>> =>
  p.then((value) => ({ state: 'ok' as const, value }), (err: unknown) => ({ state: 'error' as const, error: describeError(err) }));

/** GET /api/v5: the three 5.x parts, each failing alone. */
export async function v5Status(ctx: RequestContext, url: URL): Promise<V5StatusResponse> {
  const proxyAddrs = proxyAddrsOf(url);
  const controllerAddrs = controllerAddrsOf(url);
  const [brokers, controller, proxies] = await Promise.all([
    asSection(ctx.admin.brokerV5Status()),
    asSection(ctx.admin.controllerStatus(controllerAddrs)),
    asSection(ctx.admin.proxyList({ proxyAddrs })),
  ]);
  return { brokers, controller, proxies };
}

/** GET /api/proxies/clients?addr=: the clients connected to one proxy. */
export async function proxyClientsView(ctx: RequestContext, url: URL): Promise<ProxyClientsResult> {
  const addr = url.searchParams.get('addr')?.trim() ?? '';
  if (!HOST_PORT.test(addr)) throw bad('addr', 'a proxy remoting address host:port is required');
  return ctx.admin.proxyClients(addr);
}

export interface GroupConsumption {
  mode: ConsumptionMode;
  reason: string;
  /** The group's GET_ALL_MESSAGE_REQUEST_MODE entries per broker ("not available on this version" on 4.x). */
  requestModes: Section<Array<RequestModeEntry & { brokerName: string }>>;
  /** Members connected through the proxies the console knows (ROCKETDECK_PROXY_ADDRS), with the proxy carrying each. */
  proxyMembers: Array<ProxyClient & { proxyAddr: string }>;
  proxyErrors: Array<{ proxyAddr: string; error: string }>;
}

/** How a group consumes: its members' consume type, its request modes, POP in flight and members behind proxies. */
export async function groupConsumption(
  ctx: RequestContext, group: string, connection: ConsumerConnectionResult | null, progress: GroupProgressResult,
): Promise<GroupConsumption> {
  const proxies = proxyAddrsOf();
  const [requestModes, behind] = await Promise.all([
    ctx.admin.groupRequestModes(group).catch((err: unknown): Section<never[]> => ({ state: 'error', error: describeError(err) })),
    Promise.all(proxies.map((proxyAddr) => ctx.admin.proxyClients(proxyAddr, [group]).then(
      (r) => ({ proxyAddr, clients: r.clients, error: r.errors[0]?.error }),
      (err: unknown) => ({ proxyAddr, clients: [] as ProxyClient[], error: describeError(err) }),
    ))),
  ]);
  const proxyMembers = behind.flatMap((b) => b.clients.map((c) => ({ ...c, proxyAddr: b.proxyAddr })));
  const proxyErrors = behind.filter((b) => b.error).map((b) => ({ proxyAddr: b.proxyAddr, error: b.error! }));
  const popInflight = progress.queues.reduce((n, q) => n + (q.popInflight ?? 0), 0);
  const { mode, reason } = consumptionModeOf({
    consumeType: connection?.consumeType ?? proxyMembers[0]?.consumeType,
    requestModes: requestModes.state === 'ok' ? requestModes.value : [],
    popInflight,
    viaProxy: proxyMembers.length > 0,
  });
  return { mode, reason, requestModes, proxyMembers, proxyErrors };
}

export interface ConsumeModePreview {
  preview: true;
  group: string;
  topic: string;
  /** Per master of the cluster: the mode set now (PULL when nothing is set: 5.x's default) and after the switch. */
  changes: Array<{ brokerName: string; from: string; fromShare: number; to: string; toShare: number; changed: boolean }>;
  /** The brokers' request modes could not be read (4.x: "not available on this version"). */
  unavailable?: string;
}

/** What a consume-mode switch would change on each master of `clusterName`, without writing. */
export async function consumeModePreview(
  ctx: RequestContext, group: string, input: { topic: string; mode: string; popShareQueueNum: number }, clusterName: string,
): Promise<ConsumeModePreview> {
  const [view, modes] = await Promise.all([ctx.admin.clusterInfo(), ctx.admin.groupRequestModes(group)]);
  const names = (view.clusters[clusterName] ?? []).slice().sort();
  const now = new Map((modes.state === 'ok' ? modes.value : []).filter((m) => m.topic === input.topic).map((m) => [m.brokerName, m]));
  const toShare = input.mode === 'POP' ? input.popShareQueueNum : 0;
  const changes = names.map((brokerName) => {
    const cur = now.get(brokerName);
    const from = cur?.mode ?? 'PULL';
    const fromShare = cur?.popShareQueueNum ?? 0;
    return { brokerName, from, fromShare, to: input.mode, toShare, changed: from !== input.mode || fromShare !== toShare };
  });
  const out: ConsumeModePreview = { preview: true, group, topic: input.topic, changes };
  if (modes.state === 'unsupported') out.unavailable = modes.reason;
  else if (modes.state === 'error') out.unavailable = modes.error;
  return out;
}

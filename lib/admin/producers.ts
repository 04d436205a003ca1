// Producers per topic: GET_TOPIC_PRODUCERS (a RocketDeck extension) from every master. RocketMQ's own protocol has no
// such request (a producer's heartbeat names only its group), so against Apache RocketMQ the answer is "not supported".

import { ResponseCode, RocketDeckRequestCode } from '../protocol/codes.ts';
import { MixAll, mqVersionName } from '../protocol/constants.ts';
import type { TopicProducerEntry } from '../protocol/bodies/topic-producers.ts';
import type { AdminCore } from './core.ts';
import { AdminError, hasCode, type BrokerFailure } from './errors.ts';
import { cmp, getClusterInfo, groupMembers } from './route.ts';

/** One producer connection sending to a topic, as one master saw it (the wire row plus where and a version name). */
export interface TopicProducerConnection extends TopicProducerEntry {
  brokerName: string;
  brokerAddr: string;
  /** Name of the MQVersion ordinal `version` (e.g. V4_9_8). */
  versionName: string;
}

export interface TopicProducersResult {
  /** False when no master could tell (every one answered REQUEST_CODE_NOT_SUPPORTED or failed): producers unknown. */
  supported: boolean;
  producers: TopicProducerConnection[];
  /** Masters that do not know GET_TOPIC_PRODUCERS (Apache RocketMQ). */
  unsupported: Array<{ brokerName: string; brokerAddr: string }>;
  errors: BrokerFailure[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function rowsOf(body: Buffer | undefined, brokerName: string, brokerAddr: string): TopicProducerConnection[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body?.toString('utf8') ?? '{}');
  } catch (err) {
    throw new AdminError(`GET_TOPIC_PRODUCERS answer of ${brokerAddr} is not JSON: ${(err as Error).message}`, undefined, { cause: err });
  }
  const list = (parsed as { producers?: unknown }).producers;
  if (!Array.isArray(list)) return [];
  return list.map((p: Record<string, unknown>) => ({
    brokerName, brokerAddr,
    producerGroup: str(p.producerGroup), topic: str(p.topic), clientId: str(p.clientId), clientAddr: str(p.clientAddr),
    language: str(p.language), version: num(p.version), versionName: mqVersionName(num(p.version)), lastSendTimestamp: num(p.lastSendTimestamp),
    sendCount: num(p.sendCount), sendTps: num(p.sendTps), ...(str(p.protocolType) ? { protocolType: str(p.protocolType) } : {}),
  }));
}

/** Producer connections per topic (one topic, or all) from every master of every cluster the nameservers know. */
export async function topicProducers(core: AdminCore, opts: { topic?: string } = {}): Promise<TopicProducersResult> {
  const view = await getClusterInfo(core);
  const targets = view.brokers.flatMap((g) => groupMembers(g)
    .filter((m) => m.brokerId === MixAll.MASTER_ID)
    .map((m) => ({ clusterName: g.clusterName, brokerName: g.brokerName, brokerId: m.brokerId, brokerAddr: m.addr })));
  const out: TopicProducersResult = { supported: false, producers: [], unsupported: [], errors: [] };
  const header = opts.topic ? { topic: opts.topic } : undefined;
  const settled = await Promise.all(targets.map(async (t) => {
    try {
      const res = await core.within(t, () => core.call(t.brokerAddr, RocketDeckRequestCode.GET_TOPIC_PRODUCERS, header));
      return { t, rows: rowsOf(res.body, t.brokerName, t.brokerAddr) };
    } catch (err) {
      return { t, err };
    }
  }));
  for (const s of settled) {
    if ('rows' in s) {
      out.supported = true;
      out.producers.push(...s.rows!);
    } else if (hasCode(s.err, ResponseCode.REQUEST_CODE_NOT_SUPPORTED)) {
      out.unsupported.push({ brokerName: s.t.brokerName, brokerAddr: s.t.brokerAddr });
    } else {
      out.errors.push(core.failure(s.t.brokerName, s.t.brokerAddr, s.err));
      core.logger.warn('broker_call_failed', { brokerName: s.t.brokerName, brokerAddr: s.t.brokerAddr, error: s.err });
    }
  }
  out.producers.sort((a, b) => cmp(a.topic, b.topic) || cmp(a.producerGroup, b.producerGroup) || cmp(a.brokerName, b.brokerName) || cmp(a.clientAddr, b.clientAddr));
  return out;
}

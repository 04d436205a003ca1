// Broker admin: UPDATE_BROKER_CONFIG (25), GET_BROKER_CONFIG (26), GET_BROKER_RUNTIME_INFO (28).

import { statfsSync } from 'node:fs';
import { BrokerConfigError, formatBrokerConfig } from '../config/broker-config.ts';
import { parsePropertyLines } from '../../protocol/bodies/properties.ts';
import { ResponseCode } from '../../protocol/codes.ts';
import { MQVersion, mqVersionName } from '../../protocol/constants.ts';
import { encodeKVTable } from '../../protocol/bodies/route.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import { ok, okWithHeader, type BrokerContext } from '../context.ts';
import { formatRuntime, humanReadableByteCount } from '../stats/stats.ts';

export function handleUpdateBrokerConfig(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
  if (!req.body || req.body.length === 0) return ok(req);
  const entries = parsePropertyLines(req.body.toString('utf8'));
  try {
    ctx.updateConfig(entries);
  } catch (err) {
    if (!(err instanceof BrokerConfigError)) throw err;
    const blackListed = err.message.includes('cannot be changed');
    return createResponse(req, blackListed ? ResponseCode.NO_PERMISSION : ResponseCode.SYSTEM_ERROR, err.message);
  }
  ctx.log.info('update_broker_config', { keys: entries.map((e) => e.key), remoteAddr: conn.remoteAddr });
  return ok(req);
}

export function handleGetBrokerConfig(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const version = JSON.stringify({ counter: ctx.topics.dataVersion.counter, timestamp: ctx.topics.dataVersion.timestamp });
  return okWithHeader(req, { version }, Buffer.from(formatBrokerConfig(ctx.config()), 'utf8'));
}

function diskCapacity(dir: string): string | undefined {
  try {
    const s = statfsSync(dir);
    return `Total : ${humanReadableByteCount(s.blocks * s.bsize)}, Free : ${humanReadableByteCount(s.bavail * s.bsize)}.`;
  } catch {
    return undefined;
  }
}

/** The keys a 4.9.8 broker reports (StoreStatsService + BrokerStats + thread pool figures), with our values. */
export async function handleGetBrokerRuntimeInfo(ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> {
  const c = ctx.config();
  const s = ctx.store.runtimeStats();
  const st = ctx.stats;
  const uptime = Date.now() - st.bootTimestamp;
  const t = new Map<string, string>();
  const put = (k: string, v: string | number): void => void t.set(k, String(v));
  put('brokerVersionDesc', mqVersionName(MQVersion.CURRENT_VERSION));
  put('brokerVersion', MQVersion.CURRENT_VERSION);
  put('bootTimestamp', st.bootTimestamp);
  put('runtime', formatRuntime(uptime));
  put('msgPutTotalYesterdayMorning', st.msgPutTotalYesterdayMorning);
  put('msgPutTotalTodayMorning', st.msgPutTotalTodayMorning);
  put('msgPutTotalTodayNow', st.putNums);
  put('msgGetTotalYesterdayMorning', st.msgGetTotalYesterdayMorning);
  put('msgGetTotalTodayMorning', st.msgGetTotalTodayMorning);
  put('msgGetTotalTodayNow', st.getNums);
  put('putTps', st.tps('put'));
  put('getFoundTps', st.tps('getFound'));
  put('getMissTps', st.tps('getMiss'));
  put('getTransferedTps', st.tps('getTransferred'));
  // getTotalTps is always three numbers (RocketMQ adds found + miss rates, 0 for a window not yet covered).
  put('getTotalTps', st.tps('getFound', 'getMiss').split(' ').map((x) => x || '0.0').join(' '));
  put('putMessageTimesTotal', s.putMessageTimesTotal);
  put('putMessageSizeTotal', s.putMessageSizeTotal);
  put('putMessageFailedTimes', s.putMessageFailedTimes);
  put('putMessageAverageSize', s.putMessageTimesTotal > 0 ? (s.putMessageSizeTotal / s.putMessageTimesTotal).toFixed(1) : '0.0');
  put('putMessageEntireTimeMax', st.putMaxLatency);
  put('putMessageDistributeTime', st.putLatencyDistribution());
  put('putLatency99', st.putLatencyPercentile(99).toFixed(2));
  put('putLatency999', st.putLatencyPercentile(99.9).toFixed(2));
  put('getMessageEntireTimeMax', 0);
  put('commitLogMinOffset', s.commitLogMinOffset);
  put('commitLogMaxOffset', s.commitLogMaxOffset);
  put('commitLogDiskRatio', s.commitLogDiskRatio.toFixed(2));
  put(`commitLogDiskRatio_${c.store.storePathCommitLog}`, s.commitLogDiskRatio.toFixed(2));
  put('consumeQueueDiskRatio', s.consumeQueueDiskRatio.toFixed(2));
  put('dispatchBehindBytes', s.dispatchBehindBytes);
  put('dispatchMaxBuffer', 0);
  put('pageCacheLockTimeMills', 0);
  put('remainHowManyDataToFlush', humanReadableByteCount(ctx.store.remainHowManyDataToFlush()));
  put('remainTransientStoreBufferNumbs', 2147483647);
  put('earliestMessageTimeStamp', await ctx.store.getEarliestMessageTimeOfStore());
  put('startAcceptSendRequestTimeStamp', c.startAcceptSendRequestTimeStamp);
  // Node has no request thread pools; queues are reported empty with RocketMQ's capacities.
  for (const [pool, capacity] of [['send', 10000], ['pull', 100000], ['query', 20000]] as const) {
    put(`${pool}ThreadPoolQueueSize`, 0);
    put(`${pool}ThreadPoolQueueCapacity`, c.passive.get(`${pool}ThreadPoolQueueCapacity`) ?? capacity);
    put(`${pool}ThreadPoolQueueHeadWaitTimeMills`, 0);
  }
  put('EndTransactionQueueSize', 0);
  put('EndTransactionThreadPoolQueueCapacity', c.passive.get('endTransactionPoolQueueCapacity') ?? 100000);
  put('heldPullRequests', ctx.pullHold.size);
  const cap = diskCapacity(c.store.storePathRootDir);
  if (cap) put('commitLogDirCapacity', cap);
  // 5.x timer store figures (lib/broker/timer).
  if (ctx.timer) for (const [k, v] of ctx.timer.runtimeFigures()) put(k, v);
  // Replication health (lib/broker/ha/runtime-info.ts lists the keys).
  if (ctx.ha) for (const [k, v] of await ctx.ha.runtimeInfo()) put(k, v);
  return ok(req, encodeKVTable({ table: t }));
}

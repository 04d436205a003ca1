// Captures a real Apache RocketMQ 5.x cluster's answers as fixtures for npm-test unit tests
// (lib/admin/fixtures/apache-5.3.3/<name>.json: the request's code and header, the answer's code, remark, header and body).
// Usage: npx tsx e2e/apache5-cluster/capture.ts <namesrv> <master> <proxy-remoting> <pop group> [pop topic] [controller]

import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setLogSink } from '../../lib/common/log.ts';
import { RemotingClient } from '../../lib/remoting/client.ts';
import { createRequest } from '../../lib/remoting/command.ts';
import { RequestCode, RocketDeckRequestCode } from '../../lib/protocol/codes.ts';

const [namesrv, master, proxy, popGroup, popTopic = 'A5Normal', controller] = process.argv.slice(2);
if (!popGroup) {
  console.error('usage: capture.ts <namesrv> <master> <proxy-remoting> <popGroup> [controller]');
  process.exit(2);
}
setLogSink(() => {});
// A5_FIXTURES_OUT: somewhere else than the committed fixtures (whose tests expect the run they were taken from)
const OUT = process.env.A5_FIXTURES_OUT ? `${process.env.A5_FIXTURES_OUT.replace(/\/$/, '')}/` : fileURLToPath(new URL('../../lib/admin/fixtures/apache-5.3.3/', import.meta.url));
mkdirSync(OUT, { recursive: true });
const client = new RemotingClient({ defaultTimeoutMs: 5000 });

async function capture(name: string, addr: string, code: number, ext?: Record<string, string>, body?: Buffer): Promise<void> {
  const req = createRequest(code, ext, { body });
  const res = await client.invoke(addr, req, 5000);
  const text = res.body?.toString('utf8');
  const printable = text !== undefined && !text.includes('\uFFFD') && /^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/.test(text);
  writeFileSync(`${OUT}${name}.json`, `${JSON.stringify({
    request: { code, extFields: ext ?? {} },
    response: {
      code: res.code, remark: res.remark ?? null, version: res.version, language: res.language, extFields: res.extFields ?? {},
      ...(res.body?.length ? (printable ? { body: text } : { bodyBase64: res.body.toString('base64') }) : {}),
    },
  }, null, 2)}\n`);
  console.log(`${name}: code ${res.code}${res.remark ? ` (${res.remark.slice(0, 80)})` : ''}`);
}

const steps: Array<[string, string, number, Record<string, string>?]> = [
  ['topic-list', namesrv!, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER],
  ['cluster-info', namesrv!, RequestCode.GET_BROKER_CLUSTER_INFO],
  ['broker-runtime-info', master!, RequestCode.GET_BROKER_RUNTIME_INFO],
  ['topic-config', master!, RequestCode.GET_ALL_TOPIC_CONFIG],
  ['subscription-groups', master!, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG],
  ['timer-metrics', master!, RequestCode.GET_TIMER_METRICS],
  ['timer-check-point', master!, RequestCode.GET_TIMER_CHECK_POINT],
  ['message-request-modes', master!, RequestCode.GET_ALL_MESSAGE_REQUEST_MODE],
  ['ha-status', master!, RequestCode.GET_BROKER_HA_STATUS],
  ['heartbeat-syncer-connections', master!, RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'CID_DefaultHeartBeatSyncerTopic' }],
  ['pop-group-connections-broker', master!, RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: popGroup }],
  ['pop-group-connections-proxy', proxy!, RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: popGroup }],
  ['not-supported-broker', master!, RocketDeckRequestCode.GET_BROKER_LIVE_INFO],
  ['not-supported-namesrv', namesrv!, RocketDeckRequestCode.GET_BROKER_LIVE_INFO],
  ['pop-get-nums', master!, RequestCode.VIEW_BROKER_STATS_DATA, { statsName: 'GROUP_GET_NUMS', statsKey: `${popTopic}@${popGroup}` }],
  ['pop-ack-nums', master!, RequestCode.VIEW_BROKER_STATS_DATA, { statsName: 'GROUP_ACK_NUMS', statsKey: `${popTopic}@${popGroup}` }],
];
if (controller) {
  steps.push(['controller-metadata', controller, RequestCode.CONTROLLER_GET_METADATA_INFO]);
}
let failed = 0;
for (const [name, addr, code, ext] of steps) {
  try {
    await capture(name, addr, code, ext);
  } catch (err) {
    failed++;
    console.error(`${name}: ${(err as Error).message}`);
  }
}
await client.close();
process.exit(failed ? 1 : 0);

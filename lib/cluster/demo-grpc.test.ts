// The gRPC demo traffic without its client package: no traffic, one log line saying why, nothing asked of the cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdminClient } from '../admin/index.ts';
import type { Logger } from '../common/log.ts';
import { startDemoGrpcTraffic } from './demo-grpc.ts';

test('a missing rocketmq-client-nodejs skips the gRPC demo with one warning', async () => {
  const lines: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const log = { warn: (event: string, fields: Record<string, unknown> = {}) => lines.push({ event, fields }), info() {}, debug() {}, error() {} } as unknown as Logger;
  const admin = new Proxy({}, { get: () => { throw new Error('the cluster was asked'); } }) as AdminClient;
  const r = await startDemoGrpcTraffic({ endpoint: '127.0.0.1:1', admin, clusterName: 'DefaultCluster', rate: 1, log, clientPackage: 'rocketmq-client-nodejs-not-installed' });
  assert.equal(r, undefined);
  assert.deepEqual(lines.map((l) => l.event), ['demo_grpc_skipped']);
  assert.match(String(lines[0]!.fields.reason), /rocketmq-client-nodejs-not-installed is not installed/);
});

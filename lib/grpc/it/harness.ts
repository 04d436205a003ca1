// gRPC endpoint integration harness: a nameserver and a broker process, with the endpoint inside the broker
// (local mode) or as a `rocketdeck proxy` process in front of a broker started without it (cluster mode).
import { spawnBroker, TestClient, waitFor, type BrokerProcess } from '../../broker/it/harness.ts';
import { freePort } from '../../broker/it/ha-harness.ts';
import { spawnNamesrv, spawnUntilReady, type NamesrvProcess, type ReadyProcess } from '../../namesrv/it/harness.ts';
import { RequestCode } from '../../protocol/codes.ts';
import { encodeSubscriptionGroupConfig, SUBSCRIPTION_GROUP_DEFAULTS } from '../../protocol/bodies/subscription-group.ts';
import { ClientInstance } from '../../client/client-instance.ts';
import { resolveClientConfig } from '../../client/client-config.ts';
import { silentLogger } from '../../client/it/fake-cluster.ts';

import { SimpleConsumer, type MessageView } from 'rocketmq-client-nodejs';

export { waitFor };

/** The client's own logger prints every failed call; keep test output to assertions. */
export const quietLogger = { info() {}, warn() {}, error() {}, debug() {}, close() {} };

export function simpleConsumer(endpoint: string, group: string, topic: string, awaitDuration = 2_000): SimpleConsumer {
  return new SimpleConsumer({
    endpoints: endpoint, namespace: '', consumerGroup: group, subscriptions: new Map([[topic, '*']]), awaitDuration, logger: quietLogger as never,
  });
}

/** Receives until `n` messages arrived (acking each unless told not to), within the deadline. */
export async function receiveN(c: SimpleConsumer, n: number, opts: { ack?: boolean; invisibleMs?: number; timeoutMs?: number } = {}): Promise<MessageView[]> {
  const out: MessageView[] = [];
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (out.length < n && Date.now() < deadline) {
    const got = await c.receive(16, opts.invisibleMs ?? 15_000);
    for (const m of got) {
      out.push(m);
      if (opts.ack !== false) await c.ack(m);
    }
  }
  return out;
}



export interface GrpcCluster {
  ns: NamesrvProcess;
  broker: BrokerProcess;
  proxy?: ReadyProcess;
  /** host:port of the gRPC endpoint. */
  endpoint: string;
  admin: TestClient;
  /** Creates a topic with `type` as its 5.x message.type attribute and waits until the nameserver routes it. */
  createTopic(topic: string, type: 'NORMAL' | 'FIFO' | 'DELAY' | 'TRANSACTION' | 'MIXED', queues?: number): Promise<void>;
  /** Creates a subscription group; `orderly` makes it a FIFO group (consumeMessageOrderly). */
  createGroup(group: string, opts?: { orderly?: boolean; retryMaxTimes?: number }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * After a suite that used rocketmq-client-nodejs's PushConsumer: the client can leave a retry timer behind its
 * shutdown (its change-invisible-duration retry loop), which would keep the test process alive although every test
 * finished; end the process a few seconds later if that happens.
 */
export function exitIfClientTimersLinger(graceMs = 5_000): void {
  setTimeout(() => process.exit(process.exitCode ?? 0), graceMs).unref();
}

export async function startGrpcCluster(mode: 'local' | 'proxy', brokerProps: Record<string, string | number | boolean> = {}): Promise<GrpcCluster> {
  const ns = await spawnNamesrv();
  const grpcPort = await freePort();
  let broker: BrokerProcess | undefined;
  let proxy: ReadyProcess | undefined;
  try {
    broker = await spawnBroker({
      namesrv: ns.address,
      props: { brokerClusterName: 'GrpcIt', brokerName: 'broker-g', ...(mode === 'local' ? { enableGrpcEndpoint: true, grpcListenPort: grpcPort } : {}), ...brokerProps },
    });
    if (mode === 'proxy') proxy = await spawnUntilReady(['proxy', '-n', ns.address, '--port', String(grpcPort), '--host', '127.0.0.1'], 'proxy');
  } catch (err) {
    await broker?.destroy();
    await ns.stop();
    throw err;
  }
  const b = broker;
  const admin = new TestClient(b.address);
  const probe = ClientInstance.acquire(resolveClientConfig({ namesrvAddr: ns.address, logger: silentLogger, instanceName: `grpc-it-${Date.now()}` }));
  return {
    ns, broker: b, proxy, endpoint: `127.0.0.1:${grpcPort}`, admin,
    async createTopic(topic, type, queues = 4) {
      await admin.ok(RequestCode.UPDATE_AND_CREATE_TOPIC, {
        topic, defaultTopic: 'TBW102', readQueueNums: queues, writeQueueNums: queues, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0,
        order: false, attributes: `+message.type=${type}`,
      });
      await waitFor(`route of ${topic}`, async () => (await probe.api.getTopicRouteInfoFromNameServer(topic, 3000).catch(() => undefined)) !== undefined, 20_000);
    },
    async createGroup(group, opts = {}) {
      await admin.ok(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, encodeSubscriptionGroupConfig({
        ...SUBSCRIPTION_GROUP_DEFAULTS, groupName: group, consumeMessageOrderly: opts.orderly ?? false, retryMaxTimes: opts.retryMaxTimes ?? 16,
      }));
    },
    async stop() {
      await probe.release();
      await admin.close();
      if (proxy && proxy.child.exitCode === null) {
        proxy.child.kill('SIGTERM');
        await proxy.exited;
      }
      await b.destroy();
      await ns.stop();
    },
  };
}

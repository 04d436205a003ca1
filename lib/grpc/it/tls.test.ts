// `rocketdeck proxy --tls-cert --tls-key`: the endpoint over TLS (a self-signed certificate made with openssl).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { setLogSink } from '../../common/log.ts';
import { spawnBroker, TestClient, type BrokerProcess } from '../../broker/it/harness.ts';
import { freePort } from '../../broker/it/ha-harness.ts';
import { spawnNamesrv, spawnUntilReady, type NamesrvProcess, type ReadyProcess } from '../../namesrv/it/harness.ts';
import { messagingServiceClient } from '../proto.ts';
import { waitFor } from './harness.ts';

setLogSink(() => {});

describe('the proxy over TLS', () => {
  let dir: string;
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let proxy: ReadyProcess;
  let port: number;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rd-grpc-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address, props: { brokerName: 'broker-tls' } });
    const admin = new TestClient(broker.address);
    await admin.createTopic('TlsTopic', 2);
    await admin.close();
    port = await freePort();
    proxy = await spawnUntilReady(['proxy', '-n', ns.address, '--port', String(port), '--host', '127.0.0.1',
      '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')], 'proxy');
  });
  after(async () => {
    if (proxy && proxy.child.exitCode === null) {
      proxy.child.kill('SIGTERM');
      await proxy.exited;
    }
    await broker?.destroy();
    await ns?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const queryRoute = (creds: grpc.ChannelCredentials): Promise<Record<string, any>> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const Ctor = messagingServiceClient();
    const client = new Ctor(`127.0.0.1:${port}`, creds) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const md = new grpc.Metadata();
    md.set('x-mq-client-id', 'tls-test');
    return new Promise((resolve, reject) => {
      client.QueryRoute({ topic: { name: 'TlsTopic' } }, md, { deadline: Date.now() + 5_000 }, (err: Error | null, res: Record<string, unknown>) => {
        client.close();
        if (err) reject(err);
        else resolve(res);
      });
    });
  };

  test('a client trusting the certificate gets routes; a plaintext client does not', async () => {
    const creds = grpc.credentials.createSsl(readFileSync(join(dir, 'cert.pem')));
    const res = await waitFor('a route over TLS', async () => {
      const r = await queryRoute(creds);
      return r.status.code === 'OK' && r.messageQueues.length > 0 ? r : undefined;
    }, 20_000, 200);
    assert.equal(res.messageQueues[0].broker.name, 'broker-tls');
    await assert.rejects(queryRoute(grpc.credentials.createInsecure()));
  });
});

// Cost of access control per request: signing on the client (AclClientRPCHook's work) and the broker's check
// (signature + policy match) for a SEND_MESSAGE_V2 with a 1 KiB body, in process, against the check with ACL off.
// Options: --iterations N (default 200000), --body BYTES (default 1024).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest } from '../lib/auth/signature.ts';
import { createLogger, setLogSink } from '../lib/common/log.ts';
import { AuthGuard } from '../lib/broker/auth/guard.ts';
import { PlainAclFile } from '../lib/broker/auth/plain-acl.ts';
import { AuthMetadataStore } from '../lib/broker/auth/store.ts';
import type { AuthSettings } from '../lib/broker/auth/config.ts';
import { RequestCode } from '../lib/protocol/codes.ts';
import { createRequest } from '../lib/remoting/command.ts';
import type { RemotingConnection } from '../lib/remoting/connection.ts';
import type { BenchReport } from './run.ts';

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

export async function run(args: string[]): Promise<BenchReport> {
  const iterations = arg(args, 'iterations', 200_000);
  const bodySize = arg(args, 'body', 1024);
  const dir = mkdtempSync(join(tmpdir(), 'bench-acl-'));
  const prev = setLogSink(() => {});
  try {
    const log = createLogger('bench');
    const store = new AuthMetadataStore(join(dir, 'auth.json'), log);
    store.createUser({ username: 'bench', password: 'bench-secret-1', userType: 'Normal', userStatus: 'enable' });
    store.putAcl('User:bench', [
      { resource: { type: 'Group', pattern: 'ANY' }, actions: ['Sub'], sourceIps: [], decision: 'Allow' },
      { resource: { type: 'Topic', name: 'Bench', pattern: 'PREFIXED' }, actions: ['Pub', 'Sub'], sourceIps: [], decision: 'Allow' },
      { resource: { type: 'Topic', name: 'BenchSecret', pattern: 'LITERAL' }, actions: ['Pub'], sourceIps: [], decision: 'Deny' },
    ]);
    const on: AuthSettings = {
      authenticationEnabled: true, authorizationEnabled: true, aclEnable: false, migrateAuthFromV1Enabled: false,
      authenticationWhitelist: new Set(), authorizationWhitelist: new Set(), plainAclFile: join(dir, 'none.yml'),
    };
    const off: AuthSettings = { ...on, authenticationEnabled: false, authorizationEnabled: false };
    const plain = new PlainAclFile(join(dir, 'none.yml'), log);
    const guardOn = new AuthGuard({ settings: () => on, store, plain, clusterName: () => 'c', log });
    const guardOff = new AuthGuard({ settings: () => off, store, plain, clusterName: () => 'c', log });
    const conn = { remoteAddr: '127.0.0.1:40000' } as RemotingConnection;
    const body = Buffer.alloc(bodySize, 7);
    const header = { a: 'bench_p', b: 'BenchTopic', c: 'TBW102', d: 4, e: 1, f: 0, g: Date.now(), h: 0, i: 'TAGS\u0001t\u0002WAIT\u0001true\u0002', j: 0, k: false, m: false };
    const reqs = Array.from({ length: 1000 }, () => createRequest(RequestCode.SEND_MESSAGE_V2, header, { body }));

    const time = (fn: (i: number) => void): number => {
      for (let i = 0; i < 5000; i++) fn(i);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) fn(i);
      return Number(process.hrtime.bigint() - t0) / 1000 / iterations;
    };
    const signUs = time((i) => signRequest(reqs[i % reqs.length]!, { accessKey: 'bench', secretKey: 'bench-secret-1' }));
    const checkUs = time((i) => {
      if (guardOn.check(reqs[i % reqs.length]!, conn)) throw new Error('refused');
    });
    const offUs = time((i) => guardOff.check(reqs[i % reqs.length]!, conn));
    return {
      bench: 'acl',
      params: { iterations, bodyBytes: bodySize, request: 'SEND_MESSAGE_V2' },
      metrics: [
        { metric: 'client sign', value: signUs, unit: 'µs/request' },
        { metric: 'broker check (authn + authz)', value: checkUs, unit: 'µs/request' },
        { metric: 'broker check, ACL off', value: offUs, unit: 'µs/request' },
        { metric: 'broker checks per core', value: Math.round(1e6 / checkUs), unit: 'requests/s' },
      ],
    };
  } finally {
    setLogSink(prev);
    rmSync(dir, { recursive: true, force: true });
  }
}

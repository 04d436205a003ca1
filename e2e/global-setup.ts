// Starts a real local cluster with `rocketdeck up` (2 nameservers, 2 master/slave broker groups, demo traffic and the
// console with two users) for the browser tests, exposes its addresses through process.env, and tears it down.
// A real OpenID Connect provider (oidc-provider) starts first, so the console can offer sign-in through it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freeBasePort, freePort } from './free-port.ts';
import { startTestOidcProvider } from '../lib/console/it/oidc-provider.ts';

/** Accounts of the test provider (any password on its login page) and the roles their `groups` claim maps to. */
export const OIDC_ACCOUNTS = {
  'oidc-operator': { email: 'oidc-operator@example.com', groups: ['rd-ops'] },
  'oidc-viewer': { email: 'oidc-viewer@example.com', groups: ['rd-view', 'staff'] },
};

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'lib', 'cli', 'bin.mjs');
/** Ports `up` uses above its base: nameservers, then broker listen/HA ports (lib/cluster/topology.ts). */
const PORT_OFFSETS = [0, 1, 1035, 1036, 1045, 1046, 1055, 1056, 1065, 1066];
const READY_TIMEOUT_MS = 240_000;

interface UpSummary {
  dir: string;
  namesrvAddr: string;
  consoleUrl?: string;
  brokers: Array<{ name: string; brokerName: string; brokerId: number; role: string; addr: string }>;
}

export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  // developing the tests: point them at a cluster that is already up instead of starting one
  if (process.env.ROCKETDECK_E2E_REUSE === '1') {
    for (const k of ['ROCKETDECK_CONSOLE_URL', 'ROCKETDECK_E2E_NAMESRV', 'ROCKETDECK_E2E_DIR', 'ROCKETDECK_E2E_OPERATOR_PW', 'ROCKETDECK_E2E_VIEWER_PW']) {
      if (!process.env[k]) throw new Error(`ROCKETDECK_E2E_REUSE=1 needs ${k}`);
    }
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'rd-e2e-'));
  const basePort = await freeBasePort(PORT_OFFSETS);
  const consolePort = await freePort();
  const operatorPw = randomBytes(9).toString('base64url');
  const viewerPw = randomBytes(9).toString('base64url');
  const idp = await startTestOidcProvider([`http://127.0.0.1:${consolePort}/api/auth/oidc/callback`], OIDC_ACCOUNTS);
  const child = spawn(
    process.execPath,
    [CLI, 'up', '--dir', join(dir, 'cluster'), '--base-port', String(basePort), '--console-port', String(consolePort), '--json'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ROCKETDECK_USERS: `operator:operator:${operatorPw},viewer:viewer:${viewerPw}`,
        ROCKETDECK_CONSOLE_DB: join(dir, 'console.db'),
        // history, trends and rebalances show within the tests' few minutes
        ROCKETDECK_COLLECT_INTERVAL_MS: '2000',
        ROCKETDECK_OIDC_ISSUER: idp.issuer,
        ROCKETDECK_OIDC_CLIENT_ID: idp.clientId,
        ROCKETDECK_OIDC_CLIENT_SECRET: idp.clientSecret,
        ROCKETDECK_OIDC_NAME: 'Test IdP',
        ROCKETDECK_OIDC_ROLES: 'rd-ops=operator,rd-view=viewer',
        NEXT_TELEMETRY_DISABLED: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
    },
  );
  const log: string[] = [];
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));

  const summary = await new Promise<UpSummary>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`rocketdeck up not ready within ${READY_TIMEOUT_MS / 1000} s:\n${log.slice(-40).join('\n')}`)), READY_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        log.push(line);
        if (line.startsWith('{') && line.includes('namesrvAddr')) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as UpSummary);
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => log.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`rocketdeck up exited with code ${code} before it was ready:\n${log.slice(-40).join('\n')}`));
    });
  }).catch(async (err: unknown) => {
    await idp.stop();
    throw err;
  });
  if (!summary.consoleUrl) throw new Error('rocketdeck up started no console');

  process.env.ROCKETDECK_CONSOLE_URL = summary.consoleUrl;
  process.env.ROCKETDECK_E2E_NAMESRV = summary.namesrvAddr;
  process.env.ROCKETDECK_E2E_DIR = summary.dir;
  process.env.ROCKETDECK_E2E_OPERATOR_PW = operatorPw;
  process.env.ROCKETDECK_E2E_VIEWER_PW = viewerPw;
  process.env.ROCKETDECK_E2E_OIDC_ISSUER = idp.issuer;

  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    }
    await idp.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

// `rocketdeck up`: starts a local demo cluster (2 nameservers, 2 master/slave broker groups, traffic, console).

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError, EXIT_OK, intOpt, stringOpt, waitForAbort, type CommandSpec } from '../framework.ts';
import { Supervisor, type NodeStatus } from '../../cluster/supervisor.ts';
import { consoleDbPath, materialize, planTopology, DEFAULT_BASE_PORT, DEFAULT_CONSOLE_PORT } from '../../cluster/topology.ts';
import { clusterFilePath, readClusterFile, startControlServer } from '../../cluster/control.ts';
import { demoTrafficSpec } from '../../cluster/demo-traffic-spec.ts';
import { demoAclBrokerProps, demoAclCredentials } from '../../cluster/acl-demo.ts';
import { buildConsole, consoleBuildIsFresh, hasProductionBuild } from '../../cluster/console-process.ts';
import { freshBundle } from '../bundle.mjs';

/** How often `up` says which nodes it still waits for. */
const WAITING_EVERY_MS = 5000;
/** The lines of `next build` shown while `up` builds the console (phases and page counts, errors). */
const BUILD_PROGRESS = /Compiled|Finished TypeScript|Generating static pages.*\(\d+\/\d+\)|rror|Failed/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const upCommand: CommandSpec = {
  name: 'up',
  summary: 'Start a local demo cluster: 2 nameservers, broker-a and broker-b (master + slave each), live traffic and the console',
  usage: 'up [--dir DIR] [--base-port N] [--console-port P] [--no-console] [--no-traffic] [--fresh] [--acl]',
  options: {
    dir: { type: 'string', valueName: 'DIR', description: 'data, config and log directory', default: './.rocketdeck' },
    'base-port': {
      type: 'string',
      valueName: 'N',
      description: 'nameservers on N and N+1, brokers above them (listen and HA ports)',
      default: String(DEFAULT_BASE_PORT),
    },
    'console-port': { type: 'string', valueName: 'P', description: 'console HTTP port', default: String(DEFAULT_CONSOLE_PORT) },
    'no-console': { type: 'boolean', description: 'do not start the console' },
    'no-traffic': { type: 'boolean', description: 'do not start the demo producers and consumers' },
    fresh: { type: 'boolean', description: 'delete the data directory first' },
    acl: { type: 'boolean', description: 'access control on (ACL 2.0): brokers sign and check every request; prints the generated admin key once' },
  },
  details: "Stops every process on Ctrl-C or SIGTERM. 'rocketdeck node stop|start|restart <name>' acts on one node while it runs.",
  async run(ctx) {
    const dir = resolve(stringOpt(ctx.values, 'dir')!);
    const basePort = intOpt(ctx.values, 'base-port', 1, 65000)!;
    const consolePort = intOpt(ctx.values, 'console-port', 1, 65535)!;
    const withConsole = ctx.values['no-console'] !== true;
    const withTraffic = ctx.values['no-traffic'] !== true;
    const usersConfigured = Boolean(process.env.ROCKETDECK_USERS || process.env.ROCKETDECK_USERS_FILE);

    if (existsSync(clusterFilePath(dir))) {
      const running = readClusterFile(dir);
      if (processAlive(running.pid)) throw new CliError(`a cluster is already running from ${dir} (pid ${running.pid}); stop it first or use another --dir`);
    }
    if (ctx.values.fresh === true) rmSync(dir, { recursive: true, force: true });

    const topology = planTopology({ dir, basePort, consolePort, withConsole });
    const acl = ctx.values.acl === true ? demoAclCredentials(dir) : undefined;
    if (acl) topology.brokerProps = demoAclBrokerProps(acl);
    const specs = materialize(topology);
    if (withTraffic) specs.push(demoTrafficSpec(topology, { grpc: !acl }));
    if (acl) {
      // The console and the demo traffic sign their requests with the admin key (read from the environment).
      for (const s of specs) {
        if (s.role === 'console' || s.role === 'traffic') s.env = { ...s.env, ROCKETMQ_ACCESS_KEY: acl.admin.accessKey, ROCKETMQ_SECRET_KEY: acl.admin.secretKey };
      }
    }
    const sup = new Supervisor(resolve(dir, 'logs'));
    for (const s of specs) sup.add(s);

    const progress = (line: string) => {
      if (!ctx.json) ctx.out(line);
    };
    let stopping = false;
    sup.on('exit', (st: NodeStatus, expected: boolean) => {
      if (!expected && !stopping) ctx.err(`! ${st.name} (pid ${st.pid}) died: code=${st.exitCode} signal=${st.signal}; see ${st.logFile}`);
    });

    const started = Date.now();
    const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    progress(`Starting RocketDeck local cluster in ${dir}`);
    const waiting = new Set<string>();
    const ticker = setInterval(() => {
      if (waiting.size > 0) progress(`  … waiting for ${[...waiting].join(', ')} (${elapsed()})`);
    }, WAITING_EVERY_MS);
    const startGroup = async (names: string[]) => {
      await Promise.all(
        names.map(async (n) => {
          waiting.add(n);
          try {
            await sup.start(n);
          } finally {
            waiting.delete(n);
          }
          const st = sup.status().find((s) => s.name === n)!;
          progress(`  ✓ ${n.padEnd(16)} ${(st.port ? `${topology.host}:${st.port}` : '').padEnd(16)}  pid ${String(st.pid).padEnd(7)} at ${elapsed()}`);
        }),
      );
    };
    // Without a console build (npm ci makes one), build it while the nameservers and brokers start.
    let consoleBuild: Promise<void> | undefined;
    if (withConsole && !hasProductionBuild()) {
      progress('  … console: no production build yet, building it now (npm ci builds it at install; about 15 s on 2 cores)');
      waiting.add('console build');
      consoleBuild = buildConsole((line) => {
        if (BUILD_PROGRESS.test(line)) progress(`    console build: ${line.trim()}`);
      }).finally(() => waiting.delete('console build'));
      consoleBuild.catch(() => {}); // awaited below; not an unhandled rejection while the brokers start
    } else if (withConsole && !consoleBuildIsFresh()) {
      progress("  ! the console build is older than its sources; 'npx rocketdeck build --console' rebuilds it");
    }
    if (process.env.ROCKETDECK_BUNDLE !== '0' && !freshBundle()) {
      progress("  ! no fresh CLI bundle: the nodes compile TypeScript as they start; 'npx rocketdeck build --cli' makes one");
    }
    const byRole = (role: string) => specs.filter((s) => s.role === role).map((s) => s.name);
    let control: { close(): Promise<void> } | undefined;
    try {
      await startGroup(byRole('namesrv'));
      await startGroup(byRole('broker'));
      if (withTraffic) await startGroup(byRole('traffic'));
      if (withConsole) {
        if (consoleBuild) {
          await consoleBuild;
          progress(`  ✓ console build    done at ${elapsed()}`);
        }
        await startGroup(byRole('console'));
      }
      const consoleUrl = withConsole ? `http://${topology.host}:${topology.consolePort}` : undefined;
      control = await startControlServer(sup, dir, { namesrvAddr: topology.namesrvAddr, consoleUrl });
      const summary = {
        dir,
        namesrvAddr: topology.namesrvAddr,
        brokers: topology.brokers.map((b) => ({ name: b.name, brokerName: b.brokerName, brokerId: b.brokerId, role: b.brokerRole, addr: `${topology.host}:${b.listenPort}`, haAddr: `${topology.host}:${b.haListenPort}` })),
        consoleUrl,
        acl: acl ? { accessKey: acl.admin.accessKey, ...(acl.generated ? { secretKey: acl.admin.secretKey } : {}), file: acl.file } : undefined,
        grpcAddr: topology.grpcAddr,
        logs: resolve(dir, 'logs'),
        readyMs: Date.now() - started,
      };
      if (ctx.json) ctx.out(JSON.stringify(summary));
      else {
        ctx.out('');
        ctx.out(`Cluster ready in ${(summary.readyMs / 1000).toFixed(1)} s`);
        ctx.out(`  NAMESRV_ADDR=${summary.namesrvAddr}`);
        for (const b of summary.brokers) ctx.out(`  ${b.name.padEnd(16)} ${b.role.padEnd(12)} ${b.addr}  (HA ${b.haAddr})`);
        ctx.out(`  gRPC (5.x SDKs)  ${summary.grpcAddr}  (endpoint in broker-a-master)`);
        if (consoleUrl) ctx.out(`  console          ${consoleUrl}`);
        if (acl?.generated) {
          ctx.out(`  ACL admin        ROCKETMQ_ACCESS_KEY=${acl.admin.accessKey} ROCKETMQ_SECRET_KEY=${acl.admin.secretKey}`);
          ctx.out(`                   (generated now and shown once; kept in ${acl.file})`);
        } else if (acl) {
          ctx.out(`  ACL admin        ${acl.admin.accessKey} (secret key in ${acl.file})`);
        }
        const pwFile = join(dirname(consoleDbPath(topology)), 'initial-admin-password');
        // The console writes it while booting, just after it starts answering.
        for (let i = 0; consoleUrl && i < 50 && !existsSync(pwFile) && !usersConfigured; i++) await new Promise((r) => setTimeout(r, 100));
        if (consoleUrl && !usersConfigured && existsSync(pwFile)) ctx.out(`  console sign-in  admin / ${readFileSync(pwFile, 'utf8').trim()}  (generated on first start; from ${pwFile})`);
        ctx.out(`  data and logs    ${dir}`);
        ctx.out(`Press Ctrl-C to stop. 'rocketdeck node stop <name> --dir ${dir}' stops one node.`);
      }
      await waitForAbort(ctx.signal);
      progress('Stopping…');
    } finally {
      clearInterval(ticker);
      stopping = true;
      await control?.close();
      await sup.stopAll();
    }
    progress('Stopped.');
    return EXIT_OK;
  },
};

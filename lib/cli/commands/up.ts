// `rocketdeck up`: starts a local demo cluster (2 nameservers, 2 master/slave broker groups, traffic, console).

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError, EXIT_OK, intOpt, stringOpt, waitForAbort, type CommandSpec } from '../framework.ts';
import { Supervisor, type NodeStatus } from '../../cluster/supervisor.ts';
import { consoleDbPath, materialize, planTopology, DEFAULT_BASE_PORT, DEFAULT_CONSOLE_PORT } from '../../cluster/topology.ts';
import { clusterFilePath, readClusterFile, startControlServer } from '../../cluster/control.ts';
import { demoTrafficSpec } from '../../cluster/demo-traffic-spec.ts';

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
  usage: 'up [--dir DIR] [--base-port N] [--console-port P] [--no-console] [--no-traffic] [--fresh]',
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
    const specs = materialize(topology);
    if (withTraffic) specs.push(demoTrafficSpec(topology));
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
    progress(`Starting RocketDeck local cluster in ${dir}`);
    const startGroup = async (names: string[]) => {
      await Promise.all(
        names.map(async (n) => {
          await sup.start(n);
          const st = sup.status().find((s) => s.name === n)!;
          progress(`  ✓ ${n.padEnd(16)} ${st.port ? `${topology.host}:${st.port}` : ''}  (pid ${st.pid})`);
        }),
      );
    };
    const byRole = (role: string) => specs.filter((s) => s.role === role).map((s) => s.name);
    let control: { close(): Promise<void> } | undefined;
    try {
      await startGroup(byRole('namesrv'));
      await startGroup(byRole('broker'));
      if (withTraffic) await startGroup(byRole('traffic'));
      if (withConsole) {
        progress('  … console (the first start builds it, which takes a minute)');
        await startGroup(byRole('console'));
      }
      const consoleUrl = withConsole ? `http://${topology.host}:${topology.consolePort}` : undefined;
      control = await startControlServer(sup, dir, { namesrvAddr: topology.namesrvAddr, consoleUrl });
      const summary = {
        dir,
        namesrvAddr: topology.namesrvAddr,
        brokers: topology.brokers.map((b) => ({ name: b.name, brokerName: b.brokerName, brokerId: b.brokerId, role: b.brokerRole, addr: `${topology.host}:${b.listenPort}`, haAddr: `${topology.host}:${b.haListenPort}` })),
        consoleUrl,
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
      stopping = true;
      await control?.close();
      await sup.stopAll();
    }
    progress('Stopped.');
    return EXIT_OK;
  },
};

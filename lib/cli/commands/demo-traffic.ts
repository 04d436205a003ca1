// `rocketdeck demo-traffic`: the demo producers and consumers `rocketdeck up` runs (usable on its own too).

import { parseNamesrvAddr } from '../../common/namesrv-addr.ts';
import { startDemoTraffic } from '../../cluster/demo-traffic.ts';
import { EXIT_OK, stringOpt, UsageError, waitForAbort, type CommandSpec } from '../framework.ts';

export const demoTrafficCommand: CommandSpec = {
  name: 'demo-traffic',
  summary: 'Create the demo topics and groups and keep producers and consumers running (one group deliberately slow)',
  usage: 'demo-traffic -n ADDR [--rate N] [--offset-dir DIR] [--grpc HOST:PORT]',
  options: {
    namesrv: { type: 'string', short: 'n', valueName: 'ADDR', description: "nameserver addresses, ';'-separated (or NAMESRV_ADDR)" },
    rate: { type: 'string', valueName: 'N', description: 'messages per second per demo topic', default: '20' },
    'offset-dir': { type: 'string', valueName: 'DIR', description: 'where broadcasting consumers keep their offsets' },
    grpc: { type: 'string', valueName: 'HOST:PORT', description: "a gRPC endpoint: also run rocketmq-client-nodejs's producer and a POP group of SimpleConsumers there" },
  },
  async run(ctx) {
    const namesrvAddr = parseNamesrvAddr(stringOpt(ctx.values, 'namesrv') ?? process.env.NAMESRV_ADDR).join(';');
    if (!namesrvAddr) throw new UsageError('give the nameservers with -n host:port (or set NAMESRV_ADDR)');
    const rate = Number(stringOpt(ctx.values, 'rate'));
    if (!Number.isFinite(rate) || rate <= 0 || rate > 10_000) throw new UsageError(`--rate must be a number of messages per second in (0, 10000], got '${stringOpt(ctx.values, 'rate')}'`);
    const traffic = await startDemoTraffic({ namesrvAddr, rate, offsetStoreDir: stringOpt(ctx.values, 'offset-dir'), grpcEndpoint: stringOpt(ctx.values, 'grpc') });
    ctx.out(ctx.json ? JSON.stringify({ started: true }) : `demo traffic running against ${namesrvAddr} (${rate} msg/s per topic)`);
    const timer = setInterval(() => ctx.err(JSON.stringify({ event: 'demo_traffic_stats', ...traffic.stats() })), 30_000);
    await waitForAbort(ctx.signal);
    clearInterval(timer);
    await traffic.stop();
    return EXIT_OK;
  },
};

// `rocketdeck proxy`: the gRPC endpoint for Apache RocketMQ 5.x clients as its own stateless process (5.x
// cluster mode), in front of any brokers a nameserver knows, speaking remoting to them.

import { createLogger } from '../../common/log.ts';
import { startGrpcEndpoint } from '../../grpc/server.ts';
import { CliError, EXIT_OK, intOpt, stringOpt, waitForAbort, type CommandSpec } from '../framework.ts';

export const proxyCommand: CommandSpec = {
  name: 'proxy',
  summary: 'Run the gRPC endpoint for RocketMQ 5.x clients in front of the brokers of a nameserver',
  usage: 'proxy -n 127.0.0.1:9876 [--port 8081] [--host 0.0.0.0] [--tls-cert FILE --tls-key FILE]',
  options: {
    namesrv: { type: 'string', short: 'n', valueName: 'ADDRS', description: "nameservers, ';'-separated (default NAMESRV_ADDR)" },
    port: { type: 'string', short: 'p', valueName: 'PORT', description: 'gRPC port, 0 for any free port (default 8081)' },
    host: { type: 'string', valueName: 'HOST', description: 'address to bind (default 0.0.0.0)' },
    'advertised-host': { type: 'string', valueName: 'HOST', description: 'host clients are told to use when they name none (default: the bound host, 127.0.0.1 for 0.0.0.0)' },
    'max-body-size': { type: 'string', valueName: 'BYTES', description: 'largest message body accepted (default 4194304)' },
    'tls-cert': { type: 'string', valueName: 'FILE', description: 'PEM certificate chain: serve TLS (with --tls-key)' },
    'tls-key': { type: 'string', valueName: 'FILE', description: 'PEM private key of --tls-cert' },
  },
  details: [
    'Keeps no state of its own: routes come from the nameservers, messages and POP state live in the brokers, so',
    'several proxies can serve the same clients. Prints one line with its address when ready; stops on SIGINT/SIGTERM.',
  ].join('\n'),
  async run(ctx) {
    const namesrv = stringOpt(ctx.values, 'namesrv') ?? process.env.NAMESRV_ADDR;
    if (!namesrv) throw new CliError('proxy needs the nameservers: -n host:port (or NAMESRV_ADDR)');
    const port = intOpt(ctx.values, 'port', 0, 65535) ?? 8081;
    const maxBodySize = intOpt(ctx.values, 'max-body-size', 1, 1024 * 1024 * 1024);
    const host = stringOpt(ctx.values, 'host') ?? '0.0.0.0';
    let ep;
    try {
      ep = await startGrpcEndpoint({
        namesrvAddr: namesrv, port, host, advertisedHost: stringOpt(ctx.values, 'advertised-host'), maxBodySize,
        tlsCertFile: stringOpt(ctx.values, 'tls-cert'), tlsKeyFile: stringOpt(ctx.values, 'tls-key'), logger: createLogger('proxy'),
      });
    } catch (err) {
      throw new CliError(`proxy could not start on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const shown = host === '0.0.0.0' ? '127.0.0.1' : host;
    ctx.out(ctx.json ? JSON.stringify({ role: 'proxy', address: `${shown}:${ep.port}` }) : `RocketDeck gRPC proxy ready at ${shown}:${ep.port}`);
    await waitForAbort(ctx.signal);
    await ep.close();
    return EXIT_OK;
  },
};

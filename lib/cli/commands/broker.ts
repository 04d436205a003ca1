// `rocketdeck broker`: runs a broker from a RocketMQ broker.conf until SIGINT/SIGTERM.

import { BrokerConfigError, ConfigFileError, loadBrokerConfig, startBroker } from '../../broker/index.ts';
import { RemotingError } from '../../remoting/errors.ts';
import { StoreError } from '../../store/errors.ts';
import { createLogger } from '../../common/log.ts';
import { startGrpcEndpoint, type GrpcEndpoint } from '../../grpc/server.ts';
import { CliError, EXIT_OK, stringOpt, waitForAbort, type CommandSpec } from '../framework.ts';

export const brokerCommand: CommandSpec = {
  name: 'broker',
  summary: 'Run a broker (stores messages, serves producers and consumers, registers with the nameservers)',
  usage: 'broker -c broker.conf [-n 127.0.0.1:9876] [--set key=value ...]',
  options: {
    config: { type: 'string', short: 'c', valueName: 'FILE', description: "RocketMQ broker.conf (brokerName, listenPort, storePathRootDir, brokerRole, ...)" },
    namesrv: { type: 'string', short: 'n', valueName: 'ADDRS', description: "nameservers, ';'-separated (overrides namesrvAddr and NAMESRV_ADDR)" },
    set: { type: 'string', multiple: true, valueName: 'KEY=VALUE', description: 'override one config key (repeatable), applied after the file' },
  },
  details: [
    'Prints one line with the broker address when ready; on SIGINT/SIGTERM it unregisters from the nameservers,',
    'flushes the store and exits. Unknown config keys and malformed values are errors naming the key.',
  ].join('\n'),
  async run(ctx) {
    const sets = [...((ctx.values.set as string[] | undefined) ?? [])];
    const namesrv = stringOpt(ctx.values, 'namesrv');
    if (namesrv !== undefined) sets.push(`namesrvAddr=${namesrv}`);
    let config;
    try {
      config = loadBrokerConfig({ file: stringOpt(ctx.values, 'config'), sets });
    } catch (err) {
      if (err instanceof BrokerConfigError) throw new CliError(err.message);
      throw err;
    }
    let broker;
    try {
      broker = await startBroker(config);
    } catch (err) {
      if (err instanceof RemotingError || err instanceof StoreError || err instanceof ConfigFileError) throw new CliError(err.message);
      throw err;
    }
    const c = broker.config;
    let grpc: GrpcEndpoint | undefined;
    if (c.enableGrpcEndpoint) {
      try {
        grpc = await startGrpcEndpoint({
          namesrvAddr: c.namesrvAddr, port: c.grpcListenPort, host: c.bindAddress, advertisedHost: c.brokerIP1,
          maxBodySize: c.store.maxMessageSize, logger: createLogger('grpc'),
        });
      } catch (err) {
        await broker.shutdown();
        throw new CliError(`grpcListenPort ${c.grpcListenPort}: the gRPC endpoint could not start: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    ctx.out(
      ctx.json
        ? JSON.stringify({ role: 'broker', address: broker.brokerAddr, brokerName: c.brokerName, brokerId: c.brokerId, cluster: c.brokerClusterName })
        : `RocketDeck broker ${c.brokerName} (id ${c.brokerId}, ${c.store.brokerRole}) ready at ${broker.brokerAddr}`,
    );
    if (grpc) ctx.out(ctx.json ? JSON.stringify({ role: 'grpc', address: `${c.brokerIP1}:${grpc.port}` }) : `gRPC endpoint for 5.x clients at ${c.brokerIP1}:${grpc.port}`);
    await waitForAbort(ctx.signal);
    await grpc?.close();
    await broker.shutdown();
    return EXIT_OK;
  },
};

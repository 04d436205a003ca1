// `rocketdeck namesrv`: runs a nameserver until SIGINT/SIGTERM.

import { resolve } from 'node:path';
import { CliError, EXIT_OK, intOpt, stringOpt, waitForAbort, type CommandSpec } from '../framework.ts';
import { defaultDataDir, defaultNamesrvConfig, loadNamesrvConfigFile, NamesrvConfigError } from '../../namesrv/config.ts';
import { KVConfigFileError } from '../../namesrv/kv-config.ts';
import { startNamesrv } from '../../namesrv/namesrv.ts';
import { RemotingError } from '../../remoting/errors.ts';

export const namesrvCommand: CommandSpec = {
  name: 'namesrv',
  summary: 'Run a nameserver (brokers register with it, clients read routes from it)',
  usage: 'namesrv [--host 127.0.0.1] [--port 9876] [-c namesrv.conf] [--data-dir DIR]',
  options: {
    host: { type: 'string', valueName: 'HOST', description: 'address to bind (default: bindAddress from the config, 127.0.0.1)' },
    port: { type: 'string', short: 'p', valueName: 'PORT', description: 'port to listen on, 0 for any free port (default: listenPort, 9876)' },
    config: { type: 'string', short: 'c', valueName: 'FILE', description: 'namesrv.conf (Java properties: listenPort, kvConfigPath, brokerChannelExpiredTime, ...)' },
    'data-dir': { type: 'string', valueName: 'DIR', description: 'directory of kvConfig.json and namesrv.properties (default: ~/namesrv)' },
  },
  details: [
    'Prints one line with the bound address when ready; stops cleanly on SIGINT/SIGTERM.',
    'Options given on the command line override the config file. Unknown config keys are errors.',
  ].join('\n'),
  async run(ctx) {
    const dataDir = resolve(stringOpt(ctx.values, 'data-dir') ?? defaultDataDir());
    let config = defaultNamesrvConfig(dataDir);
    const file = stringOpt(ctx.values, 'config');
    try {
      if (file) config = loadNamesrvConfigFile(file, config);
    } catch (err) {
      if (err instanceof NamesrvConfigError) throw new CliError(err.message);
      throw err;
    }
    const port = intOpt(ctx.values, 'port', 0, 65535);
    const host = stringOpt(ctx.values, 'host');
    if (port !== undefined) config = { ...config, listenPort: port };
    if (host !== undefined) config = { ...config, bindAddress: host };

    let ctl;
    try {
      ctl = await startNamesrv(config);
    } catch (err) {
      if (err instanceof KVConfigFileError || err instanceof RemotingError) throw new CliError(err.message);
      throw err;
    }
    ctx.out(ctx.json ? JSON.stringify({ role: 'namesrv', address: ctl.address }) : `RocketDeck namesrv ready at ${ctl.address}`);
    await waitForAbort(ctx.signal);
    await ctl.shutdown();
    return EXIT_OK;
  },
};

// `rocketdeck console`: serves the Next.js operations console (building it first when no build exists).

import { CliError, EXIT_OK, intOpt, stringOpt, waitForAbort, type CommandSpec } from '../framework.ts';
import { startConsole } from '../../cluster/console-process.ts';

export const consoleCommand: CommandSpec = {
  name: 'console',
  summary: 'Serve the operations console (Next.js) for a cluster',
  usage: 'console [--namesrv ADDR] [--port 3000] [--host 127.0.0.1] [--dev]',
  options: {
    namesrv: { type: 'string', short: 'n', valueName: 'ADDR', description: "nameserver addresses, ';'-separated (or NAMESRV_ADDR)" },
    port: { type: 'string', short: 'p', valueName: 'PORT', description: 'HTTP port', default: '3000' },
    host: { type: 'string', valueName: 'HOST', description: 'address to bind', default: '127.0.0.1' },
    dev: { type: 'boolean', description: 'run the Next.js dev server (hot reload) instead of the production build' },
  },
  async run(ctx) {
    const port = intOpt(ctx.values, 'port', 0, 65535)!;
    const host = stringOpt(ctx.values, 'host')!;
    const namesrvAddr = stringOpt(ctx.values, 'namesrv') ?? process.env.NAMESRV_ADDR ?? '';
    const proc = await startConsole({ port, host, namesrvAddr, dev: ctx.values.dev === true, onLine: ctx.err });
    ctx.out(ctx.json ? JSON.stringify({ url: proc.url }) : `RocketDeck console at ${proc.url}`);
    const exited = proc.exited.then((code) => {
      throw new CliError(`console server exited with code ${code}`);
    });
    await Promise.race([waitForAbort(ctx.signal), exited]);
    await proc.stop();
    return EXIT_OK;
  },
};

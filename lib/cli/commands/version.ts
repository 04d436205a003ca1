// `rocketdeck version`: prints RocketDeck's version and the RocketMQ protocol version it speaks.

import { createRequire } from 'node:module';
import { DEFAULT_VERSION } from '../../remoting/command.ts';
import { EXIT_OK, type CommandSpec } from '../framework.ts';

export const versionCommand: CommandSpec = {
  name: 'version',
  summary: 'Print the RocketDeck version and the RocketMQ protocol version it announces',
  usage: 'version [--json]',
  async run(ctx) {
    const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };
    const info = { rocketdeck: pkg.version, protocolVersion: DEFAULT_VERSION, rocketmq: 'V4_9_8', node: process.version };
    ctx.out(ctx.json ? JSON.stringify(info) : `rocketdeck ${info.rocketdeck} (RocketMQ remoting protocol ${info.rocketmq}, version ${info.protocolVersion}), node ${info.node}`);
    return EXIT_OK;
  },
};

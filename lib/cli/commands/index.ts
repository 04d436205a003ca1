// The table of top-level rocketdeck commands; each lives in its own file in this folder and is loaded on use.

import type { CommandSpec } from '../framework.ts';

export const COMMANDS: Record<string, () => Promise<CommandSpec>> = {
  admin: async () => (await import('./admin.ts')).adminCommand,
  broker: async () => (await import('./broker.ts')).brokerCommand,
  build: async () => (await import('./build.ts')).buildCommand,
  console: async () => (await import('./console.ts')).consoleCommand,
  consume: async () => (await import('./consume.ts')).consumeCommand,
  'demo-traffic': async () => (await import('./demo-traffic.ts')).demoTrafficCommand,
  namesrv: async () => (await import('./namesrv.ts')).namesrvCommand,
  node: async () => (await import('./node.ts')).nodeCommand,
  produce: async () => (await import('./produce.ts')).produceCommand,
  proxy: async () => (await import('./proxy.ts')).proxyCommand,
  up: async () => (await import('./up.ts')).upCommand,
  version: async () => (await import('./version.ts')).versionCommand,
};

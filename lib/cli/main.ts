// The rocketdeck CLI: routes `rocketdeck <command> ...` to the command specs in ./commands.

import { runCommand, type CommandSpec } from './framework.ts';
import { COMMANDS } from './commands/index.ts';

export const ROOT: CommandSpec = {
  name: '',
  summary: 'RocketDeck: RocketMQ-compatible nameserver, broker, clients, admin tools and operations console.',
  usage: '<command> [options]',
  lazySubcommands: COMMANDS,
};

/** Runs the CLI with `argv` (without node and script); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  // A reader that goes away (`rocketdeck admin topicList | head`) is not a failure of ours.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // A supervised node's output goes to its supervisor: exit-with-parent.mjs stops it in order when that pipe breaks.
    if (err.code === 'EPIPE' && process.env.ROCKETDECK_SUPERVISOR_PID) return;
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runCommand(ROOT, argv, {
      out: (line) => process.stdout.write(line + '\n'),
      err: (line) => process.stderr.write(line + '\n'),
      signal: controller.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

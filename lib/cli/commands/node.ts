// `rocketdeck node list|stop|start|restart|kill <name>`: acts on one node of a running `rocketdeck up`.

import { resolve } from 'node:path';
import { CliError, EXIT_OK, stringOpt, UsageError, type CommandSpec } from '../framework.ts';
import { ControlError, controlRequest } from '../../cluster/control.ts';
import type { NodeStatus } from '../../cluster/supervisor.ts';

const dirOption = {
  dir: { type: 'string' as const, valueName: 'DIR', description: 'directory of the running cluster', default: './.rocketdeck' },
};

async function call(dir: string, method: 'GET' | 'POST', path: string): Promise<unknown> {
  try {
    return await controlRequest(resolve(dir), method, path);
  } catch (err) {
    if (err instanceof ControlError) throw new CliError(err.message);
    throw err;
  }
}

function printNode(out: (l: string) => void, n: NodeStatus) {
  out(`${n.name.padEnd(16)} ${n.role.padEnd(8)} ${n.state.padEnd(9)} ${n.pid ? `pid ${n.pid}` : ''}${n.port ? `  port ${n.port}` : ''}`);
}

const action = (verb: 'stop' | 'start' | 'restart' | 'kill', summary: string): CommandSpec => ({
  name: verb,
  summary,
  usage: `node ${verb} <name> [--dir DIR]`,
  options: dirOption,
  allowPositionals: true,
  async run(ctx) {
    const name = ctx.positionals[0];
    if (!name) throw new UsageError(`name the node to ${verb} (see 'rocketdeck node list')`);
    const res = (await call(stringOpt(ctx.values, 'dir')!, 'POST', `/nodes/${encodeURIComponent(name)}/${verb}`)) as { node: NodeStatus };
    if (ctx.json) ctx.out(JSON.stringify(res.node));
    else printNode(ctx.out, res.node);
    return EXIT_OK;
  },
});

export const nodeCommand: CommandSpec = {
  name: 'node',
  summary: 'List, stop, start, restart or kill one node of a running local cluster',
  usage: 'node <list|stop|start|restart|kill> [name] [--dir DIR]',
  subcommands: [
    {
      name: 'list',
      summary: 'List the nodes of the running local cluster and their state',
      usage: 'node list [--dir DIR]',
      options: dirOption,
      async run(ctx) {
        const res = (await call(stringOpt(ctx.values, 'dir')!, 'GET', '/nodes')) as { nodes: NodeStatus[] };
        if (ctx.json) ctx.out(JSON.stringify(res.nodes));
        else for (const n of res.nodes) printNode(ctx.out, n);
        return EXIT_OK;
      },
    },
    action('stop', 'Stop a node cleanly (SIGTERM)'),
    action('kill', 'Kill a node at once (SIGKILL), as a crash would'),
    action('start', 'Start a stopped node again'),
    action('restart', 'Stop and start a node'),
  ],
};

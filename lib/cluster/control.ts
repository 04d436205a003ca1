// Control channel of a running `rocketdeck up`: a loopback HTTP API (list, stop, start, restart a node)
// whose port is written to <dir>/cluster.json so that `rocketdeck node ...` can find it.

import { createServer, type Server } from 'node:http';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Supervisor } from './supervisor.ts';
import { RocketDeckError } from '../common/errors.ts';

export interface ClusterFile {
  pid: number;
  controlPort: number;
  namesrvAddr: string;
  consoleUrl?: string;
  startedAt: string;
}

export const clusterFilePath = (dir: string) => join(dir, 'cluster.json');

export class ControlError extends RocketDeckError {
  constructor(message: string) {
    super(message);
    this.name = 'ControlError';
  }
}

export async function startControlServer(sup: Supervisor, dir: string, info: Omit<ClusterFile, 'pid' | 'controlPort' | 'startedAt'>): Promise<{ close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/nodes') return reply(200, { nodes: sup.status() });
      const m = /^\/nodes\/([^/]+)\/(stop|start|restart|kill)$/.exec(url.pathname);
      if (req.method === 'POST' && m) {
        const name = decodeURIComponent(m[1]!);
        if (!sup.names().includes(name)) return reply(404, { error: `no node named '${name}' (known: ${sup.names().join(', ')})` });
        if (m[2] === 'stop') await sup.stop(name);
        else if (m[2] === 'kill') await sup.stop(name, { kill: true });
        else if (m[2] === 'start') await sup.start(name);
        else await sup.restart(name);
        return reply(200, { node: sup.status().find((s) => s.name === name) });
      }
      reply(404, { error: `unknown control request ${req.method} ${url.pathname}` });
    } catch (err) {
      reply(500, { error: (err as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const controlPort = (server.address() as { port: number }).port;
  const file: ClusterFile = { ...info, pid: process.pid, controlPort, startedAt: new Date().toISOString() };
  writeFileSync(clusterFilePath(dir), JSON.stringify(file, null, 2) + '\n');
  return {
    close: () =>
      new Promise<void>((resolve) => {
        rmSync(clusterFilePath(dir), { force: true });
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function readClusterFile(dir: string): ClusterFile {
  let text: string;
  try {
    text = readFileSync(clusterFilePath(dir), 'utf8');
  } catch {
    throw new ControlError(`no running cluster found in ${dir} (no cluster.json); start one with 'rocketdeck up --dir ${dir}'`);
  }
  return JSON.parse(text) as ClusterFile;
}

/** Sends one control request to the `rocketdeck up` running in `dir`. */
export async function controlRequest(dir: string, method: 'GET' | 'POST', path: string): Promise<unknown> {
  const file = readClusterFile(dir);
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${file.controlPort}${path}`, { method, signal: AbortSignal.timeout(120_000) });
  } catch (err) {
    throw new ControlError(`the cluster in ${dir} (pid ${file.pid}) does not answer on its control port ${file.controlPort}: ${(err as Error).message}`);
  }
  const body = (await res.json()) as { error?: string };
  if (!res.ok) throw new ControlError(body.error ?? `control request failed with HTTP ${res.status}`);
  return body;
}

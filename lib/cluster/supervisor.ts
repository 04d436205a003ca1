// Supervises the processes of a local cluster: start, readiness by TCP port, stop/restart one node, report deaths.

import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RocketDeckError } from '../common/errors.ts';
import { SERVER_NODE_FLAGS } from './node-flags.ts';

export const CLI_BIN = fileURLToPath(new URL('../cli/bin.mjs', import.meta.url));

export type NodeRole = 'namesrv' | 'broker' | 'console' | 'traffic';
export type NodeState = 'starting' | 'running' | 'stopping' | 'stopped' | 'exited';

export interface NodeSpec {
  name: string;
  role: NodeRole;
  /** Arguments after `rocketdeck` (e.g. ['namesrv', '--port', '9876']). */
  args: string[];
  /** Port whose accepting connections means the node is ready; none = ready once spawned. */
  readyPort?: number;
  /** More ports that must accept before the node counts as ready (a broker's gRPC endpoint starts after its port). */
  alsoReadyPorts?: number[];
  host?: string;
  env?: Record<string, string>;
  /** Seconds to wait for readiness. */
  readyTimeoutSec?: number;
}

export interface NodeStatus {
  name: string;
  role: NodeRole;
  state: NodeState;
  pid?: number;
  port?: number;
  exitCode?: number | null;
  signal?: string | null;
  startedAt?: number;
  logFile: string;
}

interface NodeEntry {
  spec: NodeSpec;
  state: NodeState;
  child?: ChildProcess;
  exited?: Promise<void>;
  log?: WriteStream;
  status: NodeStatus;
}

export class NodeStartError extends RocketDeckError {
  constructor(
    readonly node: string,
    message: string,
  ) {
    super(message);
    this.name = 'NodeStartError';
  }
}

/** Resolves true once host:port accepts a TCP connection. */
export function portAccepts(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/**
 * Events: 'exit' (status: NodeStatus, expected: boolean) when a child ends; expected is false for a death
 * the supervisor did not ask for.
 */
export class Supervisor extends EventEmitter {
  private readonly nodes = new Map<string, NodeEntry>();

  constructor(private readonly logDir: string) {
    super();
    mkdirSync(logDir, { recursive: true });
  }

  add(spec: NodeSpec): void {
    if (this.nodes.has(spec.name)) throw new Error(`node '${spec.name}' is already defined`);
    const logFile = join(this.logDir, `${spec.name}.log`);
    this.nodes.set(spec.name, {
      spec,
      state: 'stopped',
      status: { name: spec.name, role: spec.role, state: 'stopped', port: spec.readyPort, logFile },
    });
  }

  names(): string[] {
    return [...this.nodes.keys()];
  }

  status(): NodeStatus[] {
    return [...this.nodes.values()].map((e) => ({ ...e.status, state: e.state }));
  }

  private entry(name: string): NodeEntry {
    const e = this.nodes.get(name);
    if (!e) throw new Error(`no node named '${name}' (known: ${this.names().join(', ')})`);
    return e;
  }

  /** Spawns the node and resolves when it is ready; rejects with NodeStartError if it dies or times out. */
  async start(name: string): Promise<void> {
    const e = this.entry(name);
    if (e.state === 'running' || e.state === 'starting') return;
    const { spec } = e;
    const host = spec.host ?? '127.0.0.1';
    // Readiness is "the port accepts": make sure it is not some other process's port already.
    if (spec.readyPort !== undefined && (await portAccepts(host, spec.readyPort))) {
      throw new NodeStartError(name, `${name} cannot start: ${host}:${spec.readyPort} is already in use by another process`);
    }
    e.log = createWriteStream(e.status.logFile, { flags: 'a' });
    e.log.write(`--- ${new Date().toISOString()} starting ${spec.name}: rocketdeck ${spec.args.join(' ')}\n`);
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, CLI_BIN, ...spec.args], {
      // The child stops itself once this process is gone, however it died (lib/cluster/exit-with-parent.mjs).
      env: { ...process.env, ...spec.env, ROCKETDECK_SUPERVISOR_PID: String(process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: a terminal's Ctrl-C reaches only the supervisor, which then stops each node once,
      // in order (a node that got both the terminal's signal and ours would take the second as "exit now").
      detached: true,
    });
    e.child = child;
    e.state = 'starting';
    e.status = { ...e.status, pid: child.pid, exitCode: undefined, signal: undefined, startedAt: Date.now() };
    child.stdout!.pipe(e.log, { end: false });
    child.stderr!.pipe(e.log, { end: false });
    e.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const expected = e.state === 'stopping';
        e.state = expected ? 'stopped' : 'exited';
        e.status = { ...e.status, exitCode: code, signal };
        e.log?.write(`--- ${new Date().toISOString()} ${spec.name} exited code=${code} signal=${signal}\n`);
        this.emit('exit', { ...e.status, state: e.state }, expected);
        resolve();
      });
    });
    const deadline = Date.now() + (spec.readyTimeoutSec ?? 30) * 1000;
    for (;;) {
      if (e.child !== child || child.exitCode !== null || child.signalCode !== null) {
        throw new NodeStartError(name, `${name} exited (code ${child.exitCode}) before it was ready; see ${e.status.logFile}`);
      }
      if (spec.readyPort === undefined || (await portAccepts(host, spec.readyPort))) {
        const more = await Promise.all((spec.alsoReadyPorts ?? []).map((p) => portAccepts(host, p)));
        if (more.every(Boolean)) break;
      }
      if (Date.now() > deadline) {
        await this.stop(name);
        throw new NodeStartError(name, `${name} did not listen on ${host}:${spec.readyPort} within ${spec.readyTimeoutSec ?? 30} s; see ${e.status.logFile}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    e.state = 'running';
  }

  /** Stops the node with SIGTERM (SIGKILL after `graceMs`, or at once when `kill` is set). */
  async stop(name: string, opts: { kill?: boolean; graceMs?: number } = {}): Promise<void> {
    const e = this.entry(name);
    const child = e.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      if (e.state !== 'exited') e.state = 'stopped';
      return;
    }
    e.state = 'stopping';
    child.kill(opts.kill ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.graceMs ?? 10_000);
    await e.exited;
    clearTimeout(timer);
  }

  async restart(name: string): Promise<void> {
    await this.stop(name);
    await this.start(name);
  }

  /** Stops every node: clients and console first, then brokers (so they unregister), then nameservers. */
  async stopAll(): Promise<void> {
    const tiers: NodeRole[][] = [['traffic', 'console'], ['broker'], ['namesrv']];
    for (const roles of tiers) {
      const names = [...this.nodes.values()].filter((e) => roles.includes(e.spec.role)).map((e) => e.spec.name);
      await Promise.all(names.map((n) => this.stop(n)));
    }
    for (const e of this.nodes.values()) e.log?.end();
  }
}

// Remoting client: one lazily created connection per "host:port", request/response calls with per-call timeouts.

import net from 'node:net';
import { createLogger, type Logger } from '../common/log.ts';
import type { RemotingCommand } from './command.ts';
import { DEFAULT_MAX_FRAME_LENGTH } from './codec.ts';
import { ProcessorRegistry, RemotingConnection, type RequestHandler } from './connection.ts';
import { RemotingClosedError, RemotingConnectError, RemotingTimeoutError } from './errors.ts';

export interface RemotingClientOptions {
  connectTimeoutMs?: number;
  defaultTimeoutMs?: number;
  maxFrameLength?: number;
  logger?: Logger;
  /** Handlers for requests the server sends to us (e.g. NOTIFY_CONSUMER_IDS_CHANGED). */
  processors?: Map<number, RequestHandler>;
  /** How long close() waits for a peer's FIN before destroying the socket (a hung peer never sends one). */
  closeTimeoutMs?: number;
  /** RocketMQ's RPCHook.doBeforeRequest: runs on every request this client sends (signing: lib/auth). */
  beforeRequest?: (addr: string, req: RemotingCommand) => void;
  /**
   * Hand requests straight to a server of this same process when the address is one (no encoding, no syscalls);
   * the gRPC endpoint inside a broker uses it. Off by default: other clients keep the wire.
   */
  dispatchInProcess?: boolean;
}

/** Splits "host:port" (IPv6 hosts may be bracketed: "[::1]:9876"). */
export function parseAddr(addr: string): { host: string; port: number } | undefined {
  const i = addr.lastIndexOf(':');
  if (i <= 0) return undefined;
  let host = addr.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const portText = addr.slice(i + 1);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535 || host === '') return undefined;
  return { host, port };
}

export class RemotingClient {
  private readonly connectTimeoutMs: number;
  private readonly defaultTimeoutMs: number;
  private readonly closeTimeoutMs: number | undefined;
  private readonly maxFrameLength: number;
  private readonly logger: Logger;
  private readonly processors: ProcessorRegistry;
  private readonly connections = new Map<string, RemotingConnection>();
  private readonly connecting = new Map<string, Promise<RemotingConnection>>();
  private readonly connectingSockets = new Set<net.Socket>();
  private isClosed = false;
  private readonly beforeRequest?: (addr: string, req: RemotingCommand) => void;
  /** See RemotingClientOptions.dispatchInProcess; applies to connections opened after it is set. */
  dispatchInProcess: boolean;

  constructor(opts: RemotingClientOptions = {}) {
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 3000;
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? 3000;
    this.closeTimeoutMs = opts.closeTimeoutMs;
    this.maxFrameLength = opts.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
    this.logger = opts.logger ?? createLogger('remoting.client');
    this.processors = new ProcessorRegistry(opts.processors);
    this.beforeRequest = opts.beforeRequest;
    this.dispatchInProcess = opts.dispatchInProcess ?? false;
  }

  registerProcessor(code: number, handler: RequestHandler): void {
    this.processors.set(code, handler);
  }

  async invoke(addr: string, req: RemotingCommand, timeoutMs = this.defaultTimeoutMs): Promise<RemotingCommand> {
    const start = Date.now();
    this.beforeRequest?.(addr, req);
    const conn = await this.getConnection(addr);
    // Like RocketMQ, the time spent connecting counts against the call's timeout.
    const left = timeoutMs - (Date.now() - start);
    if (left <= 0) {
      throw new RemotingTimeoutError(addr, timeoutMs, `request ${req.code} to ${addr} timed out after ${timeoutMs}ms while connecting`);
    }
    return conn.invoke(req, left, timeoutMs);
  }

  async invokeOneway(addr: string, req: RemotingCommand): Promise<void> {
    this.beforeRequest?.(addr, req);
    const conn = await this.getConnection(addr);
    return conn.invokeOneway(req);
  }

  getConnection(addr: string): Promise<RemotingConnection> {
    if (this.isClosed) return Promise.reject(new RemotingClosedError(`remoting client is closed (connecting to ${addr})`));
    const existing = this.connections.get(addr);
    if (existing && !existing.closed) return Promise.resolve(existing);
    let pending = this.connecting.get(addr);
    if (!pending) {
      pending = this.connect(addr).finally(() => this.connecting.delete(addr));
      this.connecting.set(addr, pending);
    }
    return pending;
  }

  closeConnection(addr: string): void {
    const conn = this.connections.get(addr);
    if (!conn) return;
    this.connections.delete(addr);
    conn.close('closed by client');
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const s of this.connectingSockets) s.destroy();
    const conns = [...this.connections.values()];
    this.connections.clear();
    for (const c of conns) {
      c.close('remoting client closed', (code) => new RemotingClosedError(`remoting client closed before the response to request ${code} from ${c.remoteAddr}`));
    }
    await Promise.all(conns.map((c) => c.whenSocketClosed()));
  }

  private connect(addr: string): Promise<RemotingConnection> {
    const target = parseAddr(addr);
    if (!target) return Promise.reject(new RemotingConnectError(addr, `invalid remoting address "${addr}" (want host:port)`));
    return new Promise<RemotingConnection>((resolve, reject) => {
      const socket = net.connect({ host: target.host, port: target.port });
      this.connectingSockets.add(socket);
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.connectingSockets.delete(socket);
        socket.removeAllListeners();
        socket.on('error', () => {}); // late errors of an abandoned socket carry no news
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(
        () => fail(new RemotingConnectError(addr, `connect to ${addr} timed out after ${this.connectTimeoutMs}ms`)),
        this.connectTimeoutMs,
      );
      socket.once('error', (err) => {
        fail(
          this.isClosed
            ? new RemotingClosedError(`remoting client closed while connecting to ${addr}`)
            : new RemotingConnectError(addr, `connect to ${addr} failed: ${err.message}`, { cause: err }),
        );
      });
      socket.once('close', () => fail(new RemotingClosedError(`remoting client closed while connecting to ${addr}`)));
      socket.once('connect', () => {
        clearTimeout(timer);
        this.connectingSockets.delete(socket);
        socket.removeAllListeners();
        const conn = new RemotingConnection(socket, {
          processors: this.processors,
          logger: this.logger,
          maxFrameLength: this.maxFrameLength,
          closeTimeoutMs: this.closeTimeoutMs,
          inProcess: this.dispatchInProcess ? 'dispatch' : undefined,
        });
        if (this.isClosed) {
          conn.close('remoting client closed');
          reject(new RemotingClosedError(`remoting client closed while connecting to ${addr}`));
          return;
        }
        conn.once('close', (reason: string) => {
          if (this.connections.get(addr) === conn) this.connections.delete(addr);
          this.logger.info('connection_closed', { addr, connId: conn.id, reason });
        });
        this.connections.set(addr, conn);
        resolve(conn);
      });
    });
  }
}

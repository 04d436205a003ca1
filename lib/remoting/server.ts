// Remoting server: accepts connections and answers requests through a processor per request code.

import { EventEmitter } from 'node:events';
import net from 'node:net';
import { createLogger, type Logger } from '../common/log.ts';
import type { RemotingCommand } from './command.ts';
import { DEFAULT_MAX_FRAME_LENGTH } from './codec.ts';
import { ProcessorRegistry, RemotingConnection, type ProcessorTable, type RequestHandler } from './connection.ts';
import { RemotingClosedError, RemotingError } from './errors.ts';

export interface RemotingServerOptions {
  host?: string;
  port?: number;
  maxFrameLength?: number;
  logger?: Logger;
  /** Bytes queued to one slow reader before we stop reading its requests until it catches up. */
  writeHighWaterMark?: number;
}

/** Answers a request it refuses; undefined lets the request through to its processor. Synchronous by design. */
export type RequestPipeline = (req: RemotingCommand, conn: RemotingConnection) => RemotingCommand | undefined;

export const DEFAULT_WRITE_HIGH_WATER_MARK = 4 * 1024 * 1024;

export class RemotingServer extends EventEmitter {
  private readonly host: string;
  private readonly port: number;
  private readonly maxFrameLength: number;
  private readonly writeHighWaterMark: number;
  private readonly logger: Logger;
  private readonly processors = new ProcessorRegistry();
  /** Checked before a matched processor runs; an answer it gives is sent instead (RocketMQ 5.x's RequestPipeline). */
  private pipeline?: RequestPipeline;
  /** Handlers with the pipeline in front, made once per code (not a closure per request); cleared on any change. */
  private readonly wrapped = new Map<number, RequestHandler | undefined>();
  private wrappedFallback?: { handler: RequestHandler | undefined };
  private readonly guarded: ProcessorTable = ((server) => ({
    get: (code: number) => {
      let h = server.wrapped.get(code);
      if (h === undefined && !server.wrapped.has(code)) {
        h = server.withPipeline(server.processors.get(code));
        server.wrapped.set(code, h);
      }
      return h;
    },
    get fallback() {
      server.wrappedFallback ??= { handler: server.withPipeline(server.processors.fallback) };
      return server.wrappedFallback.handler;
    },
  }))(this);
  private readonly conns = new Set<RemotingConnection>();
  private netServer?: net.Server;
  private bound?: { host: string; port: number };
  private closing?: Promise<void>;

  constructor(opts: RemotingServerOptions = {}) {
    super();
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    this.maxFrameLength = opts.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
    this.writeHighWaterMark = opts.writeHighWaterMark ?? DEFAULT_WRITE_HIGH_WATER_MARK;
    this.logger = opts.logger ?? createLogger('remoting.server');
  }

  registerProcessor(code: number, handler: RequestHandler): void {
    this.processors.set(code, handler);
    this.wrapped.delete(code);
  }

  setDefaultProcessor(handler: RequestHandler): void {
    this.processors.fallback = handler;
    this.wrappedFallback = undefined;
  }

  /** Installs the request pipeline (access control): it answers a refused request, or returns undefined to go on. */
  setRequestPipeline(pipeline: RequestPipeline | undefined): void {
    this.pipeline = pipeline;
    this.wrapped.clear();
    this.wrappedFallback = undefined;
  }

  private withPipeline(handler: RequestHandler | undefined): RequestHandler | undefined {
    const pipeline = this.pipeline;
    if (!handler || !pipeline) return handler;
    return (req, conn) => {
      const refused = pipeline(req, conn);
      if (refused) return refused;
      return handler(req, conn);
    };
  }

  get address(): string {
    if (!this.bound) throw new RemotingError('remoting server is not listening');
    return `${this.bound.host}:${this.bound.port}`;
  }

  get connections(): ReadonlySet<RemotingConnection> {
    return this.conns;
  }

  listen(): Promise<{ host: string; port: number }> {
    if (this.closing) return Promise.reject(new RemotingClosedError('remoting server is closed'));
    if (this.netServer) return Promise.reject(new RemotingError(`remoting server already listening on ${this.bound ? this.address : 'a port'}`));
    const server = net.createServer((socket) => this.accept(socket));
    this.netServer = server;
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        this.netServer = undefined;
        reject(new RemotingError(`cannot listen on ${this.host}:${this.port}: ${err.message}`, { cause: err }));
      };
      server.once('error', onError);
      server.listen(this.port, this.host, () => {
        server.off('error', onError);
        server.on('error', (err) => this.logger.error('server_error', { error: err }));
        const a = server.address() as net.AddressInfo;
        this.bound = { host: this.host, port: a.port };
        this.logger.info('listening', { address: this.address });
        resolve({ ...this.bound });
      });
    });
  }

  /** Stops accepting, gives running handlers up to `graceMs` to answer, then closes every connection. */
  close(graceMs = 3000): Promise<void> {
    this.closing ??= this.shutdown(graceMs);
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    const server = this.netServer;
    const stopped = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all([...this.conns].map((c) => c.whenHandlersIdle())), grace]);
    clearTimeout(timer);
    const conns = [...this.conns];
    for (const c of conns) c.close('remoting server closed');
    await Promise.all(conns.map((c) => c.whenSocketClosed()));
    await stopped;
    if (this.bound) this.logger.info('closed', { address: this.address });
  }

  private accept(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const conn = new RemotingConnection(socket, {
      processors: this.guarded,
      logger: this.logger,
      maxFrameLength: this.maxFrameLength,
      writeHighWaterMark: this.writeHighWaterMark,
      inProcess: 'accept',
    });
    this.conns.add(conn);
    conn.once('close', (reason: string) => {
      this.conns.delete(conn);
      this.logger.info('connection_closed', { connId: conn.id, remoteAddr: conn.remoteAddr, reason });
      this.emit('disconnect', conn, reason);
    });
    this.emit('connection', conn);
  }
}

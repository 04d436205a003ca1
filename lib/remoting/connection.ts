// One remoting TCP connection: frame splitting, opaque correlation of responses, dispatch of incoming requests.
// Client and server both use it; either side may send requests over it (a broker asks a consumer for its running info).

import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Logger } from '../common/log.ts';
import { type RemotingCommand, FLAG_ONEWAY, FLAG_RESPONSE, createResponse } from './command.ts';
import { DEFAULT_MAX_FRAME_LENGTH, FrameDecoder, decodeFrame, encodeFrame, encodeFrameHead } from './codec.ts';
import { FrameDecodeError, RemotingSendError, RemotingTimeoutError } from './errors.ts';

/** RocketMQ ResponseCode values the transport itself answers with. */
export const SYSTEM_ERROR = 1;
export const REQUEST_CODE_NOT_SUPPORTED = 3;

export type RequestHandler = (
  req: RemotingCommand,
  conn: RemotingConnection,
) => Promise<RemotingCommand | undefined | void> | RemotingCommand | undefined | void;

export interface ProcessorTable {
  get(code: number): RequestHandler | undefined;
  fallback?: RequestHandler;
}

/** The processor table client and server keep: one handler per request code plus an optional default. */
export class ProcessorRegistry implements ProcessorTable {
  private readonly byCode = new Map<number, RequestHandler>();
  fallback?: RequestHandler;

  constructor(initial?: Map<number, RequestHandler>) {
    if (initial) for (const [code, handler] of initial) this.byCode.set(code, handler);
  }

  set(code: number, handler: RequestHandler): void {
    this.byCode.set(code, handler);
  }

  get(code: number): RequestHandler | undefined {
    return this.byCode.get(code);
  }
}

export interface RemotingConnectionOptions {
  processors: ProcessorTable;
  logger: Logger;
  maxFrameLength?: number;
  /** Bytes queued for writing above which we stop reading from the peer until the queue drains; unset = never. */
  writeHighWaterMark?: number;
  /** How long a graceful close waits for queued writes and the peer's FIN before destroying the socket. */
  closeTimeoutMs?: number;
  /**
   * 'accept': a server-side connection other connections of this process may hand requests to directly;
   * 'dispatch': a client-side connection that does so when its peer is such a connection (see invoke).
   */
  inProcess?: 'accept' | 'dispatch';
}

interface PendingInvoke {
  resolve: (res: RemotingCommand) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  code: number;
}

const MAX_OPAQUE = 0x7fffffff;
/** Smallest immutable body sent after its header instead of copied into the frame (below, a copy is cheaper). */
const SEPARATE_BODY_MIN = 8 * 1024;
let connectionSeq = 0;

/** Server-side connections accepted by this process, by "localAddr>remoteAddr" (the client side's reverse). */
const acceptedInProcess = new Map<string, RemotingConnection>();

/** A command as the peer would decode it: its own object and header map, the body shared. */
function wireCopy(cmd: RemotingCommand, opaque: number, flag: number): RemotingCommand {
  return {
    code: cmd.code, language: cmd.language, version: cmd.version, opaque, flag, remark: cmd.remark ?? undefined,
    extFields: cmd.extFields ? { ...cmd.extFields } : undefined, serializeType: cmd.serializeType, body: cmd.body && cmd.body.length > 0 ? cmd.body : undefined,
  };
}

/** "ip:port", with IPv4-mapped IPv6 addresses shown as plain IPv4 (what RocketMQ peers print). */
export function formatAddr(host: string | undefined, port: number | undefined): string {
  const h = host?.startsWith('::ffff:') ? host.slice(7) : (host ?? 'unknown');
  return `${h}:${port ?? 0}`;
}

export class RemotingConnection extends EventEmitter {
  readonly id: string;
  readonly remoteAddr: string;
  readonly localAddr: string;

  private readonly decoder: FrameDecoder;
  private readonly processors: ProcessorTable;
  private readonly logger: Logger;
  private readonly writeHighWaterMark: number | undefined;
  private readonly closeTimeoutMs: number;
  private readonly pending = new Map<number, PendingInvoke>();
  private nextOpaque = 0;
  private isClosed = false;
  private paused = false;
  private corked = false;
  /** Frames read before reading was paused, dispatched once the write queue drains. */
  private backlog: Buffer[] = [];
  private handlersRunning = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly socketClosed: Promise<void>;
  private readonly inProcess: 'accept' | 'dispatch' | undefined;
  /** Client side: the server-side connection of this process at the other end of the socket, once found. */
  private localPeer?: RemotingConnection;
  /** Server side: the client connection whose requests were handed over directly, and their opaques awaiting an answer. */
  private localClient?: RemotingConnection;
  private readonly localOpaques = new Set<number>();

  constructor(
    private readonly socket: Socket,
    opts: RemotingConnectionOptions,
  ) {
    super();
    this.remoteAddr = formatAddr(socket.remoteAddress, socket.remotePort);
    this.localAddr = formatAddr(socket.localAddress, socket.localPort);
    this.id = `${this.remoteAddr}#${++connectionSeq}`;
    this.processors = opts.processors;
    this.logger = opts.logger;
    this.decoder = new FrameDecoder(opts.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH);
    this.writeHighWaterMark = opts.writeHighWaterMark;
    this.closeTimeoutMs = opts.closeTimeoutMs ?? 1000;
    this.inProcess = opts.inProcess;
    if (this.inProcess === 'accept') acceptedInProcess.set(`${this.localAddr}>${this.remoteAddr}`, this);

    socket.setNoDelay(true);
    this.socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', this.onData);
    socket.on('end', () => this.close('peer closed the connection'));
    socket.on('close', () => this.close('socket closed'));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A peer vanishing (reset, broken pipe) is routine; anything else deserves attention.
      const routine = err.code === 'ECONNRESET' || err.code === 'EPIPE';
      const fields = { connId: this.id, remoteAddr: this.remoteAddr, error: err, errno: err.code };
      if (routine) this.logger.info('socket_error', fields);
      else this.logger.warn('socket_error', fields);
      this.destroy(`socket error: ${err.message}`);
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** True while reading from the peer is paused because it does not read our writes fast enough. */
  get readingPaused(): boolean {
    return this.paused;
  }

  /** Bytes queued in user space for writing to the peer. */
  get writableLength(): number {
    return this.socket.writableLength;
  }

  /** Requests sent by us that still wait for their response. */
  get pendingInvokes(): number {
    return this.pending.size;
  }

  /** Incoming requests whose handler returned a promise that has not settled yet. */
  get runningHandlers(): number {
    return this.handlersRunning;
  }

  /** Resolves when no handler promise is running on this connection. */
  whenHandlersIdle(): Promise<void> {
    if (this.handlersRunning === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves once the underlying socket is fully closed. */
  whenSocketClosed(): Promise<void> {
    return this.socketClosed;
  }

  /**
   * Sends `req` and waits up to `timeoutMs` for its response. `budgetMs` is the whole timeout the caller asked for
   * (the client spends part of it connecting); a timeout error names that one.
   */
  invoke(req: RemotingCommand, timeoutMs: number, budgetMs = timeoutMs): Promise<RemotingCommand> {
    const peer = this.inProcess === 'dispatch' ? this.findLocalPeer() : undefined;
    if (peer) return this.invokeInProcess(peer, req, timeoutMs, budgetMs);
    return new Promise<RemotingCommand>((resolve, reject) => {
      const opaque = this.takeOpaque();
      const frame = this.encodeRequest(req, opaque, req.flag & ~(FLAG_RESPONSE | FLAG_ONEWAY), reject);
      if (!frame) return;
      const timer = setTimeout(() => {
        if (this.pending.get(opaque) !== entry) return;
        this.pending.delete(opaque);
        const msg = `request ${req.code} to ${this.remoteAddr} timed out after ${budgetMs}ms (opaque ${opaque})`;
        reject(new RemotingTimeoutError(this.remoteAddr, budgetMs, msg));
      }, timeoutMs);
      const entry: PendingInvoke = { resolve, reject, timer, code: req.code };
      this.pending.set(opaque, entry);
      this.write(frame, (err) => {
        if (!err || this.pending.get(opaque) !== entry) return;
        this.pending.delete(opaque);
        clearTimeout(timer);
        reject(this.sendFailed(req, err));
      });
      this.checkBackPressure();
    });
  }

  /**
   * The server end of this socket when it was accepted by this process (a broker and the gRPC endpoint in one
   * process): requests then go to its processors without encoding, syscalls and decoding. The connection, its
   * address, the processors and the request pipeline a request meets are the same as over the socket, and answers
   * given later (long polling) come back the same way; oneway requests and requests from the server keep the socket.
   */
  private findLocalPeer(): RemotingConnection | undefined {
    if (this.localPeer && !this.localPeer.isClosed) return this.localPeer;
    const peer = acceptedInProcess.get(`${this.remoteAddr}>${this.localAddr}`);
    this.localPeer = peer && !peer.isClosed ? peer : undefined;
    return this.localPeer;
  }

  private invokeInProcess(peer: RemotingConnection, req: RemotingCommand, timeoutMs: number, budgetMs: number): Promise<RemotingCommand> {
    return new Promise<RemotingCommand>((resolve, reject) => {
      if (this.isClosed) {
        reject(new RemotingSendError(this.remoteAddr, `cannot send request ${req.code} to ${this.remoteAddr}: connection closed`));
        return;
      }
      const opaque = this.takeOpaque();
      const timer = setTimeout(() => {
        if (this.pending.get(opaque) !== entry) return;
        this.pending.delete(opaque);
        reject(new RemotingTimeoutError(this.remoteAddr, budgetMs, `request ${req.code} to ${this.remoteAddr} timed out after ${budgetMs}ms (opaque ${opaque})`));
      }, timeoutMs);
      const entry: PendingInvoke = { resolve, reject, timer, code: req.code };
      this.pending.set(opaque, entry);
      peer.acceptInProcess(wireCopy(req, opaque, req.flag & ~(FLAG_RESPONSE | FLAG_ONEWAY)), this);
    });
  }

  /** A request handed over by a client connection of this process (see findLocalPeer). */
  private acceptInProcess(req: RemotingCommand, from: RemotingConnection): void {
    this.localClient = from;
    this.localOpaques.add(req.opaque);
    this.onRequest(req);
  }

  invokeOneway(req: RemotingCommand): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const frame = this.encodeRequest(req, this.takeOpaque(), (req.flag & ~FLAG_RESPONSE) | FLAG_ONEWAY, reject);
      if (!frame) return;
      this.write(frame, (err) => (err ? reject(this.sendFailed(req, err)) : resolve()));
      this.checkBackPressure();
    });
  }

  /** The frame of a request about to be sent, or undefined after rejecting the call. */
  private encodeRequest(req: RemotingCommand, opaque: number, flag: number, reject: (err: Error) => void): Buffer | undefined {
    if (this.isClosed) {
      reject(new RemotingSendError(this.remoteAddr, `cannot send request ${req.code} to ${this.remoteAddr}: connection closed`));
      return undefined;
    }
    try {
      return encodeFrame({ ...req, opaque, flag });
    } catch (err) {
      reject(new RemotingSendError(this.remoteAddr, `cannot encode request ${req.code} for ${this.remoteAddr}: ${(err as Error).message}`, { cause: err }));
      return undefined;
    }
  }

  private sendFailed(req: RemotingCommand, err: Error): RemotingSendError {
    return new RemotingSendError(this.remoteAddr, `sending request ${req.code} to ${this.remoteAddr} failed: ${err.message}`, { cause: err });
  }

  /**
   * Writes a command as is (responses, including late ones from long polling).
   * Returns false when the connection is closed or the command cannot be encoded (that is logged).
   */
  send(cmd: RemotingCommand): boolean {
    if (this.isClosed) return false;
    if (this.localClient && cmd.flag & FLAG_RESPONSE && this.localOpaques.delete(cmd.opaque)) {
      const client = this.localClient;
      if (!client.isClosed) client.onResponse(wireCopy(cmd, cmd.opaque, cmd.flag));
      return true;
    }
    // A large body that never changes goes out after its header as is (both in the same writev), not copied.
    const separate = cmd.bodyImmutable === true && cmd.body !== undefined && cmd.body.length >= SEPARATE_BODY_MIN;
    let frame: Buffer;
    try {
      frame = separate ? encodeFrameHead(cmd) : encodeFrame(cmd);
    } catch (err) {
      this.logger.error('command_encode_failed', { connId: this.id, remoteAddr: this.remoteAddr, code: cmd.code, opaque: cmd.opaque, error: err });
      return false;
    }
    this.write(frame);
    if (separate) this.write(cmd.body!);
    this.checkBackPressure();
    return true;
  }

  /** Closes after flushing queued writes; pending invokes fail with RemotingSendError (or `makeError`'s error). */
  close(reason: string, makeError?: (code: number) => Error): void {
    if (this.isClosed) return;
    this.markClosed(reason, makeError);
    if (this.socket.destroyed) return;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), this.closeTimeoutMs).unref();
  }

  /** Closes at once, dropping queued writes (broken stream, socket error). */
  private destroy(reason: string): void {
    if (!this.isClosed) this.markClosed(reason);
    // Best effort for answers already produced in this tick (frames before a broken one).
    if (this.corked) this.uncork();
    this.socket.destroy();
  }

  private markClosed(reason: string, makeError?: (code: number) => Error): void {
    this.isClosed = true;
    if (this.inProcess === 'accept' && acceptedInProcess.get(`${this.localAddr}>${this.remoteAddr}`) === this) {
      acceptedInProcess.delete(`${this.localAddr}>${this.remoteAddr}`);
    }
    this.localOpaques.clear();
    this.localClient = undefined;
    this.localPeer = undefined;
    this.backlog = [];
    for (const [opaque, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(
        makeError?.(p.code) ??
          new RemotingSendError(this.remoteAddr, `connection to ${this.remoteAddr} closed before the response to request ${p.code} (opaque ${opaque}): ${reason}`),
      );
    }
    this.pending.clear();
    this.emit('close', reason);
  }

  private takeOpaque(): number {
    // Stays a non-negative int32 so it survives both header encodings; wraps long before any collision matters.
    this.nextOpaque = this.nextOpaque >= MAX_OPAQUE ? 1 : this.nextOpaque + 1;
    return this.nextOpaque;
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.isClosed) return;
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.rejectInput(err);
      return;
    }
    if (this.backlog.length > 0) {
      for (const f of frames) this.backlog.push(f);
      return;
    }
    for (let i = 0; i < frames.length; i++) {
      if (this.paused) {
        this.backlog = frames.slice(i);
        return;
      }
      if (!this.onFrame(frames[i]!)) return;
    }
  };

  /** Dispatches one frame; false when the frame was bad and the connection is gone. */
  private onFrame(frame: Buffer): boolean {
    let cmd: RemotingCommand;
    try {
      cmd = decodeFrame(frame);
    } catch (err) {
      this.rejectInput(err);
      return false;
    }
    if (cmd.flag & FLAG_RESPONSE) this.onResponse(cmd);
    else this.onRequest(cmd);
    return !this.isClosed;
  }

  private rejectInput(err: unknown): void {
    const reason = err instanceof FrameDecodeError ? err.message : `unexpected decode failure: ${String(err)}`;
    this.logger.warn('bad_frame', { connId: this.id, remoteAddr: this.remoteAddr, reason });
    this.destroy(`bad frame: ${reason}`);
  }

  private onResponse(res: RemotingCommand): void {
    const p = this.pending.get(res.opaque);
    if (!p) {
      this.logger.warn('unknown_response', { connId: this.id, remoteAddr: this.remoteAddr, opaque: res.opaque, code: res.code });
      return;
    }
    this.pending.delete(res.opaque);
    clearTimeout(p.timer);
    p.resolve(res);
  }

  private onRequest(req: RemotingCommand): void {
    const handler = this.processors.get(req.code) ?? this.processors.fallback;
    if (!handler) {
      if (!(req.flag & FLAG_ONEWAY)) this.send(createResponse(req, REQUEST_CODE_NOT_SUPPORTED, ` request type ${req.code} not supported`));
      return;
    }
    let result: ReturnType<RequestHandler>;
    try {
      result = handler(req, this);
    } catch (err) {
      this.replyError(req, err);
      return;
    }
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      this.handlersRunning++;
      (result as Promise<RemotingCommand | undefined | void>).then(
        (res) => {
          this.handlerSettled();
          this.reply(req, res);
        },
        (err: unknown) => {
          this.handlerSettled();
          this.replyError(req, err);
        },
      );
    } else {
      this.reply(req, result as RemotingCommand | undefined | void);
    }
  }

  private handlerSettled(): void {
    if (--this.handlersRunning > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private reply(req: RemotingCommand, res: RemotingCommand | undefined | void): void {
    // Undefined means the handler answers later itself (long polling) or nothing is due.
    if (!res || req.flag & FLAG_ONEWAY) return;
    if (res.opaque !== req.opaque || res.serializeType !== req.serializeType || !(res.flag & FLAG_RESPONSE)) {
      res = { ...res, opaque: req.opaque, serializeType: req.serializeType, flag: res.flag | FLAG_RESPONSE };
    }
    if (!this.send(res) && !this.isClosed) {
      this.send(createResponse(req, SYSTEM_ERROR, `response to request ${req.code} could not be encoded`));
    }
  }

  private replyError(req: RemotingCommand, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.logger.error('request_handler_failed', { connId: this.id, remoteAddr: this.remoteAddr, code: req.code, opaque: req.opaque, error: err });
    if (!(req.flag & FLAG_ONEWAY)) this.send(createResponse(req, SYSTEM_ERROR, message));
  }

  private write(frame: Buffer, cb?: (err?: Error | null) => void): void {
    // Frames written in one tick (a burst of calls, the answers to one chunk of requests, the answers a store
    // acknowledgement completes) leave in one writev; socket order is write order, so answers on one connection
    // leave in the order they were written. (Uncorking once per event-loop turn instead, with setImmediate, gave
    // no fewer writev calls under the vs-apache/send-cost load: see docs/benchmarks.md.)
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.socket.write(frame, cb);
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  private checkBackPressure(): void {
    // writableNeedDrain guarantees a 'drain' event will come to resume us.
    if (this.writeHighWaterMark === undefined || this.paused || this.isClosed) return;
    if (this.socket.writableLength > this.writeHighWaterMark && this.socket.writableNeedDrain) {
      this.paused = true;
      this.socket.pause();
      this.socket.once('drain', this.onDrain);
    }
  }

  private readonly onDrain = (): void => {
    this.paused = false;
    if (this.isClosed) return;
    while (this.backlog.length > 0 && !this.paused) {
      const frame = this.backlog.shift()!;
      if (!this.onFrame(frame)) return;
    }
    if (!this.paused) this.socket.resume();
  };
}

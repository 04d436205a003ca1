// The gRPC endpoint for Apache RocketMQ 5.x clients: an HTTP/2 server with MessagingService over a remoting
// backend. Local mode runs it inside the broker (enableGrpcEndpoint); cluster mode is `rocketdeck proxy`.
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { formatAddr } from '../remoting/connection.ts';
import type { Logger } from '../common/log.ts';
import { RemotingBackend } from './backend.ts';
import { messagingServiceDefinition } from './proto.ts';
import { createMessagingService } from './service.ts';
import { ClientRegistry } from './sessions.ts';

export interface GrpcEndpointOptions {
  namesrvAddr: string | string[];
  /** Port to listen on (0 = any free port); default 8081. */
  port?: number;
  host?: string;
  logger: Logger;
  /** Largest accepted message body, bytes (default 4 MiB, the broker's maxMessageSize). */
  maxBodySize?: number;
  /** Shortest invisible duration of ReceiveMessage, ms (default 10 s as 5.x). */
  minInvisibleMs?: number;
  /** Address QueryRoute answers with when the client names none (default host:port listened on). */
  advertisedHost?: string;
  /** TLS: PEM certificate chain and private key files; plaintext when absent. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Timeout of remoting requests to brokers, ms. */
  brokerTimeoutMs?: number;
}

export interface GrpcEndpoint {
  readonly port: number;
  readonly registry: ClientRegistry;
  close(): Promise<void>;
}

/** Largest gRPC message read off the wire (5.x proxy: grpcMaxInboundMessageSize 130 MiB), so an oversized body gets MESSAGE_BODY_TOO_LARGE. */
const MAX_INBOUND_BYTES = 130 * 1024 * 1024;

/** HTTP/2 RST_STREAM / GOAWAY error code names (RFC 9113 section 7). */
const H2_ERRORS = ['NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED', 'FRAME_SIZE_ERROR',
  'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM', 'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED'];
const h2Error = (code: number): string => H2_ERRORS[code] ?? `0x${code.toString(16)}`;
const NGHTTP2_CANCEL = 8;
/** grpc-status values that are a client's own doing and no sign of abuse: OK, CANCELLED, DEADLINE_EXCEEDED. */
const ORDINARY_GRPC_STATUS = new Set(['0', '1', '4']);

/**
 * One log line per HTTP/2 session or stream the endpoint closes abnormally, with the reason and the peer: garbage
 * or protocol errors on a connection (grpc_session_closed), a stream reset by either side or failed by grpc-js
 * itself, e.g. a malformed protobuf, an oversized message, an unknown method (grpc_stream_closed). The service
 * answers its own failures inside the response status, so a non-OK grpc-status trailer is always grpc-js's.
 * grpc-js keeps its http2 servers private: they are reached through its (pinned) `http2Servers` map.
 */
function logAbnormalCloses(server: grpc.Server, log: Logger): void {
  const http2Servers = (server as unknown as { http2Servers?: Map<EventEmitter, unknown> }).http2Servers;
  if (!http2Servers) {
    log.warn('grpc_session_log_unavailable', { reason: 'grpc-js has no http2Servers map' });
    return;
  }
  const peers = new WeakMap<http2.Http2Session, string>();
  for (const h2 of http2Servers.keys()) {
    h2.on('session', (session: http2.ServerHttp2Session) => {
      const remoteAddr = formatAddr(session.socket?.remoteAddress, session.socket?.remotePort);
      peers.set(session, remoteAddr);
      let reason: string | undefined;
      session.on('error', (err: NodeJS.ErrnoException) => { reason ??= `${err.code ?? 'error'}: ${err.message}`; });
      session.on('frameError', (type: number, code: number, id: number) => { reason ??= `frame error ${h2Error(code)} (frame type ${type}, stream ${id})`; });
      session.on('goaway', (code: number) => { if (code !== 0) reason ??= `peer sent GOAWAY ${h2Error(code)}`; });
      session.socket?.on('error', (err: NodeJS.ErrnoException) => { reason ??= `socket ${err.code ?? 'error'}: ${err.message}`; });
      session.once('close', () => {
        if (reason) log.warn('grpc_session_closed', { remoteAddr, reason });
      });
    });
    h2.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
      const remoteAddr = peers.get(stream.session as http2.Http2Session) ?? 'unknown';
      stream.once('close', () => {
        // A trailers-only answer (grpc-js's own errors, e.g. UNIMPLEMENTED) carries its status in the headers.
        const trailers = (stream.sentTrailers ?? stream.sentHeaders) as Record<string, string | undefined> | undefined;
        const grpcStatus = trailers?.['grpc-status'];
        const rst = stream.rstCode ?? 0;
        let reason: string | undefined;
        if (grpcStatus !== undefined && !ORDINARY_GRPC_STATUS.has(grpcStatus)) {
          reason = `grpc-status ${grpcStatus}: ${decodeURIComponent(trailers?.['grpc-message'] ?? '')}`;
        } else if (rst !== 0 && rst !== NGHTTP2_CANCEL) {
          reason = `stream reset ${h2Error(rst)}`;
        }
        if (reason) log.warn('grpc_stream_closed', { remoteAddr, path: headers[':path'], reason });
      });
    });
  }
}

export async function startGrpcEndpoint(opts: GrpcEndpointOptions): Promise<GrpcEndpoint> {
  const log = opts.logger;
  const backend = new RemotingBackend({ namesrvAddr: opts.namesrvAddr, logger: log, timeoutMs: opts.brokerTimeoutMs });
  const registry = new ClientRegistry(backend, log);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_INBOUND_BYTES,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_concurrent_streams': 1000,
    // Per-call channelz bookkeeping (call counters, socket refs) nobody reads here.
    'grpc.enable_channelz': 0,
  });
  const host = opts.host ?? '0.0.0.0';
  let creds = grpc.ServerCredentials.createInsecure();
  if (opts.tlsCertFile || opts.tlsKeyFile) {
    if (!opts.tlsCertFile || !opts.tlsKeyFile) throw new Error('grpc TLS needs both a certificate and a key file');
    creds = grpc.ServerCredentials.createSsl(null, [{ cert_chain: fs.readFileSync(opts.tlsCertFile), private_key: fs.readFileSync(opts.tlsKeyFile) }], false);
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${opts.port ?? 8081}`, creds, (err, p) => (err ? reject(err) : resolve(p)));
  });
  const advertisedHost = opts.advertisedHost ?? (host === '0.0.0.0' ? '127.0.0.1' : host);
  logAbnormalCloses(server, log);
  server.addService(messagingServiceDefinition(), createMessagingService(backend, registry, {
    maxBodySize: opts.maxBodySize ?? 4 * 1024 * 1024,
    minInvisibleMs: opts.minInvisibleMs ?? 10_000,
    maxInvisibleMs: 12 * 3600 * 1000,
    advertisedAddress: { host: advertisedHost, port },
  }, log));
  log.info('grpc_endpoint_started', { host, port, tls: !!opts.tlsCertFile });
  return {
    port,
    registry,
    async close() {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => { server.forceShutdown(); resolve(); }, 2_000);
        server.tryShutdown(() => { clearTimeout(t); resolve(); });
      });
      registry.close();
      await backend.close();
      log.info('grpc_endpoint_stopped', { port });
    },
  };
}

// The gRPC endpoint for Apache RocketMQ 5.x clients: an HTTP/2 server with MessagingService over a remoting
// backend. Local mode runs it inside the broker (enableGrpcEndpoint); cluster mode is `rocketdeck proxy`.
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
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

/** The service definition whose request decoders log a malformed protobuf (grpc-js then fails that call only). */
function loggingDeserializers(def: grpc.ServiceDefinition, log: Logger): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, m] of Object.entries(def)) {
    const decode = m.requestDeserialize;
    out[name] = {
      ...m,
      requestDeserialize: (buf: Buffer) => {
        try {
          return decode(buf);
        } catch (err) {
          log.warn('grpc_malformed_request', { rpc: m.path, bytes: buf.length, error: err });
          throw err;
        }
      },
    };
  }
  return out as grpc.ServiceDefinition;
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
  server.addService(loggingDeserializers(messagingServiceDefinition(), log), createMessagingService(backend, registry, {
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

// What the nameserver's request handlers share, and the wrapper that turns bad input into error responses.

import type { Logger } from '../../common/log.ts';
import { ResponseCode, requestCodeName } from '../../protocol/codes.ts';
import { BodyError } from '../../protocol/bodies/index.ts';
import { HeaderError } from '../../protocol/headers.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection, RequestHandler } from '../../remoting/connection.ts';
import type { NamesrvConfig } from '../config.ts';
import type { PropertyLine } from '../../protocol/bodies/properties.ts';
import type { KVConfigManager } from '../kv-config.ts';
import type { RouteInfoManager } from '../route-info-manager.ts';

export interface NamesrvContext {
  readonly routes: RouteInfoManager;
  readonly kv: KVConfigManager;
  readonly log: Logger;
  /** Encoded GET_ROUTEINFO_BY_TOPIC bodies, valid until the registry, the KV store or the config changes. */
  readonly routeBodies: RouteBodyCache;
  /** The live configuration (UPDATE_NAMESRV_CONFIG replaces it). */
  config(): NamesrvConfig;
  /** Applies UPDATE_NAMESRV_CONFIG entries; throws NamesrvConfigError naming a bad key. */
  updateConfig(entries: readonly PropertyLine[]): void;
}

export type NamesrvHandler = (ctx: NamesrvContext, req: RemotingCommand, conn: RemotingConnection) => RemotingCommand;

/**
 * Route answers are read far more often than routes change (every client polls every topic it uses), and
 * encoding dominates their cost; so encoded bodies are kept until the `stamp` (versions they derive from) moves.
 */
export class RouteBodyCache {
  private stamp = '';
  private readonly bodies = new Map<string, Buffer>();

  constructor(private readonly maxEntries = 100_000) {}

  get(stamp: string, key: string): Buffer | undefined {
    if (stamp !== this.stamp) {
      this.bodies.clear();
      this.stamp = stamp;
      return undefined;
    }
    return this.bodies.get(key);
  }

  set(key: string, body: Buffer): void {
    if (this.bodies.size >= this.maxEntries) this.bodies.clear();
    this.bodies.set(key, body);
  }
}

/**
 * Binds a handler to the context. A missing or malformed header field or an unparsable body is answered
 * with SYSTEM_ERROR and a remark naming the problem (RocketMQ answers its RemotingCommandException the same
 * way); the connection and the server carry on.
 */
export function bind(ctx: NamesrvContext, handler: NamesrvHandler): RequestHandler {
  return (req, conn) => {
    try {
      return handler(ctx, req, conn);
    } catch (err) {
      if (!(err instanceof HeaderError) && !(err instanceof BodyError)) throw err;
      ctx.log.warn('bad_request', {
        code: req.code,
        request: requestCodeName(req.code),
        remoteAddr: conn.remoteAddr,
        error: err.message,
      });
      return createResponse(req, ResponseCode.SYSTEM_ERROR, `${requestCodeName(req.code)}: ${err.message}`);
    }
  };
}

/** A SUCCESS response with no header fields (extFields absent, as RocketMQ's createResponseCommand(null)). */
export const ok = (req: RemotingCommand, body?: Buffer): RemotingCommand =>
  createResponse(req, ResponseCode.SUCCESS, undefined, undefined, body);

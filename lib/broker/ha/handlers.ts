// GET_BROKER_HA_STATUS (907): the broker's replication state as RocketMQ 5.x's HARuntimeInfo (mqadmin haStatus).

import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import type { RemotingCommand } from '../../remoting/command.ts';
import type { RemotingServer } from '../../remoting/server.ts';
import { bind, fail, ok, type BrokerContext } from '../context.ts';
import { encodeHAStatus } from './runtime-info.ts';

export function handleGetBrokerHaStatus(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  if (!ctx.ha) return fail(req, ResponseCode.SYSTEM_ERROR, 'replication is not running on this broker');
  return ok(req, encodeHAStatus(ctx.ha.haStatus()));
}

export function registerHAProcessors(server: RemotingServer, ctx: BrokerContext): void {
  server.registerProcessor(RequestCode.GET_BROKER_HA_STATUS, bind(ctx, handleGetBrokerHaStatus));
}

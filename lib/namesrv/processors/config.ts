// GET_NAMESRV_CONFIG / UPDATE_NAMESRV_CONFIG: the configuration as Java properties text.

import { ResponseCode } from '../../protocol/codes.ts';
import { createResponse } from '../../remoting/command.ts';
import { configBlackList, formatNamesrvConfig, NamesrvConfigError } from '../config.ts';
import { parsePropertyLines } from '../../protocol/bodies/properties.ts';
import { ok, type NamesrvHandler } from './context.ts';

export const getNamesrvConfig: NamesrvHandler = (ctx, req) =>
  ok(req, Buffer.from(formatNamesrvConfig(ctx.config()), 'utf8'));

export const updateNamesrvConfig: NamesrvHandler = (ctx, req, conn) => {
  ctx.log.info('update_config_requested', { remoteAddr: conn.remoteAddr });
  if (!req.body || req.body.length === 0) return ok(req);
  const entries = parsePropertyLines(req.body.toString('utf8'));
  const blackList = configBlackList(ctx.config());
  const refused = entries.map((e) => e.key).filter((k) => blackList.has(k));
  if (refused.length > 0) {
    // RocketMQ's remark, plus the keys so an operator sees which one it was.
    return createResponse(req, ResponseCode.NO_PERMISSION, `Can not update config in black list. (${refused.join(', ')})`);
  }
  try {
    ctx.updateConfig(entries);
  } catch (err) {
    if (!(err instanceof NamesrvConfigError)) throw err;
    return createResponse(req, ResponseCode.INVALID_PARAMETER, err.message);
  }
  return ok(req);
};

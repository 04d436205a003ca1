// QUERY_MESSAGE (12, by key or unique key through the index) and VIEW_MESSAGE_BY_ID (33, by commit log offset).

import { ResponseCode } from '../../protocol/codes.ts';
import { MixAll } from '../../protocol/constants.ts';
import { QueryMessageRequestHeader, ViewMessageRequestHeader } from '../../protocol/headers/message.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import { ok, okWithHeader, type BrokerContext } from '../context.ts';

export async function handleQueryMessage(ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> {
  const h = decodeHeader(QueryMessageRequestHeader, req.extFields);
  // A unique-key query (mqadmin queryMsgByUniqueKey) returns up to defaultQueryMaxNum copies.
  const maxNum = req.extFields?.[MixAll.UNIQUE_MSG_QUERY_FLAG] === 'true' ? ctx.config().store.defaultQueryMaxNum : h.maxNum;
  const r = await ctx.store.queryMessage(h.topic, h.key, maxNum, Number(h.beginTimestamp), Number(h.endTimestamp));
  const header = { indexLastUpdatePhyoffset: r.indexLastUpdatePhyoffset, indexLastUpdateTimestamp: r.indexLastUpdateTimestamp };
  if (r.bufferTotalSize > 0) {
    return okWithHeader(req, header, r.buffers.length === 1 ? r.buffers[0] : Buffer.concat(r.buffers, r.bufferTotalSize));
  }
  return createResponse(req, ResponseCode.QUERY_NOT_FOUND, 'can not find message, maybe time range not correct', header);
}

export async function handleViewMessageById(ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> {
  const h = decodeHeader(ViewMessageRequestHeader, req.extFields);
  const rec = await ctx.store.selectOneMessageByOffset(h.offset);
  if (rec) return ok(req, rec);
  return createResponse(req, ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${h.offset}`);
}

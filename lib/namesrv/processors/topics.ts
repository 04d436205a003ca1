// Topic-table requests: topic lists (all, by cluster, system, unit) and DELETE_TOPIC_IN_NAMESRV.

import { TopicSysFlag } from '../../protocol/codes.ts';
import { encodeTopicList } from '../../protocol/bodies/index.ts';
import { decodeHeader, DeleteTopicFromNamesrvRequestHeader, GetTopicsByClusterRequestHeader } from '../../protocol/headers.ts';
import { ok, type NamesrvHandler } from './context.ts';

export const getAllTopicListFromNameserver: NamesrvHandler = (ctx, req) => ok(req, encodeTopicList(ctx.routes.getAllTopicList()));

export const getTopicsByCluster: NamesrvHandler = (ctx, req) => {
  const h = decodeHeader(GetTopicsByClusterRequestHeader, req.extFields);
  return ok(req, encodeTopicList(ctx.routes.getTopicsByCluster(h.cluster)));
};

export const getSystemTopicListFromNs: NamesrvHandler = (ctx, req) => ok(req, encodeTopicList(ctx.routes.getSystemTopicList()));

export const getUnitTopicList: NamesrvHandler = (ctx, req) =>
  ok(req, encodeTopicList(ctx.routes.topicsBySysFlag((f) => TopicSysFlag.hasUnitFlag(f))));

export const getHasUnitSubTopicList: NamesrvHandler = (ctx, req) =>
  ok(req, encodeTopicList(ctx.routes.topicsBySysFlag((f) => TopicSysFlag.hasUnitSubFlag(f))));

export const getHasUnitSubUnUnitTopicList: NamesrvHandler = (ctx, req) =>
  ok(req, encodeTopicList(ctx.routes.topicsBySysFlag((f) => !TopicSysFlag.hasUnitFlag(f) && TopicSysFlag.hasUnitSubFlag(f))));

export const deleteTopicInNamesrv: NamesrvHandler = (ctx, req) => {
  const h = decodeHeader(DeleteTopicFromNamesrvRequestHeader, req.extFields);
  ctx.routes.deleteTopic(h.topic, h.clusterName || undefined);
  return ok(req);
};

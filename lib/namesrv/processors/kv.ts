// KV config requests: PUT/GET/DELETE_KV_CONFIG, GET_KVLIST_BY_NAMESPACE and the legacy by-value pair.

import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { encodeKVTable } from '../../protocol/bodies/index.ts';
import {
  decodeHeader,
  DeleteKVConfigRequestHeader,
  GetKVConfigRequestHeader,
  GetKVListByNamespaceRequestHeader,
  PutKVConfigRequestHeader,
} from '../../protocol/headers.ts';
import { createResponse } from '../../remoting/command.ts';
import { REQUEST_CODE_NOT_SUPPORTED } from '../../remoting/connection.ts';
import { ok, type NamesrvHandler } from './context.ts';

/**
 * RocketMQ 3.x codes, unassigned in 4.9. Both reuse GetKVConfigRequestHeader with the value in `key`.
 * 5.x gave 217 to REGISTER_TOPIC_IN_NAMESRV (header `topic`), which is told apart by its header.
 */
export const GET_KV_CONFIG_BY_VALUE = 217;
export const DELETE_KV_CONFIG_BY_VALUE = 218;

const notFound = (namespace: string, key?: string): string =>
  `No config item, Namespace: ${namespace}${key === undefined ? '' : ` Key: ${key}`}`;

export const putKVConfig: NamesrvHandler = (ctx, req) => {
  const h = decodeHeader(PutKVConfigRequestHeader, req.extFields);
  ctx.kv.putKVConfig(h.namespace, h.key, h.value);
  return ok(req);
};

export const getKVConfig: NamesrvHandler = (ctx, req) => {
  const h = decodeHeader(GetKVConfigRequestHeader, req.extFields);
  const value = ctx.kv.getKVConfig(h.namespace, h.key);
  // The response always carries the (possibly empty) GetKVConfigResponseHeader, as RocketMQ's does.
  if (value !== undefined) return createResponse(req, ResponseCode.SUCCESS, undefined, { value });
  return createResponse(req, ResponseCode.QUERY_NOT_FOUND, notFound(h.namespace, h.key), {});
};

export const deleteKVConfig: NamesrvHandler = (ctx, req) => {
  const h = decodeHeader(DeleteKVConfigRequestHeader, req.extFields);
  ctx.kv.deleteKVConfig(h.namespace, h.key);
  return ok(req);
};

export const getKVListByNamespace: NamesrvHandler = (ctx, req) => {
  const h = decodeHeader(GetKVListByNamespaceRequestHeader, req.extFields);
  const table = ctx.kv.getKVListByNamespace(h.namespace);
  if (table) return ok(req, encodeKVTable({ table }));
  return createResponse(req, ResponseCode.QUERY_NOT_FOUND, notFound(h.namespace));
};

export const getKVConfigByValue: NamesrvHandler = (ctx, req) => {
  if (req.extFields?.namespace === undefined && req.extFields?.topic !== undefined) {
    return createResponse(req, REQUEST_CODE_NOT_SUPPORTED, ` request type ${RequestCode.REGISTER_TOPIC_IN_NAMESRV} not supported`);
  }
  const h = decodeHeader(GetKVConfigRequestHeader, req.extFields);
  const keys = ctx.kv.getKVConfigByValue(h.namespace, h.key);
  if (keys !== undefined) return createResponse(req, ResponseCode.SUCCESS, undefined, { value: keys });
  return createResponse(req, ResponseCode.QUERY_NOT_FOUND, notFound(h.namespace, h.key), {});
};

export const deleteKVConfigByValue: NamesrvHandler = (ctx, req) => {
  const h = decodeHeader(DeleteKVConfigRequestHeader, req.extFields);
  ctx.kv.deleteKVConfigByValue(h.namespace, h.key);
  return ok(req);
};

// What a remoting request asks for, as 5.x's DefaultAuthorizationContextBuilder works it out: a list of
// (resource, actions) pairs per request code. Hand-written cases first (as Apache has them), then the table of
// @RocketMQAction / @RocketMQResource annotations of 5.3's request headers.

import { decodeHeartbeatData, decodeLockBatchRequestBody, decodeUnlockBatchRequestBody } from '../protocol/bodies/consumer.ts';
import { RequestCode } from '../protocol/codes.ts';
import { isRetryTopic, MixAll } from '../protocol/constants.ts';
import type { RemotingCommand } from '../remoting/command.ts';
import { literal, type Action, type Resource, type ResourceType } from './model.ts';

export interface AccessWanted {
  resource: Resource;
  actions: Action[];
}

/** Resource.ofGroup: a group named by its retry or DLQ topic is the group itself. */
export function groupResource(name: string): Resource {
  let n = name;
  if (n.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)) n = n.slice(MixAll.RETRY_GROUP_TOPIC_PREFIX.length);
  else if (n.startsWith(MixAll.DLQ_GROUP_TOPIC_PREFIX)) n = n.slice(MixAll.DLQ_GROUP_TOPIC_PREFIX.length);
  return literal('Group', n);
}

const topicResource = (name: string): Resource => literal('Topic', name);

type FieldSpec = [field: string, type: ResourceType, splitter?: string];
interface Annotated {
  actions: Action[];
  /** RocketMQAction.resource = CLUSTER: the cluster is the resource when no field names one. */
  cluster?: boolean;
  fields?: FieldSpec[];
}

const T = 'Topic' as const;
const G = 'Group' as const;
const C = 'Cluster' as const;

/** 5.3.3's annotated request headers (code name -> actions and resource fields). */
const ANNOTATED: Record<string, Annotated> = {
  ACK_MESSAGE: { actions: ['Sub'], fields: [['consumerGroup', G], ['topic', T]] },
  CHANGE_MESSAGE_INVISIBLETIME: { actions: ['Sub'], fields: [['consumerGroup', G], ['topic', T]] },
  CHECK_TRANSACTION_STATE: { actions: ['Pub'], fields: [['topic', T]] },
  CLONE_GROUP_OFFSET: { actions: ['Update'], fields: [['destGroup', G], ['topic', T]] },
  CONSUME_MESSAGE_DIRECTLY: { actions: ['Sub'], fields: [['consumerGroup', G], ['topic', T]] },
  DELETE_SUBSCRIPTIONGROUP: { actions: ['Delete'], fields: [['groupName', G]] },
  DELETE_TOPIC_IN_BROKER: { actions: ['Delete'], fields: [['topic', T]] },
  GET_ALL_TOPIC_CONFIG: { actions: ['List'] },
  GET_BROKER_MEMBER_GROUP: { actions: ['Get'], fields: [['clusterName', C]] },
  GET_CONSUMER_CONNECTION_LIST: { actions: ['Get'], fields: [['consumerGroup', G]] },
  GET_CONSUMER_RUNNING_INFO: { actions: ['Get'], fields: [['consumerGroup', G]] },
  GET_CONSUME_STATS: { actions: ['Get'], fields: [['consumerGroup', G], ['topic', T], ['topicList', T, ';']] },
  GET_EARLIEST_MSG_STORETIME: { actions: ['Get'], fields: [['topic', T]] },
  GET_MAX_OFFSET: { actions: ['Get'], fields: [['topic', T]] },
  GET_MIN_OFFSET: { actions: ['Get'], fields: [['topic', T]] },
  GET_SUBSCRIPTIONGROUP_CONFIG: { actions: ['Get'], fields: [['group', G]] },
  GET_TOPIC_CONFIG: { actions: ['Get'], fields: [['topic', T]] },
  GET_TOPIC_STATS_INFO: { actions: ['Get'], fields: [['topic', T]] },
  INVOKE_BROKER_TO_GET_CONSUMER_STATUS: { actions: ['Get'], fields: [['topic', T], ['group', G]] },
  INVOKE_BROKER_TO_RESET_OFFSET: { actions: ['Update'], fields: [['group', G], ['topic', T]] },
  NOTIFICATION: { actions: ['Sub'], fields: [['consumerGroup', G], ['topic', T]] },
  NOTIFY_CONSUMER_IDS_CHANGED: { actions: ['Sub'], fields: [['consumerGroup', G]] },
  PEEK_MESSAGE: { actions: ['Sub'], fields: [['topic', T], ['consumerGroup', G]] },
  POLLING_INFO: { actions: ['Get'], fields: [['consumerGroup', G], ['topic', T]] },
  POP_MESSAGE: { actions: ['Sub'], fields: [['consumerGroup', G], ['topic', T]] },
  PUSH_REPLY_MESSAGE_TO_CLIENT: { actions: ['Sub'], fields: [['producerGroup', G], ['topic', T]] },
  QUERY_CONSUME_QUEUE: { actions: ['Get'], fields: [['topic', T], ['consumerGroup', G]] },
  QUERY_CONSUME_TIME_SPAN: { actions: ['Get'], fields: [['topic', T], ['group', G]] },
  QUERY_CORRECTION_OFFSET: { actions: ['Get'], fields: [['filterGroups', G, ','], ['compareGroup', G], ['topic', T]] },
  QUERY_SUBSCRIPTION_BY_CONSUMER: { actions: ['Get'], fields: [['group', G], ['topic', T]] },
  QUERY_TOPICS_BY_CONSUMER: { actions: ['Get'], fields: [['group', G]] },
  QUERY_TOPIC_CONSUME_BY_WHO: { actions: ['Get'], fields: [['topic', T]] },
  RECALL_MESSAGE: { actions: ['Pub'], fields: [['topic', T]] },
  RESUME_CHECK_HALF_MESSAGE: { actions: ['Update'], fields: [['topic', T]] },
  SEARCH_OFFSET_BY_TIMESTAMP: { actions: ['Get'], fields: [['topic', T]] },
  UPDATE_AND_CREATE_TOPIC: { actions: ['Create'], fields: [['topic', T]] },
  UPDATE_AND_CREATE_TOPIC_LIST: { actions: ['Create'] },
  UPDATE_AND_GET_GROUP_FORBIDDEN: { actions: ['Update'], fields: [['group', G], ['topic', T]] },
  VIEW_MESSAGE_BY_ID: { actions: ['Get'], fields: [['topic', T]] },
  // Cluster-wide operations.
  ADD_WRITE_PERM_OF_BROKER: { actions: ['Update'], cluster: true },
  WIPE_WRITE_PERM_OF_BROKER: { actions: ['Update'], cluster: true },
  GET_ALL_PRODUCER_INFO: { actions: ['Get'], cluster: true },
  GET_BROKER_CONSUME_STATS: { actions: ['Get'], cluster: true },
  GET_PRODUCER_CONNECTION_LIST: { actions: ['Get'], cluster: true },
  VIEW_BROKER_STATS_DATA: { actions: ['Get'], cluster: true },
  QUERY_DATA_VERSION: { actions: ['Get'], cluster: true, fields: [['clusterName', C]] },
  REGISTER_BROKER: { actions: ['Update'], cluster: true, fields: [['clusterName', C]] },
  UNREGISTER_BROKER: { actions: ['Update'], cluster: true, fields: [['clusterName', C]] },
  BROKER_HEARTBEAT: { actions: ['Update'], cluster: true, fields: [['clusterName', C]] },
  PUT_KV_CONFIG: { actions: ['Update'], cluster: true },
  GET_KV_CONFIG: { actions: ['Get'], cluster: true },
  DELETE_KV_CONFIG: { actions: ['Update'], cluster: true },
  GET_KVLIST_BY_NAMESPACE: { actions: ['Get'], cluster: true },
  DELETE_TOPIC_IN_NAMESRV: { actions: ['Update'], cluster: true, fields: [['clusterName', C]] },
  REGISTER_TOPIC_IN_NAMESRV: { actions: ['Update'], cluster: true },
  GET_TOPICS_BY_CLUSTER: { actions: ['List'] },
  EXCHANGE_BROKER_HA_INFO: { actions: ['Update'], cluster: true },
  RESET_MASTER_FLUSH_OFFSET: { actions: ['Update'], cluster: true },
  NOTIFY_BROKER_ROLE_CHANGED: { actions: ['Update'], cluster: true },
  NOTIFY_MIN_BROKER_ID_CHANGE: { actions: ['Update'], cluster: true },
  AUTH_CREATE_USER: { actions: ['Update'], cluster: true },
  AUTH_UPDATE_USER: { actions: ['Update'], cluster: true },
  AUTH_DELETE_USER: { actions: ['Update'], cluster: true },
  AUTH_GET_USER: { actions: ['Get'], cluster: true },
  AUTH_LIST_USER: { actions: ['Get'], cluster: true },
  AUTH_CREATE_ACL: { actions: ['Update'], cluster: true },
  AUTH_UPDATE_ACL: { actions: ['Update'], cluster: true },
  AUTH_DELETE_ACL: { actions: ['Update'], cluster: true },
  AUTH_GET_ACL: { actions: ['Get'], cluster: true },
  AUTH_LIST_ACL: { actions: ['Get'], cluster: true },
  // RocketDeck is stricter than 5.3 here: these change or reveal the whole broker but carry no annotated header
  // there, so 5.3 lets any authenticated user run them.
  UPDATE_BROKER_CONFIG: { actions: ['Update'], cluster: true },
  UPDATE_AND_CREATE_SUBSCRIPTIONGROUP: { actions: ['Update'], cluster: true },
  UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST: { actions: ['Update'], cluster: true },
  RESET_CONSUMER_OFFSET_IN_BROKER: { actions: ['Update'], cluster: true },
  UPDATE_AND_CREATE_ACL_CONFIG: { actions: ['Update'], cluster: true },
  DELETE_ACL_CONFIG: { actions: ['Update'], cluster: true },
  UPDATE_GLOBAL_WHITE_ADDRS_CONFIG: { actions: ['Update'], cluster: true },
  GET_BROKER_CLUSTER_ACL_INFO: { actions: ['Get'], cluster: true },
  GET_BROKER_CLUSTER_ACL_CONFIG: { actions: ['Get'], cluster: true },
};

const BY_CODE = new Map<number, Annotated>();
for (const [name, a] of Object.entries(ANNOTATED)) {
  const code = (RequestCode as Record<string, number>)[name];
  if (code !== undefined) BY_CODE.set(code, a);
}

const sub = (resource: Resource, ...actions: Action[]): AccessWanted => ({ resource, actions: actions.length ? actions : ['Sub'] });

/** The (resource, actions) pairs a request needs; empty when the request needs no authorization. */
export function accessWanted(req: RemotingCommand, clusterName: string): AccessWanted[] {
  const f = req.extFields ?? {};
  const out: AccessWanted[] = [];
  const topicOrRetryGroup = (topic: string | undefined, group: string | undefined, action: Action): void => {
    if (topic === undefined) return;
    if (isRetryTopic(topic)) out.push(sub(groupResource(group || topic)));
    else out.push({ resource: topicResource(topic), actions: [action] });
  };
  switch (req.code) {
    case RequestCode.GET_ROUTEINFO_BY_TOPIC:
      if (f.topic !== undefined) {
        if (isRetryTopic(f.topic)) out.push(sub(groupResource(f.topic), 'Sub', 'Get'));
        else out.push({ resource: topicResource(f.topic), actions: ['Pub', 'Sub', 'Get'] });
      }
      return out;
    case RequestCode.SEND_MESSAGE:
      topicOrRetryGroup(f.topic, f.group, 'Pub');
      return out;
    case RequestCode.SEND_MESSAGE_V2:
    case RequestCode.SEND_BATCH_MESSAGE:
      topicOrRetryGroup(f.b, f.a, 'Pub');
      return out;
    case RequestCode.END_TRANSACTION:
      if (f.topic) out.push({ resource: topicResource(f.topic), actions: ['Pub'] });
      return out;
    case RequestCode.CONSUMER_SEND_MSG_BACK:
      if (f.group !== undefined) out.push(sub(groupResource(f.group)));
      return out;
    case RequestCode.PULL_MESSAGE:
      if (f.topic !== undefined && !isRetryTopic(f.topic)) out.push(sub(topicResource(f.topic)));
      if (f.consumerGroup !== undefined) out.push(sub(groupResource(f.consumerGroup)));
      return out;
    case RequestCode.QUERY_MESSAGE:
      if (f.topic !== undefined) out.push(sub(topicResource(f.topic), 'Sub', 'Get'));
      return out;
    case RequestCode.HEART_BEAT: {
      const hb = decodeHeartbeatData(req.body);
      for (const c of hb.consumerDataSet) {
        out.push(sub(groupResource(c.groupName)));
        for (const s of c.subscriptionDataSet) if (!isRetryTopic(s.topic)) out.push(sub(topicResource(s.topic)));
      }
      return out;
    }
    case RequestCode.UNREGISTER_CLIENT:
      if (f.consumerGroup) out.push(sub(groupResource(f.consumerGroup)));
      return out;
    case RequestCode.GET_CONSUMER_LIST_BY_GROUP:
      if (f.consumerGroup !== undefined) out.push(sub(groupResource(f.consumerGroup), 'Sub', 'Get'));
      return out;
    case RequestCode.QUERY_CONSUMER_OFFSET:
    case RequestCode.UPDATE_CONSUMER_OFFSET: {
      const act: Action = req.code === RequestCode.QUERY_CONSUMER_OFFSET ? 'Get' : 'Update';
      if (f.topic !== undefined && !isRetryTopic(f.topic)) out.push(sub(topicResource(f.topic), 'Sub', act));
      if (f.consumerGroup !== undefined) out.push(sub(groupResource(f.consumerGroup), 'Sub', act));
      return out;
    }
    case RequestCode.LOCK_BATCH_MQ:
    case RequestCode.UNLOCK_BATCH_MQ: {
      const body = req.code === RequestCode.LOCK_BATCH_MQ ? decodeLockBatchRequestBody(req.body) : decodeUnlockBatchRequestBody(req.body);
      out.push(sub(groupResource(body.consumerGroup)));
      for (const mq of body.mqSet) if (!isRetryTopic(mq.topic)) out.push(sub(topicResource(mq.topic)));
      return out;
    }
    default:
      break;
  }
  const a = BY_CODE.get(req.code);
  if (!a) return out;
  for (const [field, type, splitter] of a.fields ?? []) {
    const v = f[field];
    if (v === undefined) continue;
    for (const value of splitter ? v.split(splitter).filter(Boolean) : [v]) {
      const resource = type === 'Topic' && isRetryTopic(value) ? groupResource(value) : type === 'Group' ? groupResource(value) : literal(type, value);
      out.push({ resource, actions: a.actions });
    }
  }
  if (out.length === 0 && a.cluster) out.push({ resource: literal('Cluster', clusterName), actions: a.actions });
  return out;
}

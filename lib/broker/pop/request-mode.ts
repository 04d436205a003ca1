// SET_MESSAGE_REQUEST_MODE (401), GET_ALL_MESSAGE_REQUEST_MODE (402) and QUERY_ASSIGNMENT (400): which groups
// consume a topic by POP, kept in config/messageRequestMode.json (5.x's MessageRequestModeManager), and the
// broker-side queue assignment 5.x remoting consumers ask for.
import path from 'node:path';
import type { Logger } from '../../common/log.ts';
import { ResponseCode } from '../../protocol/codes.ts';
import {
  decodeMessageRequestModeSerializeWrapper, decodeQueryAssignmentRequestBody, decodeSetMessageRequestModeRequestBody,
  encodeMessageRequestModeSerializeWrapper, encodeQueryAssignmentResponseBody, type MessageQueueAssignment,
  type MessageRequestModeTable, type SetMessageRequestModeRequestBody,
} from '../../protocol/bodies/pop.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import { loadConfigFile, writeConfigFileSync } from '../config/config-file.ts';
import type { BrokerContext } from '../context.ts';
import { popConfig } from './config.ts';

export class MessageRequestModeManager {
  private table: MessageRequestModeTable = new Map();
  readonly file: string;

  constructor(storePathRootDir: string, private readonly log: Logger) {
    this.file = path.join(storePathRootDir, 'config', 'messageRequestMode.json');
  }

  load(): void {
    loadConfigFile(this.file, (text) => {
      this.table = decodeMessageRequestModeSerializeWrapper(text);
    }, this.log);
  }

  set(body: SetMessageRequestModeRequestBody): void {
    let g = this.table.get(body.topic);
    if (!g) this.table.set(body.topic, (g = new Map()));
    g.set(body.consumerGroup, body);
    writeConfigFileSync(this.file, encodeMessageRequestModeSerializeWrapper(this.table).toString('utf8'));
  }

  get(topic: string, group: string): SetMessageRequestModeRequestBody | undefined {
    return this.table.get(topic)?.get(group);
  }

  encode(): Buffer {
    return encodeMessageRequestModeSerializeWrapper(this.table);
  }
}

export function handleSetMessageRequestMode(modes: MessageRequestModeManager) {
  return (ctx: BrokerContext, req: RemotingCommand): RemotingCommand => {
    const body = decodeSetMessageRequestModeRequestBody(req.body);
    if (body.topic.startsWith('%RETRY%')) {
      return createResponse(req, ResponseCode.NO_PERMISSION, 'retry topic is not allowed to set mode');
    }
    modes.set(body);
    ctx.log.info('message_request_mode_set', { topic: body.topic, group: body.consumerGroup, mode: body.mode, popShareQueueNum: body.popShareQueueNum });
    return createResponse(req, ResponseCode.SUCCESS);
  };
}

export function handleGetAllMessageRequestMode(modes: MessageRequestModeManager) {
  return (_ctx: BrokerContext, req: RemotingCommand): RemotingCommand => {
    const res = createResponse(req, ResponseCode.SUCCESS);
    res.body = modes.encode();
    return res;
  };
}

/**
 * QUERY_ASSIGNMENT: the queues of this broker a client should consume. A POP group gets every queue as queueId -1
 * (pop from all) unless popShareQueueNum limits sharing; a PULL group gets an average share as 4.x rebalance does.
 * Only this broker's queues are assigned (5.x asks the route of the whole cluster).
 */
export function handleQueryAssignment(modes: MessageRequestModeManager) {
  return (ctx: BrokerContext, req: RemotingCommand): RemotingCommand => {
    const b = decodeQueryAssignmentRequestBody(req.body);
    const brokerName = ctx.config().brokerName;
    let mode = modes.get(b.topic, b.consumerGroup);
    if (!mode) {
      const pc = popConfig(ctx.config());
      const m = b.topic.startsWith('%RETRY%') ? 'PULL' : pc.defaultMessageRequestMode;
      mode = { topic: b.topic, consumerGroup: b.consumerGroup, mode: m, popShareQueueNum: m === 'POP' ? pc.defaultPopShareQueueNum : 0 };
    }
    const tc = ctx.topics.selectTopicConfig(b.topic);
    const res = createResponse(req, ResponseCode.SUCCESS);
    if (!tc) {
      res.body = encodeQueryAssignmentResponseBody([]);
      return res;
    }
    const mqAll = Array.from({ length: tc.readQueueNums }, (_, queueId) => ({ topic: b.topic, brokerName, queueId }));
    let assigned = mqAll;
    if (b.messageModel !== 'BROADCASTING') {
      const cids = (ctx.consumers.getConsumerGroupInfo(b.consumerGroup)?.allClientIds() ?? [b.clientId]).slice().sort();
      if (!cids.includes(b.clientId)) cids.push(b.clientId);
      if (mode.mode === 'POP' && (mode.popShareQueueNum <= 0 || mode.popShareQueueNum >= cids.length - 1)) {
        assigned = [{ topic: b.topic, brokerName, queueId: -1 }];
      } else {
        const idx = cids.indexOf(b.clientId);
        const n = cids.length;
        const mod = mqAll.length % n;
        const avg = mqAll.length <= n ? 1 : mod > 0 && idx < mod ? Math.floor(mqAll.length / n) + 1 : Math.floor(mqAll.length / n);
        const start = mod > 0 && idx < mod ? idx * avg : idx * avg + mod;
        assigned = [];
        for (let i = 0; i < Math.min(avg, mqAll.length - start); i++) assigned.push(mqAll[(start + i) % mqAll.length]!);
      }
    }
    const list: MessageQueueAssignment[] = assigned.map((messageQueue) => ({ messageQueue, mode: mode.mode }));
    res.body = encodeQueryAssignmentResponseBody(list);
    return res;
  };
}

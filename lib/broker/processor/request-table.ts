// The broker's request table: request code -> handler. Codes not listed are answered by the transport with
// REQUEST_CODE_NOT_SUPPORTED.

import { RequestCode as C } from '../../protocol/codes.ts';
import type { RemotingServer } from '../../remoting/server.ts';
import { registerAdminProcessors } from './admin.ts';
import {
  handleCheckClientConfig,
  handleGetConsumerListByGroup,
  handleHeartbeat,
  handleLockBatchMQ,
  handleUnlockBatchMQ,
  handleUnregisterClient,
} from './clients.ts';
import { bind, type BrokerContext } from '../context.ts';
import {
  handleCloneGroupOffset,
  handleGetEarliestMsgStoretime,
  handleGetMaxOffset,
  handleGetMinOffset,
  handleQueryConsumerOffset,
  handleSearchOffsetByTimestamp,
  handleUpdateConsumerOffset,
} from './offsets.ts';
import { handleQueryMessage, handleViewMessageById } from './query.ts';
import { handlePullMessage } from './pull.ts';
import { handleSendMessage } from './send.ts';
import { handleConsumerSendMsgBack } from './send-back.ts';
import { handleEndTransaction } from './end-transaction.ts';

export function registerBrokerProcessors(server: RemotingServer, ctx: BrokerContext): void {
  const on = (code: number, handler: Parameters<typeof bind>[1]) => server.registerProcessor(code, bind(ctx, handler));
  on(C.SEND_MESSAGE, handleSendMessage);
  on(C.SEND_MESSAGE_V2, handleSendMessage);
  on(C.SEND_BATCH_MESSAGE, handleSendMessage);
  on(C.CONSUMER_SEND_MSG_BACK, handleConsumerSendMsgBack);
  on(C.END_TRANSACTION, handleEndTransaction);
  on(C.PULL_MESSAGE, handlePullMessage);
  on(C.QUERY_MESSAGE, handleQueryMessage);
  on(C.VIEW_MESSAGE_BY_ID, handleViewMessageById);
  on(C.QUERY_CONSUMER_OFFSET, handleQueryConsumerOffset);
  on(C.UPDATE_CONSUMER_OFFSET, handleUpdateConsumerOffset);
  on(C.SEARCH_OFFSET_BY_TIMESTAMP, handleSearchOffsetByTimestamp);
  on(C.GET_MAX_OFFSET, handleGetMaxOffset);
  on(C.GET_MIN_OFFSET, handleGetMinOffset);
  on(C.GET_EARLIEST_MSG_STORETIME, handleGetEarliestMsgStoretime);
  on(C.CLONE_GROUP_OFFSET, handleCloneGroupOffset);
  on(C.HEART_BEAT, handleHeartbeat);
  on(C.UNREGISTER_CLIENT, handleUnregisterClient);
  on(C.GET_CONSUMER_LIST_BY_GROUP, handleGetConsumerListByGroup);
  on(C.LOCK_BATCH_MQ, handleLockBatchMQ);
  on(C.UNLOCK_BATCH_MQ, handleUnlockBatchMQ);
  on(C.CHECK_CLIENT_CONFIG, handleCheckClientConfig);
  registerAdminProcessors(on);
}

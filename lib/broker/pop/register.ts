// Registers the 5.x POP, request-mode/assignment and timer admin handlers on the broker's remoting server.
// Without a POP service (slave brokers) POP requests are answered as unsupported by the transport.
import type { Logger } from '../../common/log.ts';
import { RequestCode as C } from '../../protocol/codes.ts';
import type { RemotingServer } from '../../remoting/server.ts';
import { bind, type BrokerContext, type BrokerHandler } from '../context.ts';
import { handleRecallMessage } from '../timer/recall.ts';
import { handlePeekMessage } from './peek.ts';
import {
  MessageRequestModeManager, handleGetAllMessageRequestMode, handleQueryAssignment, handleSetMessageRequestMode,
} from './request-mode.ts';

export function registerPopProcessors(server: RemotingServer, ctx: BrokerContext, storePathRootDir: string, log: Logger): void {
  const on = (code: number, handler: BrokerHandler) => server.registerProcessor(code, bind(ctx, handler));
  const modes = new MessageRequestModeManager(storePathRootDir, log);
  modes.load();
  on(C.SET_MESSAGE_REQUEST_MODE, handleSetMessageRequestMode(modes));
  on(C.GET_ALL_MESSAGE_REQUEST_MODE, handleGetAllMessageRequestMode(modes));
  on(C.QUERY_ASSIGNMENT, handleQueryAssignment(modes));
  const pop = ctx.pop;
  if (pop) {
    on(C.POP_MESSAGE, pop.handlePop);
    on(C.PEEK_MESSAGE, (c, req) => handlePeekMessage(pop, c, req));
    on(C.ACK_MESSAGE, pop.handleAck);
    on(C.BATCH_ACK_MESSAGE, pop.handleBatchAck);
    on(C.CHANGE_MESSAGE_INVISIBLETIME, pop.handleChangeInvisibleTime);
    on(C.NOTIFICATION, pop.handleNotification);
    on(C.POLLING_INFO, pop.handlePollingInfo);
  }
  const timer = ctx.timer;
  if (timer) {
    on(C.GET_TIMER_CHECK_POINT, timer.handleGetTimerCheckPoint);
    on(C.GET_TIMER_METRICS, timer.handleGetTimerMetrics);
    on(C.RECALL_MESSAGE, handleRecallMessage);
  }
}

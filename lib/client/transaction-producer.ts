// Transactional producer (TransactionMQProducer): sends a half message (TRAN_MSG=true, PGROUP), runs the local
// transaction, then commits or rolls back with END_TRANSACTION (oneway); answers the broker's check-backs
// (CHECK_TRANSACTION_STATE) with the listener's checkLocalTransaction and END_TRANSACTION fromTransactionCheck=true.

import { RequestCode } from '../protocol/codes.ts';
import { CheckTransactionStateRequestHeader } from '../protocol/headers/message.ts';
import { decodeHeader } from '../protocol/headers/spec.ts';
import { MessageConst, MessageSysFlag } from '../protocol/message-const.ts';
import { decodeMessageId, type Message, type MessageExt } from '../protocol/message.ts';
import { createRequest, type RemotingCommand } from '../remoting/command.ts';
import type { RemotingConnection } from '../remoting/connection.ts';
import type { SendResult } from './client-api.ts';
import { ClientConfigError, MQClientError } from './errors.ts';
import { Producer, type ProducerOptions } from './producer.ts';
import { toMessage, type SendableMessage } from './producer-message.ts';
import { endTransactionContext } from './trace-hooks.ts';

/** RocketMQ's LocalTransactionState, including its spelling of UNKNOW. */
export type LocalTransactionState = 'COMMIT_MESSAGE' | 'ROLLBACK_MESSAGE' | 'UNKNOW';

export interface TransactionListener {
  /** Runs the local transaction once the half message is stored; `msg` carries UNIQ_KEY (the transaction id). */
  executeLocalTransaction(msg: Message, arg: unknown): LocalTransactionState | Promise<LocalTransactionState>;
  /** Asked by a broker about a half message left UNKNOW (or whose END_TRANSACTION was lost). */
  checkLocalTransaction(msg: MessageExt): LocalTransactionState | Promise<LocalTransactionState>;
}

export interface TransactionSendResult extends SendResult {
  localTransactionState: LocalTransactionState;
}

const STATE_TO_TYPE: Record<LocalTransactionState, number> = {
  COMMIT_MESSAGE: MessageSysFlag.TRANSACTION_COMMIT_TYPE,
  ROLLBACK_MESSAGE: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE,
  UNKNOW: MessageSysFlag.TRANSACTION_NOT_TYPE,
};

/** Statuses after which the half message is rolled back without running the local transaction. */
const NOT_STORED_OK = new Set(['FLUSH_DISK_TIMEOUT', 'FLUSH_SLAVE_TIMEOUT', 'SLAVE_NOT_AVAILABLE']);

const errorText = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

export class TransactionProducer extends Producer {
  private readonly listener: TransactionListener;

  constructor(options: ProducerOptions, listener: TransactionListener) {
    super(options);
    if (!listener || typeof listener.executeLocalTransaction !== 'function' || typeof listener.checkLocalTransaction !== 'function') {
      throw new ClientConfigError('transactionListener', 'TransactionProducer: a listener with executeLocalTransaction and checkLocalTransaction is required');
    }
    this.listener = listener;
  }

  /**
   * Sends `message` as a half message, runs executeLocalTransaction(msg, arg) and ends the transaction with its
   * answer (a throw or an unknown answer counts as UNKNOW: the broker checks back later). Delay levels are dropped,
   * as Java does. Rejects only when the half message could not be sent.
   */
  async sendMessageInTransaction(message: SendableMessage, arg?: unknown): Promise<TransactionSendResult> {
    const msg = toMessage(message);
    delete msg.properties[MessageConst.PROPERTY_DELAY_TIME_LEVEL];
    msg.properties[MessageConst.PROPERTY_TRANSACTION_PREPARED] = 'true';
    msg.properties[MessageConst.PROPERTY_PRODUCER_GROUP] = this.group;
    const sendResult = await this.send(msg);
    let state: LocalTransactionState = 'UNKNOW';
    let localError: unknown;
    if (sendResult.sendStatus === 'SEND_OK') {
      if (sendResult.transactionId) msg.properties[MessageConst.PROPERTY_TRANSACTION_ID] = sendResult.transactionId;
      try {
        state = this.stateOf(await this.listener.executeLocalTransaction(msg, arg), 'executeLocalTransaction');
      } catch (err) {
        localError = err;
        this.instance?.logger.info('local_transaction_failed', { producerGroup: this.group, msgId: sendResult.msgId, error: err });
      }
    } else if (NOT_STORED_OK.has(sendResult.sendStatus)) {
      state = 'ROLLBACK_MESSAGE';
    }
    try {
      await this.endTransaction(sendResult, state, localError, msg);
    } catch (err) {
      this.instance?.logger.warn('end_transaction_failed', { producerGroup: this.group, msgId: sendResult.msgId, state, error: err });
    }
    return { ...sendResult, localTransactionState: state };
  }

  private stateOf(v: unknown, from: string): LocalTransactionState {
    if (v === 'COMMIT_MESSAGE' || v === 'ROLLBACK_MESSAGE' || v === 'UNKNOW') return v;
    if (v !== undefined && v !== null) this.instance?.logger.warn('local_transaction_state_invalid', { producerGroup: this.group, from, state: String(v) });
    return 'UNKNOW';
  }

  /** END_TRANSACTION (oneway) to the master of the half message's broker, as DefaultMQProducerImpl.endTransaction. */
  private async endTransaction(r: SendResult, state: LocalTransactionState, localError: unknown, msg: Message): Promise<void> {
    const inst = this.instance;
    if (!inst) throw new MQClientError(`producer ${this.group} is not running`);
    const id = decodeMessageId(r.offsetMsgId || r.msgId);
    const brokerName = r.messageQueue.brokerName;
    const addr = inst.routes.findBrokerAddressInPublish(brokerName);
    if (!addr) throw new MQClientError(`The broker[${brokerName}] not exist`);
    const header = {
      producerGroup: this.group,
      tranStateTableOffset: r.queueOffset,
      commitLogOffset: id.offset,
      commitOrRollback: STATE_TO_TYPE[state],
      fromTransactionCheck: false,
      msgId: r.msgId,
      transactionId: r.transactionId,
      bname: brokerName,
    };
    const remark = localError === undefined ? undefined : `executeLocalTransactionBranch exception: ${errorText(localError)}`;
    await inst.remoting.invokeOneway(addr, createRequest(RequestCode.END_TRANSACTION, header, { remark }));
    this.traceDispatcher?.append(endTransactionContext(this.group, msg, addr, r.msgId, r.transactionId, state, false));
  }

  /** CHECK_TRANSACTION_STATE from a broker: asks the listener, answers on the same connection. */
  checkTransactionState(msg: MessageExt, req: RemotingCommand, conn: RemotingConnection): void {
    void this.answerCheck(msg, req, conn);
  }

  private async answerCheck(msg: MessageExt, req: RemotingCommand, conn: RemotingConnection): Promise<void> {
    const log = this.instance?.logger;
    let h: CheckTransactionStateRequestHeader;
    try {
      h = decodeHeader(CheckTransactionStateRequestHeader, req.extFields);
    } catch (err) {
      log?.warn('check_transaction_state_bad_header', { producerGroup: this.group, remoteAddr: conn.remoteAddr, error: err });
      return;
    }
    const uniqKey = msg.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] || msg.msgId;
    let state: LocalTransactionState = 'UNKNOW';
    let checkError: unknown;
    try {
      state = this.stateOf(await this.listener.checkLocalTransaction(msg), 'checkLocalTransaction');
    } catch (err) {
      checkError = err;
      log?.warn('check_local_transaction_failed', { producerGroup: this.group, msgId: uniqKey, error: err });
    }
    const header = {
      producerGroup: this.group,
      tranStateTableOffset: h.tranStateTableOffset,
      commitLogOffset: h.commitLogOffset,
      commitOrRollback: STATE_TO_TYPE[state],
      fromTransactionCheck: true,
      msgId: uniqKey,
      transactionId: h.transactionId,
      bname: h.bname,
    };
    const remark = checkError === undefined ? undefined : `checkLocalTransactionState Exception: ${errorText(checkError)}`;
    try {
      await conn.invokeOneway(createRequest(RequestCode.END_TRANSACTION, header, { remark }));
      this.traceDispatcher?.append(endTransactionContext(this.group, msg, conn.remoteAddr, uniqKey, h.transactionId, state, true));
    } catch (err) {
      log?.warn('end_transaction_failed', { producerGroup: this.group, msgId: uniqKey, state, fromTransactionCheck: true, error: err });
    }
  }
}

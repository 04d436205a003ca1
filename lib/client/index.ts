// The client SDK's public surface: producer, transactional producer, push and lite pull consumers, strategies,
// selectors and errors.

export { Producer, type ProducerOptions, type SendOptions } from './producer.ts';
export {
  TransactionProducer, type LocalTransactionState, type TransactionListener, type TransactionSendResult,
} from './transaction-producer.ts';
export type { SendResult, SendStatus, PullResult, PullStatus } from './client-api.ts';
export {
  selectMessageQueueByHash, selectMessageQueueByRandom, toMessage,
  type MessageInit, type SendableMessage, type MessageQueueSelector,
} from './producer-message.ts';
export { PushConsumer } from './push-consumer.ts';
export { MessageSelector, type SubscriptionExpression } from './subscription.ts';
export type { PushConsumerOptions } from './push-consumer-options.ts';
export type {
  ConsumeContext, ConsumeStatus, MessageListener, BatchMessageListener, ConsumeMessageDirectlyResult, CMResult,
} from './consume-service.ts';
export { LitePullConsumer } from './lite-pull-consumer.ts';
export type { LitePullConsumerOptions } from './lite-pull-options.ts';
export { SimpleConsumer, type SimpleConsumerOptions, type MessageView } from './simple-consumer.ts';
export type { ConsumedMessage } from './pull-api.ts';
export {
  allocateAveragely, allocateAveragelyByCircle, allocateConsistentHash,
  type AllocateMessageQueueStrategy, type AllocateStrategyName,
} from './allocate.ts';
export type { ClientOptions } from './client-config.ts';
export {
  MQClientError, ClientConfigError, ClientStateError, NoRouteError, MessageValidationError, SendFailedError, OffsetNotFoundError,
} from './errors.ts';
export { ResponseCodeError, RemotingTimeoutError, RemotingConnectError } from '../remoting/errors.ts';
export {
  createMessage, getTags, getKeys, getKeyList, getUniqKey, getDelayTimeLevel, type Message, type MessageExt,
} from '../protocol/message.ts';
export type { MessageQueue } from '../protocol/bodies/read.ts';
export type { ConsumeFromWhere, MessageModel } from '../protocol/bodies/consumer.ts';

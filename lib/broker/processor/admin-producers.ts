// GET_TOPIC_PRODUCERS (10101, a RocketDeck extension): the producer groups this broker saw sending to a topic (or to
// every topic), with each sending connection. Apache RocketMQ brokers answer REQUEST_CODE_NOT_SUPPORTED.
// GET_ALL_PRODUCER_INFO (328, mqadmin producer): every online producer by group, RocketMQ's ProducerTableInfo.

import { encodeProducerTableInfo } from '../../protocol/bodies/producer-table.ts';
import type { TopicProducersBody } from '../../protocol/bodies/topic-producers.ts';
import { ok, type BrokerContext } from '../context.ts';
import type { RemotingCommand } from '../../remoting/command.ts';

/** Request header: `topic` (optional; all topics without it). */
export function handleGetTopicProducers(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const topic = req.extFields?.topic?.trim() || undefined;
  const body: TopicProducersBody = {
    brokerName: ctx.config().brokerName,
    brokerAddr: ctx.brokerAddr(),
    producers: ctx.topicProducers.list(topic, (group, conn) => ctx.producers.clientIdOf(group, conn), (group, conn) => ctx.producers.remoteProtocolOn(group, conn)),
  };
  return ok(req, Buffer.from(JSON.stringify(body), 'utf8'));
}

/** Request header: `brokerAddr` (unused, as in RocketMQ). */
export function handleGetAllProducerInfo(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  return ok(req, encodeProducerTableInfo({ data: ctx.producers.producerTable() }));
}

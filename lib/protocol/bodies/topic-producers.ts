// Body of GET_TOPIC_PRODUCERS (10101, a RocketDeck extension): the producer groups a broker saw sending to a topic,
// with each sending connection. Standard JSON; the broker writes it and the admin client reads it.

/** One row: a producer group sending to a topic over one connection. */
export interface TopicProducerEntry {
  producerGroup: string;
  topic: string;
  /** From the producer heartbeat on that connection; '' when none was seen. */
  clientId: string;
  clientAddr: string;
  /** Language and version of the last send request (LanguageCode name, MQVersion ordinal). */
  language: string;
  version: number;
  /** Epoch ms of the last accepted send. */
  lastSendTimestamp: number;
  /** Accepted send requests on this connection for this group and topic since the broker first saw one (a batch is one). */
  sendCount: number;
  /** Accepted send requests per second over the last minute. */
  sendTps: number;
  /**
   * "grpc_v2" when the connection is a gRPC endpoint sending for its clients (each listed on its own by
   * GET_PRODUCER_CONNECTION_LIST); absent for a remoting producer.
   */
  protocolType?: string;
}

/** The answer, rows sorted by topic, group, client address. */
export interface TopicProducersBody {
  brokerName: string;
  brokerAddr: string;
  producers: TopicProducerEntry[];
}

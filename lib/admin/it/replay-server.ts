// Test helper: a remoting server that answers each request code with the response a real Apache RocketMQ 4.9.8
// namesrv or broker gave in the captured vectors, and records what it was sent. It plays the nameserver and every
// broker at once: broker addresses inside JSON bodies are rewritten to its own address.

import { loadVector, type Vector } from '../../protocol/fixtures/vectors.ts';
import { RemotingServer } from '../../remoting/server.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import { createLogger } from '../../common/log.ts';

/** The vector whose response answers each request code by default. */
const DEFAULT_VECTORS: Record<number, string> = {
  11: '11-PULL_MESSAGE',
  12: '12-QUERY_MESSAGE',
  15: '15-UPDATE_CONSUMER_OFFSET-sync',
  17: '17-UPDATE_AND_CREATE_TOPIC',
  21: '21-GET_ALL_TOPIC_CONFIG',
  25: '25-UPDATE_BROKER_CONFIG',
  26: '26-GET_BROKER_CONFIG',
  28: '28-GET_BROKER_RUNTIME_INFO',
  29: '29-SEARCH_OFFSET_BY_TIMESTAMP',
  30: '30-GET_MAX_OFFSET',
  31: '31-GET_MIN_OFFSET',
  33: '33-VIEW_MESSAGE_BY_ID',
  100: '100-PUT_KV_CONFIG',
  105: '105-GET_ROUTEINFO_BY_TOPIC',
  106: '106-GET_BROKER_CLUSTER_INFO',
  200: '200-UPDATE_AND_CREATE_SUBSCRIPTIONGROUP',
  201: '201-GET_ALL_SUBSCRIPTIONGROUP_CONFIG',
  202: '202-GET_TOPIC_STATS_INFO',
  203: '203-GET_CONSUMER_CONNECTION_LIST',
  204: '204-GET_PRODUCER_CONNECTION_LIST',
  206: '206-GET_ALL_TOPIC_LIST_FROM_NAMESERVER',
  207: '207-DELETE_SUBSCRIPTIONGROUP',
  208: '208-GET_CONSUME_STATS',
  215: '215-DELETE_TOPIC_IN_BROKER',
  216: '216-DELETE_TOPIC_IN_NAMESRV',
  222: '222-INVOKE_BROKER_TO_RESET_OFFSET',
  300: '300-QUERY_TOPIC_CONSUME_BY_WHO',
  307: '307-GET_CONSUMER_RUNNING_INFO',
  310: '310-SEND_MESSAGE_V2',
  317: '317-GET_BROKER_CONSUME_STATS',
};

/** Addresses of the capture's broker-a master and slave. */
const CAPTURED_BROKERS = ['127.0.0.1:20911', '127.0.0.1:20921'];

export class ReplayServer {
  readonly requests: RemotingCommand[] = [];
  /** Request code -> vector dir, over the defaults (e.g. 222 -> the consumer-offline answer). */
  readonly overrides = new Map<number, string>();
  private readonly cache = new Map<string, Vector>();

  private constructor(private readonly server: RemotingServer) {}

  static async start(): Promise<ReplayServer> {
    const server = new RemotingServer({ logger: createLogger('test.replay') });
    const replay = new ReplayServer(server);
    server.setDefaultProcessor((req) => replay.answer(req));
    await server.listen();
    return replay;
  }

  get addr(): string {
    return this.server.address;
  }

  vector(dir: string): Vector {
    let v = this.cache.get(dir);
    if (!v) {
      v = loadVector(dir);
      this.cache.set(dir, v);
    }
    return v;
  }

  /** Requests received with this code, in order. */
  sent(code: number): RemotingCommand[] {
    return this.requests.filter((r) => r.code === code);
  }

  private answer(req: RemotingCommand): RemotingCommand {
    this.requests.push(req);
    const dir = this.overrides.get(req.code) ?? DEFAULT_VECTORS[req.code];
    if (!dir) return createResponse(req, 3, `replay: no vector for request code ${req.code}`);
    const res = this.vector(dir).response;
    if (!res) return createResponse(req, 1, `replay: vector ${dir} has no response`);
    let body = res.body;
    if (body?.length && body[0] === 0x7b /* '{' */) {
      let text = body.toString('utf8');
      for (const a of CAPTURED_BROKERS) text = text.split(a).join(this.addr);
      body = Buffer.from(text, 'utf8');
    }
    return { ...res, opaque: req.opaque, body };
  }

  close(): Promise<void> {
    return this.server.close(100);
  }
}

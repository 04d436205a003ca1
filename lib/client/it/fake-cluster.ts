// In-process stand-ins for a nameserver and brokers on real sockets, for wire-level client tests: each records
// the requests it gets and answers through per-code handlers.

import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { encodeTopicRouteData, type TopicRouteData } from '../../protocol/bodies/route.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import { RemotingServer } from '../../remoting/server.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import type { Logger } from '../../common/log.ts';

export type FakeHandler = (req: RemotingCommand, conn: RemotingConnection) => RemotingCommand | undefined | Promise<RemotingCommand | undefined>;

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

export class FakeServer {
  readonly requests: RemotingCommand[] = [];
  readonly handlers = new Map<number, FakeHandler>();
  /** The connection of the last request (a broker pushes its own requests to clients over it). */
  lastConn?: RemotingConnection;
  private constructor(
    readonly server: RemotingServer,
    readonly addr: string,
  ) {}

  static async start(): Promise<FakeServer> {
    const server = new RemotingServer({ port: 0, logger: silentLogger });
    let self: FakeServer | undefined;
    server.setDefaultProcessor(async (req, conn) => {
      self!.requests.push(req);
      self!.lastConn = conn;
      const h = self!.handlers.get(req.code);
      if (!h) return createResponse(req, ResponseCode.SUCCESS);
      return h(req, conn);
    });
    const { host, port } = await server.listen();
    self = new FakeServer(server, `${host}:${port}`);
    return self;
  }

  on(code: number, h: FakeHandler): this {
    this.handlers.set(code, h);
    return this;
  }

  received(code: number): RemotingCommand[] {
    return this.requests.filter((r) => r.code === code);
  }

  close(): Promise<void> {
    return this.server.close(0);
  }
}

/** A route naming each broker (master only) with `queues` read/write queues. */
export function routeOf(brokers: Array<{ brokerName: string; addr: string }>, queues = 4): TopicRouteData {
  return {
    queueDatas: brokers.map((b) => ({ brokerName: b.brokerName, readQueueNums: queues, writeQueueNums: queues, perm: 6, topicSysFlag: 0 })),
    brokerDatas: brokers.map((b) => ({ cluster: 'DefaultCluster', brokerName: b.brokerName, brokerAddrs: new Map([[0, b.addr]]) })),
    filterServerTable: new Map(),
  };
}

/** A nameserver that knows the given topic routes (and answers TOPIC_NOT_EXIST for the rest). */
export async function fakeNamesrv(routes: Map<string, TopicRouteData>): Promise<FakeServer> {
  const ns = await FakeServer.start();
  ns.on(RequestCode.GET_ROUTEINFO_BY_TOPIC, (req) => {
    const route = routes.get(req.extFields?.topic ?? '');
    if (!route) return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: ${req.extFields?.topic}`);
    return createResponse(req, ResponseCode.SUCCESS, undefined, undefined, encodeTopicRouteData(route, { standard: true }));
  });
  return ns;
}

/** A SEND_MESSAGE_V2 answer as a broker gives it. */
export function sendOk(req: RemotingCommand, queueOffset: number): RemotingCommand {
  return createResponse(req, ResponseCode.SUCCESS, undefined, {
    msgId: '7F000001000051AF' + queueOffset.toString(16).toUpperCase().padStart(16, '0'),
    queueId: req.extFields?.e ?? '0',
    queueOffset,
    MSG_REGION: 'DefaultRegion',
    TRACE_ON: 'true',
  });
}

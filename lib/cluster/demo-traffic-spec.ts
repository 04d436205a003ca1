// The demo-traffic node of `rocketdeck up`: producers and consumers that keep the demo cluster busy.

import { join } from 'node:path';
import type { NodeSpec } from './supervisor.ts';
import type { Topology } from './topology.ts';

/** `grpc`: the official Node.js client's traffic through broker-a's gRPC endpoint too (not with access control: the endpoint does not sign). */
export function demoTrafficSpec(t: Topology, opts: { grpc?: boolean } = {}): NodeSpec {
  return {
    name: 'traffic', role: 'traffic',
    args: ['demo-traffic', '-n', t.namesrvAddr, '--offset-dir', join(t.dir, 'data', 'traffic-offsets'), ...(opts.grpc === false ? [] : ['--grpc', t.grpcAddr])],
  };
}

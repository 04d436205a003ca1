// The demo-traffic node of `rocketdeck up`: producers and consumers that keep the demo cluster busy.

import { join } from 'node:path';
import type { NodeSpec } from './supervisor.ts';
import type { Topology } from './topology.ts';

export function demoTrafficSpec(t: Topology): NodeSpec {
  return { name: 'traffic', role: 'traffic', args: ['demo-traffic', '-n', t.namesrvAddr, '--offset-dir', join(t.dir, 'data', 'traffic-offsets')] };
}

// A base port whose whole local-cluster port range (nameservers, broker listen and HA ports) is free.
import { portAccepts } from '../supervisor.ts';
import { planTopology } from '../topology.ts';

export async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    const t = planTopology({ dir: '/unused', basePort: base, withConsole: false });
    const ports = [...t.namesrvPorts, ...t.brokers.flatMap((b) => [b.listenPort, b.haListenPort])];
    const busy = await Promise.all(ports.map((p) => portAccepts('127.0.0.1', p, 200)));
    if (!busy.some(Boolean)) return base;
  }
  throw new Error('no free port range found for a local cluster');
}

// A base port whose whole local-cluster port range (nameservers, broker listen and HA ports) is free; whether a pid runs.
import { portAccepts } from '../supervisor.ts';
import { planTopology } from '../topology.ts';

export async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below Linux's ephemeral range (32768-60999): ports there come and go with every outgoing connection and
    // port-0 listener of the tests running alongside, so a range found free there may be taken a moment later.
    const base = 10000 + Math.floor(Math.random() * 20000);
    const t = planTopology({ dir: '/unused', basePort: base, withConsole: false });
    const ports = [...t.namesrvPorts, ...t.brokers.flatMap((b) => [b.listenPort, b.haListenPort]), Number(t.grpcAddr.split(":")[1])];
    const busy = await Promise.all(ports.map((p) => portAccepts('127.0.0.1', p, 200)));
    if (!busy.some(Boolean)) return base;
  }
  throw new Error('no free port range found for a local cluster');
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

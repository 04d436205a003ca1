// Free TCP ports on 127.0.0.1: one from the OS, or a base port whose whole block of cluster ports is free.
import { createServer } from 'node:net';

export { freePort } from '../lib/common/free-port.ts';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A base port for `rocketdeck up`: nameservers on base and base+1, brokers (listen and HA) at base+1035 and above,
 * as lib/cluster/topology.ts lays them out. Tries random bases until every port of the block is free.
 */
export async function freeBasePort(offsets: number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below Linux's ephemeral range (32768-60999), where ports come and go with every outgoing connection.
    const base = 10000 + Math.floor(Math.random() * 20000);
    const checks = await Promise.all(offsets.map((o) => portFree(base + o)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error('no free block of ports for the test cluster');
}

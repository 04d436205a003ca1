// A TCP port on 127.0.0.1 that nobody listens on right now, from the OS: for tests, benches and e2e checks that start
// real servers (and for a server that must come back on the same address).
import { createServer, type AddressInfo } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

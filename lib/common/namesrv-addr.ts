// Parses RocketMQ's nameserver address list: "host:port;host:port" (as NAMESRV_ADDR and namesrvAddr take it).

export function parseNamesrvAddr(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Throws an Error naming the bad entry when an address is not host:port. */
export function validateNamesrvAddr(addrs: string[]): string[] {
  for (const a of addrs) {
    const i = a.lastIndexOf(':');
    const port = Number(a.slice(i + 1));
    if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new Error(`nameserver address '${a}' is not host:port (e.g. 127.0.0.1:9876)`);
    }
  }
  return addrs;
}

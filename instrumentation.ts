// Next.js start-up hook: boots the console once per server process (users, saved cluster, background collector)
// and warms it up: Next.js answers no request before register() resolves, and /api/health waits for the route
// warm-up started here (requests to this server, which it serves once register() resolved).

export async function register(): Promise<void> {
  // register() also runs for the edge runtime, and the build loads modules without serving anything
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { bootConsole } = await import('./lib/console/boot.ts');
  const { warmRoutesOverHttp, warmUpConsole } = await import('./lib/console/warm-up.ts');
  await warmUpConsole(bootConsole());
  void warmRoutesOverHttp(process.env.__NEXT_PRIVATE_ORIGIN);
}

// Next.js start-up hook: boots the console once per server process (users, saved cluster, background collector)
// and warms it up; Next.js answers no request before register() resolves.

export async function register(): Promise<void> {
  // register() also runs for the edge runtime, and the build loads modules without serving anything
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { bootConsole } = await import('./lib/console/boot.ts');
  const { warmUpConsole } = await import('./lib/console/warm-up.ts');
  await warmUpConsole(bootConsole());
}

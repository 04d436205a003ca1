// Starts the console (production build) on a free port for the browser tests; returns the teardown.
import { startConsole } from '../lib/cluster/console-process.ts';
import { freePort } from './free-port.ts';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const port = await freePort();
  const proc = await startConsole({ port, host: '127.0.0.1', namesrvAddr: process.env.NAMESRV_ADDR ?? '' });
  process.env.ROCKETDECK_CONSOLE_URL = proc.url;
  return () => proc.stop();
}

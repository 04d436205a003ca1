import { startConsole } from './lib/cluster/console-process.ts';
const c = await startConsole({ port: 33999, host: '127.0.0.1', namesrvAddr: '127.0.0.1:23500;127.0.0.1:23501', env: { ROCKETDECK_CONSOLE_DB: '/tmp/dbg-console.db', ROCKETDECK_USERS: 'op:operator:op-pw', ROCKETDECK_COLLECT_INTERVAL_MS: '1000', ROCKETDECK_LOG_LEVEL: 'warn' }, onLine: (l) => console.log(l) });
console.log('READY', c.url);
await new Promise(() => {});

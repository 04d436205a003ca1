// Child of bench/dlq-export.ts: runs the console's export route handler logic (exportResponse) in its own process
// and reads the streamed body to the end, so the parent can sample this process's RSS. Prints one JSON line.
import { AdminClient } from '../../lib/admin/index.ts';
import { setLogSink } from '../../lib/common/log.ts';
import { exportResponse } from '../../lib/console/dlq-view.ts';

setLogSink(() => {});
const [namesrv, group, format] = process.argv.slice(2) as [string, string, string];
const admin = new AdminClient({ namesrvAddr: namesrv, timeoutMs: 10_000 });
const t0 = performance.now();
const res = await exportResponse(admin, group, new URL(`http://x/api/dlq/${group}/export?format=${format}&begin=0`));
const reader = res.body!.getReader();
let bytes = 0;
let lines = 0;
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  bytes += value.length;
  for (const b of value) if (b === 10) lines++;
}
await admin.close();
process.stdout.write(JSON.stringify({ bytes, lines, ms: Math.round(performance.now() - t0) }) + '\n');

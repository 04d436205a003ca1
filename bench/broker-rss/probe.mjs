// Loaded into a broker by bench/broker-rss.ts (node --import): on SIGUSR2 the main thread writes its V8 heap figures
// (process.memoryUsage and the heap spaces) to $ROCKETDECK_MEM_PROBE_DIR/mem-PID.json, for the bench to read.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';

const dir = process.env.ROCKETDECK_MEM_PROBE_DIR;
if (isMainThread && dir) {
  process.on('SIGUSR2', () => {
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]));
    writeFileSync(join(dir, `mem-${process.pid}.json`), JSON.stringify({ ...process.memoryUsage(), spaces }));
  });
}

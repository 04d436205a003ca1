// Child process of the crash test: opens a SYNC_FLUSH store, runs many concurrent writers and prints one line
// per acknowledged message ("ACK <id> <queueId> <queueOffset>") until it is killed.
// Usage: node --import tsx crash-child.ts <storeDir> <writers> <seed>

import { setLogLevel } from '../../common/log.ts';
import { MessageStore } from '../message-store.ts';
import { crashStoreConfig, crashMessage } from './crash-shared.ts';

setLogLevel('warn');

const [dir, writersArg, seedArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: crash-child.ts <storeDir> <writers> <seed>');
const writers = Number(writersArg ?? 32);
let seed = Number(seedArg ?? 1) >>> 0 || 1;
const random = (): number => {
  // xorshift32: reproducible bodies per run
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
};

const store = await MessageStore.open(crashStoreConfig(dir));
process.stdout.write(`READY ${store.recovery.lastExitOK ? 'clean' : 'crash'} ${store.recovery.replayed} ${store.getMaxPhyOffset()}\n`);

let lines: string[] = [];
let flushScheduled = false;
// Acks go out in batches: one write per event-loop turn keeps the child busy appending, not printing.
const report = (line: string): void => {
  lines.push(line);
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(() => {
    flushScheduled = false;
    const out = lines.join('');
    lines = [];
    process.stdout.write(out);
  });
};

const run = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
async function writer(w: number): Promise<void> {
  for (;;) {
    const id = `${run}-${w}-${seq++}`;
    const queueId = Math.floor(random() * 4);
    const r = await store.putMessage(crashMessage(id, queueId, 100 + Math.floor(random() * 3000)));
    if (r.status !== 'PUT_OK') {
      process.stderr.write(`put ${id} failed: ${r.status} ${r.remark ?? ''}\n`);
      continue;
    }
    report(`ACK ${id} ${queueId} ${r.appendResult!.logicsOffset}\n`);
  }
}

await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));

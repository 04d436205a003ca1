// SQL92 filtering benchmark on the broker's own pieces in one process (a message store with the broker's filter bits
// calculator and the pull filter): how many commit log reads the filter bits save a SQL92 pull, and what they cost
// at dispatch. Each selectivity fills a fresh store twice (filter bits on, off) and reads the whole queue through
// the filter as pulls of 32 do.
//   npm run bench -- sql92 [--messages 200000] [--size 512]

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createLogger, setLogSink } from '../lib/common/log.ts';
import { MessageStore } from '../lib/store/message-store.ts';
import { inner, removeDir, tempStoreDir } from '../lib/store/store-test-util.ts';
import { ConsumerFilterManager } from '../lib/broker/filter/consumer-filter.ts';
import { sqlFilter } from '../lib/broker/filter/filter.ts';
import type { BenchMetric, BenchReport } from './run.ts';

const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

interface Pass {
  putPerSec: number;
  pullPerSec: number;
  delivered: number;
  commitLogReads: number;
  skipped: number;
}

async function pass(n: number, size: number, expression: string, bits: boolean): Promise<Pass> {
  const dir = tempStoreDir('rd-bench-sql92-');
  let store: MessageStore | undefined;
  const mgr = new ConsumerFilterManager({
    log: createLogger('bench'), dispatchedOffset: () => store?.getDispatchedOffset() ?? 0, bitMapEnabled: () => bits,
  });
  store = await MessageStore.open({ storePathRootDir: dir }, { filterBits: { calculate: (t, p) => mgr.calculate(t, p) } });
  try {
    // the group subscribes first (as a push consumer's heartbeat does), then the messages arrive
    mgr.register('bench_group', [{ topic: 'T', subString: expression, tagsSet: [], codeSet: [], subVersion: 1, expressionType: 'SQL92', classFilterMode: false }]);
    const body = Buffer.alloc(size, 'x');
    const t0 = performance.now();
    for (let i = 0; i < n; i += 512) {
      const puts = [];
      for (let j = i; j < Math.min(n, i + 512); j++) {
        puts.push(store.putMessage(inner('T', body, { properties: { a: String(j % 100), region: j % 3 === 0 ? 'eu' : 'us' }, wait: false })));
      }
      await Promise.all(puts);
    }
    const putPerSec = (n / (performance.now() - t0)) * 1000;
    const data = mgr.get('T', 'bench_group')!;
    const filter = sqlFilter(data.filter, data.slot);
    let firstRead: ReturnType<MessageStore['getRuntimeStats']> | undefined;
    // the queue is read 3 times (figures from the first read, the best rate of the three)
    const before = store.getRuntimeStats();
    let delivered = 0;
    let pullPerSec = 0;
    for (let round = 0; round < 3; round++) {
      const t1 = performance.now();
      let offset = 0;
      let got = 0;
      while (offset < n) {
        const r = await store.getMessage('bench_group', 'T', 0, offset, 32, filter);
        got += r.buffers.length;
        if (r.nextBeginOffset <= offset) break;
        offset = r.nextBeginOffset;
      }
      pullPerSec = Math.max(pullPerSec, (n / (performance.now() - t1)) * 1000);
      if (round === 0) {
        delivered = got;
        firstRead = store.getRuntimeStats();
      }
    }
    const after = firstRead!;
    const rejected = after.filterRejectedByCommitLog - before.filterRejectedByCommitLog;
    return {
      putPerSec, pullPerSec, delivered, commitLogReads: delivered + rejected,
      skipped: after.filterSkippedByConsumeQueue - before.filterSkippedByConsumeQueue,
    };
  } finally {
    await store.shutdown();
    removeDir(dir);
  }
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({ args, options: { messages: { type: 'string', default: '200000' }, size: { type: 'string', default: '512' } } });
  const n = Number(values.messages);
  const size = Number(values.size);
  setLogSink(() => {});
  const metrics: BenchMetric[] = [];
  await pass(Math.min(n, 20_000), size, 'a = 1', true); // warm-up: JIT and page cache
  const cases: Array<[string, string]> = [
    ['1%', 'a = 7'],
    ['10%', "a BETWEEN 10 AND 19"],
    ['50%', "a < 50 OR region = 'none'"],
  ];
  for (const [label, expression] of cases) {
    const on = await pass(n, size, expression, true);
    const off = await pass(n, size, expression, false);
    if (on.delivered !== off.delivered) throw new Error(`${label}: ${on.delivered} delivered with filter bits, ${off.delivered} without`);
    metrics.push(
      { metric: `${label} match: delivered`, value: on.delivered, unit: 'msgs' },
      { metric: `${label} match: commit log reads, filter bits off`, value: off.commitLogReads, unit: 'msgs' },
      { metric: `${label} match: commit log reads, filter bits on`, value: on.commitLogReads, unit: 'msgs' },
      { metric: `${label} match: reads saved by filter bits`, value: on.skipped, unit: 'msgs' },
      { metric: `${label} match: read through filter, bits off`, value: round(off.pullPerSec, 0), unit: 'entries/s' },
      { metric: `${label} match: read through filter, bits on`, value: round(on.pullPerSec, 0), unit: 'entries/s' },
      { metric: `${label} match: put, bits off`, value: round(off.putPerSec, 0), unit: 'msg/s' },
      { metric: `${label} match: put, bits on (expression evaluated at dispatch)`, value: round(on.putPerSec, 0), unit: 'msg/s' },
    );
  }
  return { bench: 'sql92', params: { messages: n, size, queues: 1, pullBatch: 32 }, metrics };
}

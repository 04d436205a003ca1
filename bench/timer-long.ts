// Timer messages at the full delay range against a `rocketdeck broker` child process: 1,000 timers with
// random delays of 1-120 s, the broker killed with kill -9 half way and restarted on the same store. Asserts none
// is delivered before its time, none lost, none twice, and p99 lateness <= 1.5 s for the timers due after the
// restart (a timer due while the broker is down cannot be on time; their lateness is printed apart). ~2.5 minutes.
//   npm run bench -- timer-long [--timers 1000] [--max-delay-sec 120] [--kill-at-sec 60]

import { parseArgs } from 'node:util';
import { setLogSink } from '../lib/common/log.ts';
import { ResponseCode } from '../lib/protocol/codes.ts';
import { decodeMessages } from '../lib/protocol/message-codec.ts';
import { spawnBroker, spawnNamesrv, TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from '../lib/broker/it/harness.ts';
import { percentile, type BenchReport } from './run.ts';

const TOPIC = 'TimerLongTopic';
const QUEUES = 4;
const P99_LIMIT_MS = 1500;

interface Arrival {
  key: string;
  stored: number;
  received: number;
}

/** Long-polls every queue, recording each message when it arrives; survives the broker being away. */
function collector(c: TestClient, group: string) {
  const next = Array.from({ length: QUEUES }, () => 0);
  const got: Arrival[] = [];
  let stopped = false;
  const loops = next.map(async (_, q) => {
    while (!stopped) {
      const res = await c.pull(group, TOPIC, q, next[q]!, { suspendMs: 1000, timeoutMs: 5000 }).catch(() => undefined);
      if (!res) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      if (res.code === ResponseCode.SUCCESS) {
        const now = Date.now();
        for (const m of decodeMessages(res.body!)) got.push({ key: m.properties.UNIQ_KEY!, stored: m.storeTimestamp, received: now });
        next[q] = Number(res.extFields!.nextBeginOffset);
      } else if (res.code === ResponseCode.PULL_OFFSET_MOVED) {
        next[q] = Number(res.extFields!.nextBeginOffset);
      }
    }
  });
  return {
    got,
    async stop() {
      stopped = true;
      await Promise.allSettled(loops);
    },
  };
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args, options: { timers: { type: 'string', default: '1000' }, 'max-delay-sec': { type: 'string', default: '120' }, 'kill-at-sec': { type: 'string', default: '60' } },
  });
  const n = Number(values.timers);
  const maxDelayMs = Number(values['max-delay-sec']) * 1000;
  const killAtMs = Number(values['kill-at-sec']) * 1000;
  if (!(n > 0) || !(maxDelayMs > 1000) || !(killAtMs > 0 && killAtMs < maxDelayMs)) throw new Error('--timers > 0, --max-delay-sec > 1 and 0 < --kill-at-sec < --max-delay-sec');
  setLogSink(() => {});
  const props = { brokerClusterName: 'TimerLong', timerMaxDelaySec: 3600 };
  let ns: NamesrvProcess | undefined;
  let broker: BrokerProcess | undefined;
  let c: TestClient | undefined;
  let col: ReturnType<typeof collector> | undefined;
  try {
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address, props });
    c = new TestClient(broker.address);
    await c.createTopic(TOPIC, QUEUES);
    col = collector(c, 'timer_long_reader');

    // 1,000 timers, each due 1 s to maxDelay from its send (TIMER_DELIVER_MS), spread over the queues
    const due = new Map<string, number>();
    const sendStart = Date.now();
    const sends: Array<Promise<{ code: number; remark?: string }>> = [];
    for (let i = 0; i < n; i++) {
      const key = `tl-${i}`;
      const at = Date.now() + 1000 + Math.floor(Math.random() * (maxDelayMs - 1000));
      due.set(key, at);
      sends.push(c.send(TOPIC, `timer ${key}`, { queueId: i % QUEUES, properties: { UNIQ_KEY: key, TIMER_DELIVER_MS: String(at) } }));
      if (sends.length >= 50) for (const r of await Promise.all(sends.splice(0))) if (r.code !== ResponseCode.SUCCESS) throw new Error(`timer send: ${r.remark}`);
    }
    for (const r of await Promise.all(sends)) if (r.code !== ResponseCode.SUCCESS) throw new Error(`timer send: ${r.remark}`);
    const sendMs = Date.now() - sendStart;

    // kill -9 half way, restart on the same store and port
    await new Promise((r) => setTimeout(r, Math.max(0, sendStart + killAtMs - Date.now())));
    const pendingAtKill = [...due.values()].filter((t) => t > Date.now()).length;
    const killedAt = Date.now();
    if ((await broker.stop('SIGKILL')) !== null) throw new Error('the broker did not die by SIGKILL');
    broker = await spawnBroker({ namesrv: ns.address, dir: broker.dir, port: broker.port, props });
    const restarted = Date.now();

    const last = Math.max(...due.values());
    await waitFor(`${n} timers delivered`, () => col!.got.filter((a) => due.has(a.key)).length >= n, Math.max(0, last - Date.now()) + 30_000);
    // anything delivered twice would arrive by now
    await new Promise((r) => setTimeout(r, 3000));
    await col.stop();

    const seen = new Map<string, number>();
    let early = 0;
    for (const a of col.got) {
      if (!due.has(a.key)) continue;
      seen.set(a.key, (seen.get(a.key) ?? 0) + 1);
      if (a.stored < due.get(a.key)!) early++;
    }
    const lost = [...due.keys()].filter((k) => !seen.has(k)).length;
    const twice = [...seen.values()].filter((v) => v > 1).length;
    const lateness = (pred: (dueAt: number) => boolean) => col!.got.filter((a) => due.has(a.key) && pred(due.get(a.key)!))
      .map((a) => a.received - due.get(a.key)!).sort((x, y) => x - y);
    const all = lateness(() => true);
    const before = lateness((d) => d < killedAt);
    const after = lateness((d) => d > restarted + 500);
    const down = lateness((d) => d >= killedAt && d <= restarted + 500);
    const p99After = percentile(after, 99);
    const failures = [
      early > 0 && `${early} timers delivered before their time`,
      lost > 0 && `${lost} timers lost`,
      twice > 0 && `${twice} timers delivered twice`,
      p99After > P99_LIMIT_MS && `p99 lateness after the restart ${p99After} ms > ${P99_LIMIT_MS} ms`,
      percentile(before, 99) > P99_LIMIT_MS && `p99 lateness before the kill ${percentile(before, 99)} ms > ${P99_LIMIT_MS} ms`,
    ].filter(Boolean);
    if (failures.length) throw new Error(`timer-long: ${failures.join('; ')}`);
    return {
      bench: 'timer-long',
      params: { timers: n, delaySec: `1-${maxDelayMs / 1000}`, queues: QUEUES, killAtSec: killAtMs / 1000 },
      metrics: [
        { metric: 'timers sent', value: n, unit: 'messages' },
        { metric: 'send time', value: sendMs, unit: 'ms' },
        { metric: 'pending at kill -9', value: pendingAtKill, unit: 'timers' },
        { metric: 'broker down (kill to ready)', value: restarted - killedAt, unit: 'ms' },
        { metric: 'delivered early', value: early, unit: 'timers' },
        { metric: 'lost', value: lost, unit: 'timers' },
        { metric: 'delivered twice', value: twice, unit: 'timers' },
        { metric: 'lateness p50 (all)', value: percentile(all, 50), unit: 'ms' },
        { metric: 'lateness p99 (all)', value: percentile(all, 99), unit: 'ms' },
        { metric: 'lateness max (all)', value: all.at(-1) ?? 0, unit: 'ms' },
        { metric: 'lateness p99 (due before the kill)', value: percentile(before, 99), unit: 'ms' },
        { metric: 'lateness p99 (due after the restart)', value: p99After, unit: 'ms' },
        { metric: 'timers due after the restart', value: after.length, unit: 'timers' },
        { metric: 'timers due while down', value: down.length, unit: 'timers' },
        { metric: 'lateness max (due while down)', value: down.at(-1) ?? 0, unit: 'ms' },
      ],
    };
  } finally {
    await col?.stop();
    await c?.close();
    await broker?.destroy();
    await ns?.stop();
  }
}

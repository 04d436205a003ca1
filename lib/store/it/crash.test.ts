// Crash test: a child process appends with SYNC_FLUSH from many concurrent writers and is killed with SIGKILL at
// random moments; after each kill every acknowledged message must be stored exactly once and readable through its
// consume queue at the queue offset it was acknowledged with. A second test leaves a torn, half-written record at
// the end of the log after each kill.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setLogLevel } from '../../common/log.ts';
import { BLANK_MAGIC_CODE, decodeMessage, MESSAGE_MAGIC_CODE, PHY_POS_POSITION } from '../../protocol/message-codec.ts';
import { writeInt64 } from '../../protocol/message-host.ts';
import { MessageStore } from '../message-store.ts';
import { removeDir, tempStoreDir } from '../store-test-util.ts';
import { CRASH_TOPIC, crashStoreConfig } from './crash-shared.ts';

setLogLevel('error');

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const QUEUES = 4;

interface Ack {
  queueId: number;
  queueOffset: number;
}

interface ChildRun {
  acked: Map<string, Ack>;
  ready: string | null;
}

/** Runs the child until `killAfterMs` after it is ready (or after spawn when `early`), then SIGKILLs it. */
function runChild(dir: string, writers: number, seed: number, killAfterMs: number, early: boolean): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(writers), String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Map<string, Ack>();
    let ready: string | null = null;
    let buf = '';
    let err = '';
    let killTimer: NodeJS.Timeout | null = null;
    let killed = false;
    const kill = (): void => {
      killed = true;
      child.kill('SIGKILL');
    };
    if (early) killTimer = setTimeout(kill, killAfterMs);
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('READY ')) {
          ready = line;
          if (!early) killTimer = setTimeout(kill, killAfterMs);
        } else if (line.startsWith('ACK ')) {
          const [, id, q, off] = line.split(' ');
          acked.set(id!, { queueId: Number(q), queueOffset: Number(off) });
        }
      }
    });
    child.once('exit', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      if (!killed || signal !== 'SIGKILL') reject(new Error(`child exited by itself (code ${code}, signal ${signal}): ${err}`));
      else resolve({ acked, ready });
    });
  });
}

/** Opens the store (recovering after the kill) and checks every acknowledged message; returns the message count. */
async function verify(dir: string, acked: Map<string, Ack>): Promise<number> {
  const store = await MessageStore.open(crashStoreConfig(dir));
  try {
    assert.equal(store.recovery.lastExitOK, false, 'the store was killed');
    const seen = new Map<string, number>();
    const at = new Map<string, string>();
    let total = 0;
    for (let q = 0; q < QUEUES; q++) {
      const max = store.getMaxOffsetInQueue(CRASH_TOPIC, q);
      for (let offset = store.getMinOffsetInQueue(CRASH_TOPIC, q); offset < max; ) {
        const r = await store.getMessage('verify', CRASH_TOPIC, q, offset, 32);
        assert.equal(r.status, 'FOUND', `queue ${q} offset ${offset}`);
        r.buffers.forEach((b, i) => {
          const m = decodeMessage(b, 0, { checkCRC: true });
          const id = m.body.toString('latin1', 0, m.body.indexOf(0x7c));
          assert.equal(m.queueOffset, r.queueOffsets[i], 'record queue offset matches its consume queue position');
          assert.equal(m.queueId, q);
          seen.set(id, (seen.get(id) ?? 0) + 1);
          at.set(`${q}/${r.queueOffsets[i]}`, id);
          total++;
        });
        offset = r.nextBeginOffset;
      }
    }
    for (const [id, n] of seen) assert.equal(n, 1, `${id} stored ${n} times`);
    for (const [id, a] of acked) {
      assert.equal(seen.get(id), 1, `acknowledged ${id} is missing`);
      assert.equal(at.get(`${a.queueId}/${a.queueOffset}`), id, `acknowledged ${id} is at its queue offset`);
    }
    // The unique key index finds acknowledged messages too, once. It is a hash index: like RocketMQ's clients, count
    // only hits that carry the key (another key with the same 32-bit hash may come along).
    const sample = [...acked.keys()].slice(-3);
    for (const id of sample) {
      const hits = (await store.queryMessage(CRASH_TOPIC, id, 4, 0, Date.now() + 1000)).buffers.map((b) => decodeMessage(b, 0, { readBody: false }));
      assert.equal(hits.filter((m) => m.properties.UNIQ_KEY === id).length, 1, `index has ${id} once (hits: ${hits.map((m) => `${m.commitLogOffset}:${m.properties.UNIQ_KEY}`).join(' ')})`);
    }
    return total;
  } finally {
    await store.shutdown();
  }
}

/** End of the valid-looking records in the last commit log file, walking TOTALSIZE from the file start. */
function logEnd(dir: string): { file: string; pos: number; fileSize: number; lastRecord: Buffer | null } {
  const clDir = path.join(dir, 'commitlog');
  const names = fs.readdirSync(clDir).sort();
  const file = path.join(clDir, names[names.length - 1]!);
  const data = fs.readFileSync(file);
  let pos = 0;
  let lastRecord: Buffer | null = null;
  while (pos + 8 <= data.length) {
    const size = data.readInt32BE(pos);
    const magic = data.readInt32BE(pos + 4);
    if (magic === BLANK_MAGIC_CODE) return { file, pos: data.length, fileSize: data.length, lastRecord };
    if (magic !== MESSAGE_MAGIC_CODE || size <= 0 || pos + size > data.length) break;
    lastRecord = data.subarray(pos, pos + size);
    pos += size;
  }
  if (!lastRecord) {
    // The last file is new: borrow a record from the first file.
    const first = fs.readFileSync(path.join(clDir, names[0]!));
    const size = first.readInt32BE(0);
    if (size > 0 && first.readInt32BE(4) === MESSAGE_MAGIC_CODE) lastRecord = first.subarray(0, size);
  }
  return { file, pos, fileSize: data.length, lastRecord };
}

describe('crash recovery under SIGKILL', { concurrency: false }, () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));

  test('acknowledged SYNC_FLUSH appends survive 20 kills at random moments, each exactly once', { timeout: 120_000 }, async () => {
    const dir = tempStoreDir('rd-crash-it-');
    dirs.push(dir);
    const acked = new Map<string, Ack>();
    let killsBeforeReady = 0;
    for (let round = 0; round < 20; round++) {
      // Most kills land while appends run; some during start-up and recovery.
      const early = round % 5 === 4;
      const delay = early ? 50 + Math.floor(Math.random() * 600) : 20 + Math.floor(Math.random() * 250);
      const run = await runChild(dir, 48, round + 1, delay, early);
      if (!run.ready) killsBeforeReady++;
      for (const [id, a] of run.acked) acked.set(id, a);
      // Verify every other round here; otherwise the next child recovers from the crash by itself.
      if (round % 2 === 1 || round === 19) await verify(dir, acked);
    }
    assert.ok(acked.size > 1000, `only ${acked.size} messages were acknowledged`);
    assert.ok(killsBeforeReady < 20);
  });

  test('a torn, half-written last record after a kill is cut off and nothing acknowledged is lost', { timeout: 60_000 }, async () => {
    const dir = tempStoreDir('rd-crash-torn-');
    dirs.push(dir);
    const acked = new Map<string, Ack>();
    for (let round = 0; round < 6; round++) {
      const run = await runChild(dir, 32, 100 + round, 60 + Math.floor(Math.random() * 200), false);
      for (const [id, a] of run.acked) acked.set(id, a);
      const end = logEnd(dir);
      assert.ok(end.lastRecord, 'the last file has records');
      // The first half of a record, as if the process died in the middle of writing it.
      const torn = Buffer.from(end.lastRecord);
      writeInt64(torn, PHY_POS_POSITION, Number(path.basename(end.file)) + end.pos);
      const half = torn.subarray(0, Math.min(torn.length >> 1, end.fileSize - end.pos));
      const fd = fs.openSync(end.file, 'r+');
      fs.writeSync(fd, half, 0, half.length, end.pos);
      fs.closeSync(fd);
      await verify(dir, acked);
    }
    assert.ok(acked.size > 100);
  });
});

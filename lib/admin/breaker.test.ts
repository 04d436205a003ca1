// The per-broker breaker with an injected clock: opens on a missed deadline, probes in the background, readmits on
// an answer; and AdminCore wiring it into calls and fan-outs (a stub transport stands in for a hung broker).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Breaker, BrokerUnavailableError, type BreakerClock } from './breaker.ts';
import { AdminCore } from './core.ts';
import { DeadlineError } from './fanout.ts';
import { RemotingTimeoutError } from '../remoting/errors.ts';
import { createResponse, type RemotingCommand } from '../remoting/command.ts';
import type { RemotingClient } from '../remoting/client.ts';

/** Time moves only when a test says so; timers run when their time comes. */
class FakeClock implements BreakerClock {
  t = 1_000_000;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now = (): number => this.t;
  schedule = (fn: () => void, ms: number): (() => void) => {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return () => (timer.live = false);
  };
  get pending(): number {
    return this.timers.filter((x) => x.live).length;
  }
  async advance(ms: number): Promise<void> {
    this.t += ms;
    for (;;) {
      const due = this.timers.find((x) => x.live && x.at <= this.t);
      if (!due) break;
      due.live = false;
      due.fn();
      // let the probe's promise chain settle
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
  }
}

describe('Breaker', () => {
  test('stays closed while a peer answers, and remembers when it last did', () => {
    const clock = new FakeClock();
    const b = new Breaker({ clock, probe: async () => {} });
    b.answered('b:1');
    assert.doesNotThrow(() => b.check('b:1'));
    assert.equal(b.state('b:1')?.lastOkAt, clock.t);
    assert.equal(b.isOpen('b:1'), false);
  });

  test('opens on a missed deadline: calls are refused at once, naming the address, the reason and the last answer', () => {
    const clock = new FakeClock();
    const b = new Breaker({ clock, probe: async () => new Promise(() => {}) });
    b.answered('b:1');
    clock.t += 5000;
    b.missed('b:1', 'did not answer within 800ms');
    clock.t += 2000;
    const err = assert.throws(() => b.check('b:1'), (e: unknown) => {
      assert.ok(e instanceof BrokerUnavailableError);
      assert.equal(e.addr, 'b:1');
      assert.match(e.message, /b:1 is not answering \(hung 2 s: did not answer within 800ms\).*last answered 7 s ago/);
      return true;
    });
    void err;
    assert.doesNotThrow(() => b.check('b:2'), 'other peers are not affected');
  });

  test('probes in the background at its interval while open, and readmits the peer when a probe is answered', async () => {
    const clock = new FakeClock();
    let answering = false;
    const probed: string[] = [];
    const changes: Array<[string, boolean]> = [];
    const b = new Breaker({
      clock,
      probeIntervalMs: 1000,
      probe: async (addr) => {
        probed.push(addr);
        if (!answering) throw new Error('timeout');
      },
      onChange: (addr, open) => changes.push([addr, open]),
    });
    b.missed('b:1', 'timeout');
    assert.deepEqual(probed, [], 'no probe before the interval');
    await clock.advance(999);
    assert.deepEqual(probed, []);
    await clock.advance(1);
    assert.deepEqual(probed, ['b:1']);
    assert.equal(b.isOpen('b:1'), true, 'a failed probe keeps it open');
    await clock.advance(1000);
    assert.deepEqual(probed, ['b:1', 'b:1']);
    answering = true;
    await clock.advance(1000);
    assert.equal(b.isOpen('b:1'), false, 'an answered probe readmits it');
    assert.doesNotThrow(() => b.check('b:1'));
    assert.equal(b.state('b:1')?.probes, 3);
    assert.equal(clock.pending, 0, 'no more probes once readmitted');
    assert.deepEqual(changes, [['b:1', true], ['b:1', false]]);
  });

  test('a late answer to any call readmits the peer before the next probe', async () => {
    const clock = new FakeClock();
    const b = new Breaker({ clock, probe: async () => { throw new Error('timeout'); } });
    b.missed('b:1', 'timeout');
    b.answered('b:1');
    assert.equal(b.isOpen('b:1'), false);
    assert.equal(clock.pending, 0, 'its probe timer is cancelled');
  });

  test('close() stops probing', async () => {
    const clock = new FakeClock();
    let probes = 0;
    const b = new Breaker({ clock, probe: async () => { probes++; throw new Error('timeout'); } });
    b.missed('b:1', 'timeout');
    b.close();
    await clock.advance(10_000);
    assert.equal(probes, 0);
  });
});

/** A transport whose peers either answer at once or never (a SIGSTOPped process: the socket accepts, nothing comes back). */
function stubTransport(hung: Set<string>) {
  const sent: Array<{ addr: string; code: number }> = [];
  const remoting = {
    async invoke(addr: string, req: RemotingCommand, timeoutMs: number) {
      sent.push({ addr, code: req.code });
      if (hung.has(addr)) {
        await new Promise((r) => setTimeout(r, timeoutMs));
        throw new RemotingTimeoutError(addr, timeoutMs, `request ${req.code} to ${addr} timed out after ${timeoutMs}ms`);
      }
      return createResponse(req, 0);
    },
    async close() {},
  } as unknown as RemotingClient;
  return { remoting, sent };
}

describe('AdminCore with a hung broker', () => {
  const targets = ['b:1', 'b:2', 'b:3'].map((addr, i) => ({ clusterName: 'C', brokerName: `broker-${i}`, brokerId: 0, brokerAddr: addr }));

  test('a fan-out stops waiting at the deadline, names the broker, and the next one refuses it without sending', async () => {
    const hung = new Set(['b:2']);
    const { remoting, sent } = stubTransport(hung);
    const clock = new FakeClock();
    const core = new AdminCore({ namesrvAddr: 'ns:1', remoting, timeoutMs: 2000, deadlineMs: 60, clock });
    try {
      const t0 = performance.now();
      const first = await core.fanout(targets, (t) => core.call(t.brokerAddr, 28));
      const took = performance.now() - t0;
      assert.ok(took < 1000, `waited ${took} ms, not the 2000 ms timeout`);
      assert.deepEqual(first.results.map((r) => r.target.brokerAddr), ['b:1', 'b:3']);
      assert.equal(first.errors.length, 1);
      assert.equal(first.errors[0]!.brokerName, 'broker-1');
      assert.equal(first.errors[0]!.brokerAddr, 'b:2');
      assert.match(first.errors[0]!.error, /broker-1 \(b:2\) did not answer within 60ms/);
      assert.equal(first.errors[0]!.unavailable, true);

      const before = sent.filter((s) => s.addr === 'b:2').length;
      const second = await core.fanout(targets, (t) => core.call(t.brokerAddr, 28));
      assert.equal(sent.filter((s) => s.addr === 'b:2').length, before, 'nothing sent to the held-off broker');
      assert.match(second.errors[0]!.error, /hung: b:2 is not answering/);
      await assert.rejects(core.call('b:2', 28), BrokerUnavailableError);
      await assert.rejects(core.within(targets[1]!, async () => 1), BrokerUnavailableError);

      // the broker comes back: the next background probe is answered and it is readmitted
      hung.delete('b:2');
      await clock.advance(1000);
      await new Promise((r) => setImmediate(r));
      assert.equal(core.breaker.isOpen('b:2'), false);
      const third = await core.fanout(targets, (t) => core.call(t.brokerAddr, 28));
      assert.equal(third.errors.length, 0);
      assert.equal(third.results.length, 3);
    } finally {
      await core.close();
    }
  });

  test('a deadline miss on a read surfaces as a DeadlineError naming the address', async () => {
    const { remoting } = stubTransport(new Set(['b:9']));
    const core = new AdminCore({ namesrvAddr: 'ns:1', remoting, timeoutMs: 2000, deadlineMs: 30, clock: new FakeClock() });
    try {
      await assert.rejects(core.within({ brokerName: 'broker-9', brokerAddr: 'b:9' }, () => core.call('b:9', 28)), (e: unknown) => {
        assert.ok(e instanceof DeadlineError);
        assert.equal(e.addr, 'b:9');
        assert.match(e.message, /broker-9 \(b:9\) did not answer within 30ms/);
        return true;
      });
    } finally {
      await core.close();
    }
  });
});

describe('AdminCore fan-outs that keep last good answers', () => {
  const targets = ['b:1', 'b:2'].map((addr, i) => ({ clusterName: 'C', brokerName: `broker-${i}`, brokerId: 0, brokerAddr: addr }));

  test("a broker that stops answering is shown with its last good answer, marked with that answer's time", async () => {
    const hung = new Set<string>();
    const { remoting } = stubTransport(hung);
    const clock = new FakeClock();
    const core = new AdminCore({ namesrvAddr: 'ns:1', remoting, timeoutMs: 2000, deadlineMs: 40, clock });
    try {
      let round = 0;
      const read = (t: { brokerAddr: string }) => core.call(t.brokerAddr, 28).then(() => `${t.brokerAddr} round ${round}`);
      const first = await core.fanout(targets, read, { keep: 'test' });
      assert.deepEqual(first.results.map((r) => r.value), ['b:1 round 0', 'b:2 round 0']);
      const goodAt = clock.t;
      clock.t += 30_000;
      round = 1;
      hung.add('b:2');
      const second = await core.fanout(targets, read, { keep: 'test' });
      assert.deepEqual(second.results.map((r) => [r.value, r.asOf]), [['b:1 round 1', undefined], ['b:2 round 0', goodAt]]);
      assert.equal(second.errors.length, 1);
      assert.equal(second.errors[0]!.brokerAddr, 'b:2');
      assert.equal(second.errors[0]!.figuresAsOf, goodAt, 'the failure says how old the figures shown are');
      const plain = await core.fanout(targets, read);
      assert.deepEqual(plain.results.map((r) => r.value), ['b:1 round 1'], 'a fan-out without keep shows only fresh answers');
      clock.t += 5 * 60_000 + 1;
      const tooOld = await core.fanout(targets, read, { keep: 'test' });
      assert.deepEqual(tooOld.results.map((r) => r.value), ['b:1 round 1'], 'figures older than 5 minutes are not shown');
    } finally {
      await core.close();
    }
  });
});

describe('AdminCore tells slow from hung', () => {
  test('a deadline missed by a broker that answered other calls meanwhile leaves it admitted; one that answered nothing is held off', async () => {
    const { remoting } = stubTransport(new Set());
    const clock = new FakeClock();
    const core = new AdminCore({ namesrvAddr: 'ns:1', remoting, timeoutMs: 2000, deadlineMs: 20, clock });
    const t = { brokerName: 'broker-a', brokerAddr: 'b:1' };
    try {
      await core.call('b:1', 28);
      // a long read (many small calls, say) that overruns the deadline while the broker keeps answering
      await assert.rejects(core.within(t, () => new Promise(() => {})), DeadlineError);
      assert.equal(core.breaker.isOpen('b:1'), false, 'slow, not hung');
      clock.t += 1000;
      await assert.rejects(core.within(t, () => new Promise(() => {})), DeadlineError);
      assert.equal(core.breaker.isOpen('b:1'), true, 'nothing answered for longer than the deadline: hung');
    } finally {
      await core.close();
    }
  });
});

describe('AdminCore fan-outs of changes', () => {
  test('deadlineMs: 0 waits for a slow broker as long as its requests may take (a change is not cut short)', async () => {
    const { remoting } = stubTransport(new Set());
    const core = new AdminCore({ namesrvAddr: 'ns:1', remoting, timeoutMs: 2000, deadlineMs: 20, clock: new FakeClock() });
    const slow = (t: { brokerAddr: string }) => new Promise((r) => setTimeout(r, 80)).then(() => core.call(t.brokerAddr, 17));
    const targets = [{ clusterName: 'C', brokerName: 'broker-a', brokerId: 0, brokerAddr: 'b:1' }];
    try {
      await core.call('b:1', 28); // it answers: slow, not hung
      const read = await core.fanout(targets, slow);
      assert.equal(read.errors.length, 1, 'a read stops waiting at the deadline');
      const write = await core.fanout(targets, slow, { deadlineMs: 0 });
      assert.equal(write.errors.length, 0);
      assert.equal(write.results.length, 1);
    } finally {
      await core.close();
    }
  });
});

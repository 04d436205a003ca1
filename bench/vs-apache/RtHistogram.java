// Send RT histogram and consumed-message counter for the vs-apache bench (bench/vs-apache/build.sh adds one call to
// it in Apache's Producer and one in its Consumer):
// every 10 s prints "RT window: end=EPOCH_MS count=N p50(ms)=X p99(ms)=Y max(ms)=Z" for the sends of that window, then resets.
package org.apache.rocketmq.example.benchmark;

import java.util.concurrent.atomic.AtomicLongArray;

public final class RtHistogram {
    private static final int SLOTS = 60_001; // 1 ms buckets up to 60 s
    private static volatile AtomicLongArray counts = new AtomicLongArray(SLOTS);

    static {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    return;
                }
                AtomicLongArray done = counts;
                counts = new AtomicLongArray(SLOTS);
                long n = 0;
                for (int i = 0; i < SLOTS; i++) n += done.get(i);
                if (n == 0) continue;
                long p50 = -1, p99 = -1, max = 0, seen = 0;
                for (int i = 0; i < SLOTS; i++) {
                    long c = done.get(i);
                    if (c == 0) continue;
                    seen += c;
                    max = i;
                    if (p50 < 0 && seen * 100 >= n * 50) p50 = i;
                    if (p99 < 0 && seen * 100 >= n * 99) p99 = i;
                }
                System.out.printf("RT window: end=%d count=%d p50(ms)=%d p99(ms)=%d max(ms)=%d%n", System.currentTimeMillis(), n, p50, p99, max);
            }
        }, "RtHistogram");
        t.setDaemon(true);
        t.start();
    }

    private RtHistogram() {
    }

    private static final java.util.concurrent.atomic.LongAdder CONSUMED = new java.util.concurrent.atomic.LongAdder();
    private static volatile boolean consumePrinter;

    /** Counts one consumed message (Consumer's listener); from the first, prints "Consumed: end=EPOCH_MS count=N" each second. */
    public static void consumed() {
        CONSUMED.increment();
        if (consumePrinter) return;
        synchronized (RtHistogram.class) {
            if (consumePrinter) return;
            consumePrinter = true;
            Thread t = new Thread(() -> {
                while (true) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.out.printf("Consumed: end=%d count=%d%n", System.currentTimeMillis(), CONSUMED.sumThenReset());
                }
            }, "ConsumedPrinter");
            t.setDaemon(true);
            t.start();
        }
    }

    public static void record(long rtMs) {
        counts.incrementAndGet((int) Math.max(0, Math.min(SLOTS - 1, rtMs)));
    }
}

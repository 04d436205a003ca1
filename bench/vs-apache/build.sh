#!/usr/bin/env bash
# Builds what `npm run bench -- vs-apache` runs on the Apache side into OUT_DIR: Apache RocketMQ 4.9.8's client,
# nameserver and broker (e2e/apache-cluster/build-apache-server.sh) and its benchmark tools
# (rocketmq-example's org.apache.rocketmq.example.benchmark.Producer/Consumer at the same tag, compiled like the other
# sources; Producer and Consumer get one added call each to RtHistogram.java: the p99 send RT Apache's tool does not
# print, and consumed messages per second).
# Jars of an earlier build found in REUSE_DIRS (default: /tmp/rmq-java/jars /tmp/rmq-server/jars) are copied, never
# changed. Prints the benchmark CLASSPATH on its last line.
# Usage: build.sh OUT_DIR [ROCKETMQ_MIRROR]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$(mkdir -p "${1:?usage: build.sh OUT_DIR [ROCKETMQ_MIRROR]}" && cd "$1" && pwd)"
RMQ_MIRROR="${2:-/work/.mirror/apache+rocketmq/repo}"
RMQ_TAG=rocketmq-all-4.9.8
REUSE_DIRS="${REUSE_DIRS:-/tmp/rmq-java/jars /tmp/rmq-server/jars}"
mkdir -p "$OUT/jars"
for d in $REUSE_DIRS; do
  for j in fastjson.jar rocketmq-4.9.8.jar dledger-0.2.7.jar rocketmq-server-4.9.8.jar; do
    if [ -f "$d/$j" ] && [ ! -f "$OUT/jars/$j" ]; then cp "$d/$j" "$OUT/jars/$j"; fi
  done
done
SERVER_CP="$("$HERE/../../e2e/apache-cluster/build-apache-server.sh" "$OUT" "$RMQ_MIRROR" | tail -1)"

if [ ! -f "$OUT/jars/rocketmq-benchmark-4.9.8.jar" ]; then
  rm -rf "$OUT/work/bench" && mkdir -p "$OUT/work/bench/src" "$OUT/work/bench/classes"
  git -C "$RMQ_MIRROR" archive "$RMQ_TAG" example/src/main/java/org/apache/rocketmq/example/benchmark | tar -x -C "$OUT/work/bench/src"
  B="$OUT/work/bench/src/example/src/main/java/org/apache/rocketmq/example/benchmark"
  # the one change: every successful send's RT also goes to RtHistogram (which prints p50/p99 per 10 s window)
  grep -q 'final long currentRT = System.currentTimeMillis() - beginTimestamp;' "$B/Producer.java"
  sed -i 's/final long currentRT = System.currentTimeMillis() - beginTimestamp;/&\n        RtHistogram.record(currentRT);/' "$B/Producer.java"
  grep -q 'statsBenchmarkConsumer.getReceiveMessageTotalCount().increment();' "$B/Consumer.java"
  sed -i 's/statsBenchmarkConsumer.getReceiveMessageTotalCount().increment();/&\n                RtHistogram.consumed();/' "$B/Consumer.java"
  cp "$HERE/RtHistogram.java" "$B/"
  find "$B" -name '*.java' > "$OUT/work/bench/sources.txt"
  nice -n 19 javac -g -nowarn -Xlint:none -encoding UTF-8 -source 8 -target 8 -J-Xmx512m -cp "$SERVER_CP" \
    -d "$OUT/work/bench/classes" @"$OUT/work/bench/sources.txt"
  jar cf "$OUT/jars/rocketmq-benchmark-4.9.8.jar" -C "$OUT/work/bench/classes" .
fi
echo "$OUT/jars/rocketmq-benchmark-4.9.8.jar:$SERVER_CP"

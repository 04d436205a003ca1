#!/usr/bin/env bash
# Message traces written by Apache RocketMQ 4.9.8's Java clients, read by RocketDeck: starts a RocketDeck nameserver,
# broker (traceTopicEnable=true, 1 s retry delays) and console from this checkout, runs TraceCompat (a traced 4.9.8
# producer and push consumer: one message consumed, one failed into the DLQ, one traced to a custom trace topic), then
# asks the console's GET /api/trace for each message's timeline and checks produce, store, every delivery attempt and
# the DLQ. With APACHE_BUILD=<dir built by e2e/apache-cluster/build-apache-server.sh> the nameserver and broker are
# Apache RocketMQ 4.9.8's own (started by e2e/apache-cluster/start-apache.sh; the trace topic auto-created, Apache's
# default retry delays) and only the console is RocketDeck's: traces written by the Java client on Apache RocketMQ.
# Usage: [APACHE_BUILD=DIR] trace.sh CLASSPATH      (CLASSPATH as printed by build-apache.sh). See README.md.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CP="${1:?usage: trace.sh CLASSPATH}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rocketdeck-trace.XXXXXX")"
APACHE_BUILD="${APACHE_BUILD:-}"
TOPIC=JavaTraceOrders
GROUP=java_trace_cg
CUSTOM=JavaCustomTraceTopic
source "$HERE/rocketdeck-nodes.sh"
on_cleanup() {
  if [ -n "$APACHE_BUILD" ] && [ -d "$WORK/apache" ]; then "$ROOT/e2e/apache-cluster/stop-apache.sh" "$WORK/apache" > /dev/null 2>&1; fi
}

mkdir -p "$WORK/classes" "$WORK/home/conf" "$WORK/ns" "$WORK/store"
cp "$HERE/conf/logback_tools.xml" "$WORK/home/conf/"
javac -nowarn -encoding UTF-8 -cp "$CP" -d "$WORK/classes" "$HERE/TraceCompat.java"

cd "$ROOT"
if [ -n "$APACHE_BUILD" ]; then
  "$ROOT/e2e/apache-cluster/start-apache.sh" "$APACHE_BUILD" "$WORK/apache" > "$WORK/apache.env"
  NS="$(sed -n 's/^NAMESRV_ADDR=//p' "$WORK/apache.env" | tr -d ';')"
  BROKER="$(sed -n 's/^BROKER_ADDR=//p' "$WORK/apache.env")"
  echo "Apache RocketMQ 4.9.8 namesrv $NS, broker $BROKER"
else
  node lib/cli/bin.mjs namesrv --host 127.0.0.1 --port 0 --data-dir "$WORK/ns" > "$WORK/namesrv.log" 2>&1 &
  NS_PID=$!
  NS="$(wait_line "$WORK/namesrv.log" 'ready at [0-9.]*:[0-9]*' | cut -d' ' -f3)"
  node lib/cli/bin.mjs broker -n "$NS" --set brokerClusterName=DefaultCluster --set brokerName=broker-a \
    --set listenPort=0 --set haListenPort=0 --set bindAddress=127.0.0.1 --set brokerIP1=127.0.0.1 --set brokerIP2=127.0.0.1 \
    --set traceTopicEnable=true --set "messageDelayLevel=1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s" \
    --set storePathRootDir="$WORK/store" > "$WORK/broker.log" 2>&1 &
  BR_PID=$!
  BROKER="$(wait_line "$WORK/broker.log" 'ready at [0-9.]*:[0-9]*' | cut -d' ' -f3)"
  echo "RocketDeck namesrv $NS, broker $BROKER"
fi
node lib/cli/bin.mjs admin updateTopic -n "$NS" -c DefaultCluster -t "$TOPIC" -r 2 -w 2 > /dev/null

PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
ROCKETDECK_CONSOLE_DB="$WORK/console.db" ROCKETDECK_LOG_LEVEL=error \
  node lib/cli/bin.mjs console -n "$NS" --port "$PORT" > "$WORK/console.log" 2>&1 &
CON_PID=$!

mkfifo "$WORK/java.in"
(cd "$WORK" && ROCKETMQ_HOME="$WORK/home" exec java -Xmx256m -Dlogback.configurationFile="$WORK/home/conf/logback_tools.xml" \
  -cp "$WORK/classes:$CP" TraceCompat "$NS" "$TOPIC" "$GROUP" "$CUSTOM" < "$WORK/java.in" > "$WORK/java.out" 2>&1) &
JAVA_PID=$!
exec 3> "$WORK/java.in"
wait_line "$WORK/java.out" 'CONSUMED' 150 > /dev/null
GOOD="$(wait_line "$WORK/java.out" 'SENT good [0-9A-F]*' | cut -d' ' -f3)"
BAD="$(wait_line "$WORK/java.out" 'SENT bad [0-9A-F]*' | cut -d' ' -f3)"
CUSTOM_ID="$(wait_line "$WORK/java.out" 'SENT custom [0-9A-F]*' | cut -d' ' -f3)"
echo "Java 4.9.8 clients sent good=$GOOD bad=$BAD custom=$CUSTOM_ID"
URL="$(wait_line "$WORK/console.log" 'http://[0-9.]*:[0-9]*' 600)"

node -e '
const [url, topic, group, good, bad, custom, customTopic] = process.argv.slice(1);
const get = async (q) => {
  const res = await fetch(`${url}/api/trace?${new URLSearchParams(q)}`, { signal: AbortSignal.timeout(30000) });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`trace ${res.status}: ${JSON.stringify(body)}`);
  return body;
};
// trace records go out every 500 ms; wait (with a deadline) until each timeline is whole
const until = async (what, q, ok) => {
  const deadline = Date.now() + 90000;
  for (;;) {
    const t = await get(q);
    if (ok(t)) return t;
    if (Date.now() > deadline) throw new Error(`${what}: timeline incomplete after 90 s: ${JSON.stringify(t)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
};
const attempts = (t) => t.consumers.find((g) => g.group === group)?.attempts ?? [];
(async () => {
  const g = await until("good", { msgId: good }, (t) => t.produced.length === 1 && attempts(t).some((a) => a.status === "SUCCESS"));
  const p = g.produced[0];
  if (p.group !== group + "-pg" || p.topic !== topic || !p.success || p.keys !== "java-good-key" || p.tags !== "order" || !p.storeHost) throw new Error("produced: " + JSON.stringify(p));
  if (!g.stored || g.stored.topic !== topic) throw new Error("stored: " + JSON.stringify(g.stored));
  const a = attempts(g)[0];
  if (a.retryTimes !== 0 || a.costTime === null || !a.clientHost) throw new Error("attempt: " + JSON.stringify(a));
  console.log(`RESULT trace.java.consumed OK producer=${p.group}@${p.clientHost} cost=${p.costTime}ms stored=${g.stored.storeHost}@${g.stored.storeTimestamp} consumed=${a.status} by ${a.clientHost} in ${a.costTime}ms traceMessages=${g.traceMessages}`);

  const b = await until("bad", { msgId: bad }, (t) => attempts(t).filter((x) => x.status !== "PENDING").length >= 2 && t.consumers.some((x) => x.dlq));
  const fails = attempts(b).filter((x) => x.status !== "PENDING");
  if (fails.some((x) => x.success) || fails[0].retryTimes !== 0 || fails[1].retryTimes !== 1) throw new Error("bad attempts: " + JSON.stringify(fails));
  const dlq = b.consumers.find((x) => x.group === group).dlq;
  if (dlq.topic !== "%DLQ%" + group) throw new Error("dlq: " + JSON.stringify(dlq));
  console.log(`RESULT trace.java.dlq OK attempts=${fails.map((x) => x.status + "@retry" + x.retryTimes).join(",")} dlq=${dlq.topic}`);

  const c = await until("custom", { msgId: custom, traceTopic: customTopic }, (t) => t.produced.length === 1);
  if (c.traceTopic !== customTopic || c.produced[0].tags !== "custom") throw new Error("custom: " + JSON.stringify(c));
  const none = await get({ msgId: custom });
  if (none.produced.length !== 0) throw new Error("the custom-topic trace also landed in RMQ_SYS_TRACE_TOPIC");
  console.log(`RESULT trace.java.customTopic OK traceTopic=${c.traceTopic} producer=${c.produced[0].group}`);

  const k = await get({ key: "java-bad-key" });
  if (!k.messages.some((m) => m.msgId === bad)) throw new Error("by key: " + JSON.stringify(k));
  console.log(`RESULT trace.java.byKey OK messages=${k.messages.length}`);
})().catch((e) => { console.error("RESULT trace.java FAIL " + e.message); process.exit(1); });
' "$URL" "$TOPIC" "$GROUP" "$GOOD" "$BAD" "$CUSTOM_ID" "$CUSTOM"

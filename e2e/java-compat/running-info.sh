#!/usr/bin/env bash
# A real Apache RocketMQ 4.9.8 push consumer's running info read by RocketDeck: starts a RocketDeck nameserver,
# broker and console from this checkout, keeps a 4.9.8 push consumer online (HoldConsumer), then reads its running
# info with `rocketdeck admin consumerStatus --jstack --json` and through the console's
# GET /api/consumer-groups/{group}/diagnosis?threadStack=true, and checks the queues, rates and thread stack.
# Usage: running-info.sh CLASSPATH      (CLASSPATH as printed by build-apache.sh). See README.md.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CP="${1:?usage: running-info.sh CLASSPATH}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rocketdeck-running-info.XXXXXX")"
TOPIC=JavaRunningInfoTopic
GROUP=java_running_info_cg
source "$HERE/rocketdeck-nodes.sh"

mkdir -p "$WORK/classes" "$WORK/home/conf" "$WORK/ns" "$WORK/store"
cp "$HERE/conf/logback_tools.xml" "$WORK/home/conf/"
javac -nowarn -encoding UTF-8 -cp "$CP" -d "$WORK/classes" "$HERE/HoldConsumer.java"

cd "$ROOT"
node lib/cli/bin.mjs namesrv --host 127.0.0.1 --port 0 --data-dir "$WORK/ns" > "$WORK/namesrv.log" 2>&1 &
NS_PID=$!
NS="$(wait_line "$WORK/namesrv.log" 'ready at [0-9.]*:[0-9]*' | cut -d' ' -f3)"
node lib/cli/bin.mjs broker -n "$NS" --set brokerClusterName=DefaultCluster --set brokerName=broker-a \
  --set listenPort=0 --set haListenPort=0 --set bindAddress=127.0.0.1 --set brokerIP1=127.0.0.1 --set brokerIP2=127.0.0.1 \
  --set storePathRootDir="$WORK/store" > "$WORK/broker.log" 2>&1 &
BR_PID=$!
BROKER="$(wait_line "$WORK/broker.log" 'ready at [0-9.]*:[0-9]*' | cut -d' ' -f3)"
echo "RocketDeck namesrv $NS, broker $BROKER"
node lib/cli/bin.mjs admin updateTopic -n "$NS" -c DefaultCluster -t "$TOPIC" -r 4 -w 4 > /dev/null

PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
ROCKETDECK_CONSOLE_DB="$WORK/console.db" ROCKETDECK_LOG_LEVEL=error \
  node lib/cli/bin.mjs console -n "$NS" --port "$PORT" > "$WORK/console.log" 2>&1 &
CON_PID=$!

mkfifo "$WORK/hold.in"
(cd "$WORK" && ROCKETMQ_HOME="$WORK/home" exec java -Xmx256m -Dlogback.configurationFile="$WORK/home/conf/logback_tools.xml" \
  -cp "$WORK/classes:$CP" HoldConsumer "$NS" "$TOPIC" "$GROUP" < "$WORK/hold.in" > "$WORK/hold.out" 2>&1) &
JAVA_PID=$!
exec 3> "$WORK/hold.in"
CLIENT_ID="$(wait_line "$WORK/hold.out" 'READY .*' 90 | cut -d' ' -f2)"
echo "Java 4.9.8 push consumer online: $CLIENT_ID"

# 1. the admin client (what `rocketdeck admin consumerStatus` prints), asking for the thread stack
node lib/cli/bin.mjs admin consumerStatus -n "$NS" -g "$GROUP" --jstack --json > "$WORK/status.json"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const c = r.clients.find((x) => x.clientId === process.argv[2]);
if (!c) throw new Error("no running info of " + process.argv[2] + ": " + JSON.stringify(r.errors));
const qs = c.queues.filter((q) => q.topic === process.argv[3]);
if (qs.length !== 4) throw new Error("expected 4 queues of the topic, got " + qs.length);
if (!c.subscriptions.some((s) => s.topic === process.argv[3])) throw new Error("no subscription of the topic");
if (!c.properties.PROP_CLIENT_VERSION) throw new Error("no PROP_CLIENT_VERSION");
if (!/java\.lang\.Thread|Thread/.test(c.jstack ?? "")) throw new Error("no thread stack");
console.log("RESULT admin.consumerStatus.java OK queues=" + qs.length + " version=" + c.properties.PROP_CLIENT_VERSION +
  " commitOffsets=" + qs.map((q) => q.commitOffset).join(",") + " jstackLines=" + c.jstack.split("\n").length);
' "$WORK/status.json" "$CLIENT_ID" "$TOPIC"

# 2. the console's diagnosis API, with and without the thread stack
URL="$(wait_line "$WORK/console.log" 'http://[0-9.]*:[0-9]*' 600)"
node -e '
const [url, group, clientId, topic] = process.argv.slice(1);
(async () => {
  for (const ts of [true, false]) {
    const res = await fetch(`${url}/api/consumer-groups/${group}/diagnosis${ts ? "?threadStack=true" : ""}`, { signal: AbortSignal.timeout(30000) });
    const d = await res.json();
    if (res.status !== 200) throw new Error(`diagnosis ${res.status}: ${JSON.stringify(d)}`);
    const c = d.clients.find((x) => x.clientId === clientId);
    if (!c?.info) throw new Error("no running info in the diagnosis: " + JSON.stringify(d.clients));
    const qs = c.info.queues.filter((q) => q.topic === topic);
    if (qs.length !== 4) throw new Error("expected 4 queues, got " + qs.length);
    if (ts !== (typeof c.info.jstack === "string" && c.info.jstack.length > 0)) throw new Error(`threadStack=${ts} but jstack ${c.info.jstack ? "present" : "absent"}`);
    console.log(`RESULT console.diagnosis.java${ts ? ".threadStack" : ""} OK lag=${d.lag} queues=${qs.length} findings=${d.findings.map((f) => f.kind).join(",") || "none"}` +
      (ts ? ` jstackLines=${c.info.jstack.split("\n").length}` : ""));
  }
})().catch((e) => { console.error("RESULT console.diagnosis.java FAIL " + e.message); process.exit(1); });
' "$URL" "$GROUP" "$CLIENT_ID" "$TOPIC"

# 3. the same running info rendered on the group page in Chromium, with the thread stack asked for
npx tsx "$HERE/render-running-info.ts" "$URL" "$GROUP" "$CLIENT_ID" "$TOPIC" 4 "$WORK/../rocketdeck-java-running-info.png"

#!/usr/bin/env bash
# Starts a RocketDeck nameserver and broker from this checkout on free ports, switches a group to POP with Apache
# RocketMQ 5.3.3's mqadmin and runs PopCheck (5.3.3 Java producer + push consumer in POP mode) against them.
# Usage: run.sh RMQ5_HOME      (a build of /work/shared/real-rocketmq5/build.sh, e.g. /tmp/rmq5)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RMQ_HOME="${1:?usage: run.sh RMQ5_HOME}"
CP="$(ls "$RMQ_HOME"/lib/*.jar | tr '\n' ':')$(cat "$RMQ_HOME/lib/debian-classpath.txt")"
OPENS="--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rocketdeck-java-pop.XXXXXX")"
# shellcheck source=../java-compat/rocketdeck-nodes.sh
source "$HERE/../java-compat/rocketdeck-nodes.sh"
mkdir -p "$WORK/classes" "$WORK/ns" "$WORK/store" "$WORK/logs"
javac -nowarn -encoding UTF-8 -cp "$CP" -d "$WORK/classes" "$HERE"/PopCheck.java
cd "$ROOT"
node lib/cli/bin.mjs namesrv --host 127.0.0.1 --port 0 --data-dir "$WORK/ns" > "$WORK/namesrv.log" 2>&1 &
NS_PID=$!
NS="$(ready_addr "$WORK/namesrv.log")"
node lib/cli/bin.mjs broker -n "$NS" --set brokerClusterName=DefaultCluster --set brokerName=broker-a \
  --set listenPort=0 --set haListenPort=0 --set bindAddress=127.0.0.1 --set brokerIP1=127.0.0.1 --set brokerIP2=127.0.0.1 \
  --set storePathRootDir="$WORK/store" > "$WORK/broker.log" 2>&1 &
BR_PID=$!
BROKER="$(ready_addr "$WORK/broker.log")"
echo "RocketDeck namesrv $NS, broker $BROKER"
admin() {
  java -Xmx256m $OPENS -DrmqLogDir="$WORK/logs" -Drocketmq.home.dir="$RMQ_HOME" -Dlogback.configurationFile="$RMQ_HOME/conf/rmq.tools.logback.xml" \
    -cp "$CP" org.apache.rocketmq.tools.command.MQAdminStartup "$@" -n "$NS" >> "$WORK/mqadmin.log" 2>&1
}
admin updateTopic -b "$BROKER" -t JavaPopTopic -r 4 -w 4
admin updateSubGroup -b "$BROKER" -g java_pop_group
admin setConsumeMode -b "$BROKER" -t JavaPopTopic -g java_pop_group -m POP -q 0
grep -i 'success' "$WORK/mqadmin.log" | tail -3
cd "$WORK"
java -Xmx512m $OPENS -DrmqLogDir="$WORK/logs" -Drocketmq.client.logRoot="$WORK/logs" -cp "$WORK/classes:$CP" PopCheck "$NS" JavaPopTopic java_pop_group 200

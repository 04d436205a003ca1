#!/usr/bin/env bash
# Starts a RocketDeck nameserver and broker from this checkout on free ports, runs the Apache RocketMQ 4.9.8 Java
# client and mqadmin cases (JavaCompat) against them and exits non-zero if any case failed. See README.md.
# Usage: run.sh CLASSPATH [case-prefix ...]      (CLASSPATH as printed by build-apache.sh)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CP="${1:?usage: run.sh CLASSPATH [case-prefix ...]}"
shift
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rocketdeck-java-compat.XXXXXX")"
NS_PID=""; BR_PID=""
cleanup() {
  local rc=$?
  [ -n "$BR_PID" ] && kill "$BR_PID" 2>/dev/null && wait "$BR_PID" 2>/dev/null || true
  [ -n "$NS_PID" ] && kill "$NS_PID" 2>/dev/null && wait "$NS_PID" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then echo "logs kept in $WORK (namesrv.log, broker.log, clients.log)" >&2; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

# the line "... ready at host:port" a RocketDeck process prints once it listens
ready_addr() {
  local log="$1" deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    local addr; addr="$(grep -o 'ready at [0-9.]*:[0-9]*' "$log" 2>/dev/null | head -1 | cut -d' ' -f3)"
    [ -n "$addr" ] && { echo "$addr"; return 0; }
    sleep 0.2
  done
  echo "no 'ready at' line in $log:" >&2; tail -n 20 "$log" >&2; return 1
}

mkdir -p "$WORK/classes" "$WORK/home/conf" "$WORK/ns" "$WORK/store"
cp "$HERE/conf/logback_tools.xml" "$WORK/home/conf/"
javac -nowarn -encoding UTF-8 -cp "$CP" -d "$WORK/classes" "$HERE"/*.java

cd "$ROOT"
node lib/cli/bin.mjs namesrv --host 127.0.0.1 --port 0 --data-dir "$WORK/ns" > "$WORK/namesrv.log" 2>&1 &
NS_PID=$!
NS="$(ready_addr "$WORK/namesrv.log")"
node lib/cli/bin.mjs broker -n "$NS" --set brokerClusterName=DefaultCluster --set brokerName=broker-a \
  --set listenPort=0 --set haListenPort=0 --set bindAddress=127.0.0.1 --set brokerIP1=127.0.0.1 --set brokerIP2=127.0.0.1 \
  --set enablePropertyFilter=true --set enableCalcFilterBitMap=true \
  --set storePathRootDir="$WORK/store" > "$WORK/broker.log" 2>&1 &
BR_PID=$!
BROKER="$(ready_addr "$WORK/broker.log")"
echo "RocketDeck namesrv $NS, broker $BROKER"

# cwd: consumerStatus and exportMetadata write files into it
cd "$WORK"
ROCKETMQ_HOME="$WORK/home" JAVA_COMPAT_LOG="$WORK/clients.log" \
  java -Xmx512m -Djava.security.manager=allow -Dlogback.configurationFile="$WORK/home/conf/logback_tools.xml" \
  -cp "$WORK/classes:$CP" JavaCompat "$NS" "$@"

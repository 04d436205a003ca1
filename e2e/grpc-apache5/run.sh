#!/usr/bin/env bash
# Apache RocketMQ 5.3.3's nameserver and broker (a build of /work/shared/real-rocketmq5/build.sh) with RocketDeck's
# `rocketdeck proxy` in front, and the official Node.js client (rocketmq-client-nodejs, this checkout's
# devDependency) through it: NORMAL, FIFO and DELAY sends, SimpleConsumer receive + ack (check.mjs).
# Usage: run.sh RMQ5_HOME   (the run writes data/, logs/ and run/ inside RMQ5_HOME: use a copy of a shared build)
# Ports: NAMESRV_PORT (39976), BROKER_PORT (31011; also -2 and +1), GRPC_PORT (38181).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RMQ_HOME="$(cd "${1:?usage: run.sh RMQ5_HOME}" && pwd)"
export NAMESRV_PORT="${NAMESRV_PORT:-39976}" BROKER_PORT="${BROKER_PORT:-31011}"
export NAMESRV_ADDR="127.0.0.1:$NAMESRV_PORT"
GRPC_PORT="${GRPC_PORT:-38181}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rocketdeck-grpc-apache5.XXXXXX")"
PROXY_PID=""
cleanup() {
  [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null || true
  "$RMQ_HOME/bin/stop-all.sh" || true
}
trap cleanup EXIT
rm -rf "$RMQ_HOME/data"
"$RMQ_HOME/bin/start-namesrv.sh"
"$RMQ_HOME/bin/start-broker.sh" master
admin() { "$RMQ_HOME/bin/mqadmin.sh" "$@" >> "$WORK/mqadmin.log" 2>&1; }
admin updateTopic -c DefaultCluster -t GrpcA5Normal -r 4 -w 4 -a +message.type=NORMAL
admin updateTopic -c DefaultCluster -t GrpcA5Fifo -r 4 -w 4 -a +message.type=FIFO
admin updateTopic -c DefaultCluster -t GrpcA5Delay -r 4 -w 4 -a +message.type=DELAY
admin updateSubGroup -c DefaultCluster -g grpc_a5_normal
admin updateSubGroup -c DefaultCluster -g grpc_a5_fifo -o true
admin updateSubGroup -c DefaultCluster -g grpc_a5_delay
grep -ci success "$WORK/mqadmin.log" | sed 's/^/mqadmin successes: /'
cd "$ROOT"
node lib/cli/bin.mjs proxy -n "$NAMESRV_ADDR" --port "$GRPC_PORT" --host 127.0.0.1 > "$WORK/proxy.log" 2>&1 &
PROXY_PID=$!
for _ in $(seq 1 120); do grep -q grpc_endpoint_started "$WORK/proxy.log" && break; sleep 0.5; done
grep -q grpc_endpoint_started "$WORK/proxy.log" || { echo "rocketdeck proxy did not start:"; cat "$WORK/proxy.log"; exit 1; }
echo "Apache namesrv $NAMESRV_ADDR, broker 127.0.0.1:$BROKER_PORT, rocketdeck proxy 127.0.0.1:$GRPC_PORT (logs in $WORK)"
# While the consumers are connected (check.mjs keeps them until the answers below are read), what the Apache broker lists.
GRPC_A5_CLIENT_LOG="$WORK/client.log" GRPC_A5_ON_READY="$RMQ_HOME/bin/mqadmin.sh consumerConnection -g grpc_a5_normal" node "$HERE/check.mjs" "127.0.0.1:$GRPC_PORT"

#!/usr/bin/env bash
# Controller mode (5.x automatic failover) on a real Apache RocketMQ 5.3.3 build: a nameserver with the DLedger
# controller inside (enableControllerInNamesrv), broker-c on two nodes in controller mode (brokerId -1, roles decided by
# the controller), then `rocketdeck admin controllerStatus` and the console's GET /api/v5 read the controller group and
# broker-c's master, epoch and in-sync set; the master is killed and both must show the other node as master with a
# higher epoch. One `RESULT <case> OK|FAIL` line per case; exits 1 if any failed.
# Usage (repository root): e2e/apache5-cluster/controller.sh BUILD [RUN_DIR]
set -uo pipefail
BUILD="$(cd "${1:?usage: controller.sh BUILD [RUN_DIR]}" && pwd)"
RUN="${2:-$(mktemp -d /tmp/rd-rmq5-ctl.XXXXXX)}"
mkdir -p "$RUN"
cp -r "$BUILD/bin" "$BUILD/conf" "$RUN/"
ln -sfn "$BUILD/lib" "$RUN/lib"
FAILED=0
PIDS=()
result() { if [ "$2" = 0 ]; then echo "RESULT $1 OK $3"; else echo "RESULT $1 FAIL $3"; FAILED=$((FAILED + 1)); fi; }
wait_for() { local deadline=$((SECONDS + $1)); shift; until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $deadline ] && return 1; sleep 1; done; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
NS=$(port); CTL=$(port); B0=$(port); B1=$(port); CPORT=$(port)
export NAMESRV_ADDR="127.0.0.1:$NS"
. "$RUN/bin/env.sh"
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for f in "$RUN"/run/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  sleep 1
  for f in "$RUN"/run/*.pid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
}
trap cleanup EXIT

cat > "$RUN/conf/namesrv-ctl.properties" <<EOC
listenPort=$NS
rocketmqHome=$RUN
kvConfigPath=$RUN/data/namesrv/kvConfig.json
enableControllerInNamesrv=true
controllerDLegerGroup=group1
controllerDLegerPeers=n0-127.0.0.1:$CTL
controllerDLegerSelfId=n0
controllerStorePath=$RUN/data/controller
EOC
JOPTS="-Xms256m -Xmx256m -XX:+UseG1GC"
start_bg namesrv rmq.namesrv.logback.xml org.apache.rocketmq.namesrv.NamesrvStartup -c "$RUN/conf/namesrv-ctl.properties" > /dev/null
wait_port "$NS" 90 || { echo "RESULT start.namesrv FAIL"; exit 1; }
for n in 0 1; do
  p=$([ $n = 0 ] && echo $B0 || echo $B1)
  cat > "$RUN/conf/broker-c-n$n.properties" <<EOC
brokerClusterName=CtlCluster
brokerName=broker-c
brokerId=-1
brokerRole=SLAVE
enableControllerMode=true
controllerAddr=127.0.0.1:$CTL
namesrvAddr=127.0.0.1:$NS
allAckInSyncStateSet=true
listenPort=$p
haListenPort=$((p + 1))
brokerIP1=127.0.0.1
brokerIP2=127.0.0.1
rocketmqHome=$RUN
storePathRootDir=$RUN/data/n$n
storePathCommitLog=$RUN/data/n$n/commitlog
EOC
  JOPTS="-Xms512m -Xmx512m -XX:MaxDirectMemorySize=1g -XX:+UseG1GC"
  start_bg "broker-n$n" rmq.broker.logback.xml org.apache.rocketmq.broker.BrokerStartup -c "$RUN/conf/broker-c-n$n.properties" > /dev/null
done
admin() { node lib/cli/bin.mjs admin "$@"; }
status() { admin controllerStatus -a "127.0.0.1:$CTL" --json; }
if ! wait_for 180 bash -c "node lib/cli/bin.mjs admin controllerStatus -a 127.0.0.1:$CTL --json | jq -e '.groups[0].masterBrokerId > 0 and (.groups[0].inSync | length) == 2'"; then
  result controller.ready 1 "$(status 2>&1 | head -c 600) logs: $RUN/logs"; exit 1
fi
S1="$(status)"
echo "$S1" > "$RUN/status-before.json"
MASTER_ID=$(jq -r '.groups[0].masterBrokerId' <<<"$S1"); MASTER_ADDR=$(jq -r '.groups[0].masterAddress' <<<"$S1"); EPOCH=$(jq -r '.groups[0].masterEpoch' <<<"$S1")
result admin.controllerStatus.leader "$(jq -e '.controllers[0].meta.state == "ok" and .controllers[0].meta.value.isLeader' <<<"$S1" >/dev/null && echo 0 || echo 1)" "$(jq -c '.controllers' <<<"$S1" | head -c 200)"
result admin.controllerStatus.group 0 "master $MASTER_ADDR (id $MASTER_ID) epoch $EPOCH in-sync $(jq -c '[.groups[0].inSync[].brokerAddress]' <<<"$S1")"
result admin.controllerStatus.discovered "$(admin controllerStatus --json | jq -e ".controllerAddrs == [\"127.0.0.1:$CTL\"] and .controllerMode" >/dev/null && echo 0 || echo 1)" "controller found from the brokers' config"
if [ -n "${CAPTURE_DIR:-}" ]; then
  A5_FIXTURES_OUT="$CAPTURE_DIR" npx tsx e2e/apache5-cluster/capture-controller.ts "127.0.0.1:$CTL" broker-c "$MASTER_ADDR" > "$RUN/capture.out" 2>&1
  result capture "$?" "$(tr '\n' ' ' < "$RUN/capture.out" | head -c 200)"
fi
# console
B="http://127.0.0.1:$CPORT"
ROCKETDECK_CONSOLE_DB="$RUN/console.db" ROCKETDECK_USERS="op:operator:op-pass" node lib/cli/bin.mjs console --namesrv "127.0.0.1:$NS" --port "$CPORT" > "$RUN/console.out" 2>&1 &
PIDS+=($!)
wait_for 300 curl -sf "$B/api/health" || result console.start 1 "$(tail -3 "$RUN/console.out")"
curl -s "$B/api/v5" > "$RUN/v5-before.json"
result console.v5.controller "$(jq -e ".controller.value.groups[0].masterAddress == \"$MASTER_ADDR\" and .controller.value.groups[0].masterEpoch == $EPOCH" "$RUN/v5-before.json" >/dev/null && echo 0 || echo 1)" "$(jq -c '.controller.value.groups' "$RUN/v5-before.json" | head -c 300)"

# kill the master (SIGKILL: no goodbye to the controller)
VICTIM=$([ "$MASTER_ADDR" = "127.0.0.1:$B0" ] && echo n0 || echo n1)
kill -9 "$(cat "$RUN/run/broker-$VICTIM.pid")"
if wait_for 120 bash -c "node lib/cli/bin.mjs admin controllerStatus -a 127.0.0.1:$CTL --json | jq -e '.groups[0].masterAddress != \"$MASTER_ADDR\" and .groups[0].masterAddress != \"\" and .groups[0].masterEpoch > $EPOCH'"; then
  S2="$(status)"; echo "$S2" > "$RUN/status-after.json"
  result admin.controllerStatus.failover 0 "new master $(jq -r '.groups[0].masterAddress' <<<"$S2") epoch $(jq -r '.groups[0].masterEpoch' <<<"$S2") in-sync $(jq -c '[.groups[0].inSync[].brokerAddress]' <<<"$S2") shrunk=$(jq -r '.groups[0].shrunkToMaster' <<<"$S2")"
  wait_for 60 bash -c "curl -s $B/api/v5 | jq -e '.controller.value.groups[0].masterEpoch > $EPOCH'"
  curl -s "$B/api/v5" > "$RUN/v5-after.json"
  result console.v5.failover "$(jq -e ".controller.value.groups[0].masterAddress != \"$MASTER_ADDR\" and .controller.value.groups[0].masterEpoch > $EPOCH" "$RUN/v5-after.json" >/dev/null && echo 0 || echo 1)" "$(jq -c '.controller.value.groups' "$RUN/v5-after.json" | head -c 300)"
else
  result admin.controllerStatus.failover 1 "$(status 2>&1 | head -c 600)"
fi
echo "controller: $FAILED failed (run dir $RUN)"
[ $FAILED = 0 ]

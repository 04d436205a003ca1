#!/usr/bin/env bash
# `rocketdeck admin` and the console's JSON API against a real Apache RocketMQ 5.3.3 cluster with a proxy and the
# official Node.js client producing and consuming (workload.mjs: normal, FIFO and timer messages; a POP group with
# messages in flight). One `RESULT <case> OK|FAIL <detail>` line per case; exits 1 if any failed.
# Run from the repository root with the variables start-rmq5.sh prints:
#   NAMESRV_ADDR=... BROKER_ADDR=... PROXY_GRPC=... PROXY_REMOTING=... e2e/apache5-cluster/checks.sh [WORK_DIR]
set -uo pipefail
: "${NAMESRV_ADDR:?}" "${BROKER_ADDR:?}" "${PROXY_GRPC:?}" "${PROXY_REMOTING:?}"
export NAMESRV_ADDR
WORK="${1:-$(mktemp -d /tmp/rd-rmq5-checks.XXXXXX)}"
mkdir -p "$WORK"
RUN_ID="$(date +%s)"
TN="A5Normal_$RUN_ID"; TF="A5Fifo_$RUN_ID"; TD="A5Delay_$RUN_ID"; G="A5Pop_$RUN_ID"
FAILED=0
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done
}
trap cleanup EXIT
admin() { node lib/cli/bin.mjs admin "$@"; }
result() { if [ "$2" = 0 ]; then echo "RESULT $1 OK $3"; else echo "RESULT $1 FAIL $3"; FAILED=$((FAILED + 1)); fi; }
case_() {
  local name="$1" pattern="$2"; shift 2
  local out rc
  out="$("$@" 2>&1)"; rc=$?
  if [ $rc = 0 ] && grep -Eq -- "$pattern" <<<"$out"; then result "$name" 0 "$(head -c 160 <<<"$out" | tr '\n' ' ')"
  else result "$name" 1 "rc=$rc $(head -c 600 <<<"$out" | tr '\n' ' ')"; fi
}
# like case_, retrying until the pattern shows (figures that need the brokers' stats windows to fill)
case_wait() {
  local name="$1" pattern="$2" deadline=$((SECONDS + 120)); shift 2
  until "$@" 2>&1 | grep -Eq -- "$pattern"; do [ $SECONDS -ge $deadline ] && break; sleep 2; done
  case_ "$name" "$pattern" "$@"
}
wait_for() { local deadline=$((SECONDS + $1)); shift; until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $deadline ] && return 1; sleep 0.5; done; }

# topics made with rocketdeck admin (5.x attributes), then the official Node.js client through the proxy
case_ admin.updateTopic.normal 'success' admin updateTopic -c DefaultCluster -t "$TN" -r 4 -w 4
case_ admin.updateTopic.fifo 'success' admin updateTopic -c DefaultCluster -t "$TF" -r 2 -w 2 -a +message.type=FIFO
case_ admin.updateTopic.delay 'success' admin updateTopic -c DefaultCluster -t "$TD" -r 2 -w 2 -a +message.type=DELAY
wait_for 30 admin topicRoute -t "$TD"
# a proxy that was asked for a topic before it existed can take minutes to route it: a start that hangs is retried
for attempt in 1 2 3 4; do
  node e2e/apache5-cluster/workload.mjs "$PROXY_GRPC" "$TN" "$TF" "$TD" "$G" > "$WORK/workload.out" 2>&1 &
  WL=$!
  if wait_for 90 grep -q READY "$WORK/workload.out"; then PIDS+=($WL); break; fi
  kill $WL 2>/dev/null; wait $WL 2>/dev/null
  echo "workload attempt $attempt: $(tr '\n' ' ' < "$WORK/workload.out" | head -c 200)" >&2
done
if ! grep -q READY "$WORK/workload.out"; then echo "RESULT setup FAIL workload: $(tail -c 600 "$WORK/workload.out")"; exit 1; fi
result workload.ready 0 "$(grep READY "$WORK/workload.out")"

# rocketdeck admin
case_ admin.topicList.system 'rmq_sys_wheel_timer +SYSTEM +timer wheel' admin topicList
case_ admin.topicList.heartbeat 'DefaultHeartBeatSyncerTopic +SYSTEM +heartbeat sync' admin topicList
case_ admin.topicList.user "$TF +NORMAL *\$" admin topicList
case_ admin.brokerV5Status "broker-a .*V5_3_3 +pending [1-9][0-9]* " admin brokerV5Status
case_ admin.brokerV5Status.ha 'in-sync slave' admin brokerV5Status
case_ admin.proxyList "$PROXY_REMOTING +cluster +V5_3_3 .* [1-9] " admin proxyList -p "$PROXY_REMOTING"
case_ admin.proxyClients "$G .*V5_3_3 +CONSUME_ACTIVELY" admin proxyClients -p "$PROXY_REMOTING"
case_ admin.consumerConnection.brokerSide 'CONSUMER_NOT_ONLINE|not online' bash -c "node lib/cli/bin.mjs admin consumerConnection -g $G 2>&1; true"
case_ admin.setConsumeMode 'success' admin setConsumeMode -c DefaultCluster -g "${G}_switch" -t "$TN" -m POP -q 1
case_ admin.getConsumeMode "broker-a +$TN +POP +1" admin getConsumeMode -g "${G}_switch"
case_ admin.controllerStatus.none 'no controller' admin controllerStatus
case_ admin.groupList.mode "${G}_switch .* POP +POP *\$" admin consumerProgress
# the workload left 16 popped and not acked (10 minutes invisible); its ticker has at most a few more in flight
case_wait admin.consumerProgress.popInflight 'Consume Inflight Total: (>= )?(1[6-9]|2[0-4]) \(derived from the revive log' \
  bash -c "node lib/cli/bin.mjs admin consumerProgress -g '$G' | grep -E 'Inflight Total|^A5'"

# console
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
B="http://127.0.0.1:$PORT"
ROCKETDECK_CONSOLE_DB="$WORK/console.db" ROCKETDECK_USERS="op:operator:op-pass-$RUN_ID" ROCKETDECK_PROXY_ADDRS="$PROXY_REMOTING" \
  ROCKETDECK_COLLECT_INTERVAL_MS=5000 node lib/cli/bin.mjs console --namesrv "$NAMESRV_ADDR" --port "$PORT" > "$WORK/console.out" 2>&1 &
PIDS+=($!)
if ! wait_for 300 curl -sf "$B/api/health"; then
  result console.start 1 "$(tail -5 "$WORK/console.out" | tr '\n' ' ')"
else
  JAR="$WORK/cookies"
  api() {
    local name="$1" want="$2" filter="$3"; shift 3
    local code
    code="$(curl -s -o "$WORK/resp.json" -w '%{http_code}' -b "$JAR" -c "$JAR" -H "Origin: $B" -H 'Content-Type: application/json' "$@")"
    cp "$WORK/resp.json" "$WORK/$name.json"
    if [ "$code" = "$want" ] && jq -e "$filter" "$WORK/resp.json" >/dev/null 2>&1; then result "$name" 0 "$code $(head -c 140 "$WORK/resp.json")"
    else result "$name" 1 "$code $(head -c 600 "$WORK/resp.json")"; fi
  }
  # like api, polling a GET until the filter holds (figures that need the brokers' stats windows to fill)
  api_wait() {
    local name="$1" filter="$2" url="$3" deadline=$((SECONDS + 120))
    until curl -s -o "$WORK/resp.json" "$url" && jq -e "$filter" "$WORK/resp.json" >/dev/null 2>&1; do [ $SECONDS -ge $deadline ] && break; sleep 2; done
    api "$name" 200 "$filter" "$url"
  }
  api console.topics.hidden 200 "all(.items[]; .system == false) and any(.items[]; .topic == \"$TF\" and .messageType == \"FIFO\")" "$B/api/topics?pageSize=500"
  api console.topics.system 200 'any(.items[]; .topic == "DefaultHeartBeatSyncerTopic" and .systemKind == "heartbeat sync") and any(.items[]; .topic == "rmq_sys_wheel_timer" and .systemKind == "timer wheel") and any(.items[]; .topic | startswith("rmq_sys_REVIVE_LOG_"))' "$B/api/topics?pageSize=500&system=1"
  api console.groups.hidden 200 'all(.items[]; .system == false)' "$B/api/consumer-groups?pageSize=500"
  api console.groups.system 200 'any(.items[]; .group == "CID_RMQ_SYS_TRANS" and .systemKind == "transaction")' "$B/api/consumer-groups?pageSize=500&system=1"
  api console.v5.brokers 200 '.brokers.state == "ok" and (.brokers.value.brokers[0].version == "V5_3_3") and .brokers.value.brokers[0].timer.state == "ok" and .brokers.value.brokers[0].timer.value.pending >= 5 and .brokers.value.brokers[0].ha.state == "ok"' "$B/api/v5"
  api console.v5.proxies 200 ".proxies.state == \"ok\" and any(.proxies.value.proxies[]; .addr == \"$PROXY_REMOTING\" and .mode == \"cluster\" and .clients >= 1)" "$B/api/v5"
  api console.v5.controller 200 '.controller.state == "ok" and .controller.value.controllerMode == false' "$B/api/v5"
  api console.proxyClients 200 "any(.clients[]; .group == \"$G\")" "$B/api/proxies/clients?addr=$PROXY_REMOTING"
  api console.proxyClients.bad 400 '.field == "addr"' "$B/api/proxies/clients?addr=nope"
  api console.group.pop 200 ".consumption.mode == \"POP\" and any(.consumption.proxyMembers[]; .proxyAddr == \"$PROXY_REMOTING\")" "$B/api/consumer-groups/$G"
  api_wait console.group.popStats '.popStats != null and (.popStats.topics | length) >= 1 and any(.popStats.topics[]; .received > 0)' "$B/api/consumer-groups/$G"
  api console.group.popInflight 200 ".popInflight.source == \"revive-log\" and .popInflight.total >= 16 and .popInflight.total <= 24 and ([.progress.queues[] | .popInflight // 0] | add) >= 16" "$B/api/consumer-groups/$G"
  echo "INFO console.group.popInflight $(jq -c '.popInflight | {total, partial, queues: [.queues[] | [.queueId, .inflight]], read: [.brokers[] | {reviveRead, timerRead}]}' "$WORK/console.group.popInflight.json" 2>&1)"
  api console.groups.mode 200 "any(.items[]; .group == \"$G\" and .consumptionMode == \"POP\") and any(.items[]; .group == \"${G}_switch\" and .requestMode == \"POP\")" "$B/api/consumer-groups?pageSize=500"
  api console.topic.fifo 200 '.messageType == "FIFO" and .attributes["message.type"] == "FIFO"' "$B/api/topics/$TF"
  api console.topic.delay.pending 200 '.messageType == "DELAY" and .pendingTimers >= 5' "$B/api/topics/$TD"
  api console.login 200 '.role == "operator"' -X POST "$B/api/auth/login" -d "{\"username\":\"op\",\"password\":\"op-pass-$RUN_ID\"}"
  api console.createTopic.fifo 201 '(.done | length) == 1' -X POST "$B/api/topics" -d "{\"topic\":\"${TF}_c\",\"readQueueNums\":2,\"writeQueueNums\":2,\"messageType\":\"FIFO\"}"
  wait_for 30 admin topicRoute -t "${TF}_c"
  api console.createTopic.readBack 200 '.messageType == "FIFO"' "$B/api/topics/${TF}_c"
  api console.editAttributes 200 '(.done | length) == 1 and (.errors | length) == 0' -X PUT "$B/api/topics/${TF}_c/attributes" -d '{"messageType":"NORMAL"}'
  api console.editAttributes.readBack 200 '.messageType == "NORMAL" and .route.queueDatas[0].readQueueNums == 2' "$B/api/topics/${TF}_c"
  api console.editAttributes.bad 400 '.field == "messageType"' -X PUT "$B/api/topics/${TF}_c/attributes" -d '{"messageType":"BATCH"}'
  api console.send.fifo 201 '.sendStatus == "SEND_OK"' -X POST "$B/api/topics/$TF/messages" -d '{"body":"fifo from the console","messageGroup":"order-9"}'
  api console.send.delay 201 '.sendStatus == "SEND_OK"' -X POST "$B/api/topics/$TD/messages" -d "{\"body\":\"timer from the console\",\"deliverTime\":$(( ($(date +%s) + 3600) * 1000 ))}"
  api_wait console.topic.delay.pendingAfter '.pendingTimers >= 6' "$B/api/topics/$TD"
  api console.consumeMode.preview 200 ".preview == true and any(.changes[]; .brokerName == \"broker-a\" and .from == \"POP\" and .to == \"PULL\" and .changed)" \
    -X POST "$B/api/consumer-groups/${G}_switch/consume-mode" -d "{\"topic\":\"$TN\",\"mode\":\"PULL\",\"preview\":true}"
  api console.consumeMode.apply 200 '(.done | length) == 1' -X POST "$B/api/consumer-groups/${G}_switch/consume-mode" -d "{\"topic\":\"$TN\",\"mode\":\"PULL\"}"
  api console.consumeMode.readBack 200 '.consumption.requestModes.state == "ok" and all(.consumption.requestModes.value[]; .mode == "PULL")' "$B/api/consumer-groups/${G}_switch"
  api console.audit 200 'any(.entries[]; .action == "setConsumeMode") and any(.entries[]; .action == "updateTopicAttributes")' "$B/api/audit"
fi
if [ -n "${CAPTURE:-}" ]; then
  A5_FIXTURES_OUT="${CAPTURE_DIR:-$WORK/fixtures}" npx tsx e2e/apache5-cluster/capture.ts "${NAMESRV_ADDR%%;*}" "$BROKER_ADDR" "$PROXY_REMOTING" "$G" "$TN" > "$WORK/capture.out" 2>&1
  result capture "$?" "$(tr '\n' ' ' < "$WORK/capture.out" | head -c 300)"
  # the console's answer for the POP group (the Playwright screenshot of its page against real 5.3.3 figures)
  [ -f "$WORK/console.group.popInflight.json" ] && cp "$WORK/console.group.popInflight.json" "${CAPTURE_DIR:-$WORK/fixtures}/api-group-pop-apache-5.3.3.json"
  npx tsx e2e/apache5-cluster/capture-revive.ts "$G" 16 "${CAPTURE_DIR:-$WORK/fixtures}/pop-revive-entries.json" > "$WORK/capture-revive.out" 2>&1
  result capture.revive "$?" "$(tr '\n' ' ' < "$WORK/capture-revive.out" | head -c 300)"
fi
echo "checks: $FAILED failed"
[ $FAILED = 0 ]

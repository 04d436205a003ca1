#!/usr/bin/env bash
# `rocketdeck admin` commands and the console's JSON API against an Apache RocketMQ 4.9.8 cluster: one
# `RESULT <case> OK|FAIL <detail>` line per case; exits 1 if any failed. Starts (and stops) a producer/consumer pair
# (hold-clients.ts) and a console on a free port. Run from the repository root:
#   NAMESRV_ADDR=... e2e/apache-cluster/cli-checks.sh [WORK_DIR] [admin|console]...
set -uo pipefail
: "${NAMESRV_ADDR:?set NAMESRV_ADDR}"
export NAMESRV_ADDR
WORK="${1:-$(mktemp -d /tmp/rd-apache-cli.XXXXXX)}"
shift || true
SECTIONS="${*:-admin console}"
mkdir -p "$WORK"
RUN_ID="$(date +%s)"
T="CliT_$RUN_ID"
G_ONLINE="cli_online_$RUN_ID"
G_OFFLINE="cli_offline_$RUN_ID"
P_GROUP="cli_producer_$RUN_ID"
FAILED=0
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done
}
trap cleanup EXIT

admin() { node lib/cli/bin.mjs admin "$@"; }
result() { # name ok(0|1) detail
  if [ "$2" = 0 ]; then echo "RESULT $1 OK $3"; else echo "RESULT $1 FAIL $3"; FAILED=$((FAILED + 1)); fi
}
# case NAME PATTERN CMD...: runs CMD, passes when it exits 0 and its output matches the extended regex PATTERN
case_() {
  local name="$1" pattern="$2"; shift 2
  local out rc
  out="$("$@" 2>&1)"; rc=$?
  if [ $rc = 0 ] && grep -Eq -- "$pattern" <<<"$out"; then result "$name" 0 "$(head -c 160 <<<"$out" | tr '\n' ' ')"
  else result "$name" 1 "rc=$rc $(head -c 400 <<<"$out" | tr '\n' ' ')"; fi
}
# like case_, but the command must fail (exit 1) with output matching PATTERN
case_fails() {
  local name="$1" pattern="$2"; shift 2
  local out rc
  out="$("$@" 2>&1)"; rc=$?
  if [ $rc = 1 ] && grep -Eq -- "$pattern" <<<"$out"; then result "$name" 0 "fails as expected: $(head -c 160 <<<"$out" | tr '\n' ' ')"
  else result "$name" 1 "rc=$rc $(head -c 400 <<<"$out" | tr '\n' ' ')"; fi
}
wait_for() { # seconds command...: polls until the command succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $deadline ] && return 1; sleep 0.3; done
}

BROKER_ADDR="$(admin clusterList --json | jq -r '.brokers[] | select(.brokerId == 0) | .brokerAddr' | head -1)"
[ -n "$BROKER_ADDR" ] || { echo "RESULT setup FAIL no master in clusterList"; exit 1; }

case_ admin.updateTopic 'success' admin updateTopic -c DefaultCluster -t "$T" -r 4 -w 4
wait_for 20 admin topicRoute -t "$T"
# a live producer and consumer for the connection and online-reset cases
node --import tsx e2e/apache-cluster/hold-clients.ts "$T" "$P_GROUP" "$G_ONLINE" > "$WORK/hold-clients.out" 2>&1 &
PIDS+=($!)
wait_for 60 grep -q READY "$WORK/hold-clients.out" || { echo "RESULT setup FAIL hold-clients: $(cat "$WORK/hold-clients.out")"; exit 1; }

if [[ " $SECTIONS " == *" admin "* ]]; then
  case_ admin.clusterList 'ASYNC_MASTER.*V4_9_8' admin clusterList
  case_ admin.topicList "$T +NORMAL" admin topicList
  case_ admin.topicList.c "DefaultCluster +$T +NORMAL +$G_ONLINE" admin topicList -c
  case_ admin.topicRoute "\"brokerName\": \"broker-a\"" admin topicRoute -t "$T"
  case_ admin.topicStatus 'broker-a +3 ' admin topicStatus -t "$T"
  SENT="$(admin sendMessage -t "$T" -p 'cli hello' -k "cli-key-$RUN_ID" -c cliTag --json 2>&1)"
  OFFSET_ID="$(jq -r '.offsetMsgId // empty' <<<"$SENT" 2>/dev/null)"
  UNIQ_ID="$(jq -r '.msgId // empty' <<<"$SENT" 2>/dev/null)"
  result admin.sendMessage "$([ -n "$OFFSET_ID" ] && echo 0 || echo 1)" "$SENT"
  case_ admin.queryMsgById.offsetId "Message Body: +cli hello" admin queryMsgById -i "$OFFSET_ID"
  case_ admin.queryMsgById.uniqKey "MsgId: +$UNIQ_ID" admin queryMsgById -i "$UNIQ_ID" -t "$T"
  wait_for 20 bash -c "node lib/cli/bin.mjs admin queryMsgByKey -t '$T' -k 'cli-key-$RUN_ID' | grep -q '$UNIQ_ID'"
  case_ admin.queryMsgByKey "$UNIQ_ID" admin queryMsgByKey -t "$T" -k "cli-key-$RUN_ID"
  case_ admin.printMsg "cliTag +cli-key-$RUN_ID" admin printMsg -t "$T" -b "$(date -d '-5 min' +%Y-%m-%d#%H:%M:%S:000)" -e "$(date -d '+1 min' +%Y-%m-%d#%H:%M:%S:000)"
  case_ admin.brokerStatus.b 'brokerVersionDesc +: V4_9_8' admin brokerStatus -b "$BROKER_ADDR"
  case_ admin.brokerStatus.c 'brokerVersionDesc +: V4_9_8' admin brokerStatus -c DefaultCluster
  case_ admin.getBrokerConfig 'brokerName +=  broker-a' admin getBrokerConfig -c DefaultCluster
  case_ admin.updateBrokerConfig 'success' admin updateBrokerConfig -c DefaultCluster -k flushConsumerOffsetInterval -v 6000
  case_ admin.updateBrokerConfig.readBack 'flushConsumerOffsetInterval +=  6000' admin getBrokerConfig -b "$BROKER_ADDR"
  case_ admin.updateSubGroup '"retryMaxTimes":3' admin updateSubGroup -c DefaultCluster -g "cli_sub_$RUN_ID" -r 3
  case_ admin.deleteSubGroup 'success' admin deleteSubGroup -c DefaultCluster -g "cli_sub_$RUN_ID" -r true
  case_ admin.consumerProgress.all "$G_ONLINE +1 " admin consumerProgress
  case_ admin.consumerProgress.group "$T +broker-a +3 " admin consumerProgress -g "$G_ONLINE" -s true
  case_ admin.consumerConnection 'MessageModel: CLUSTERING' admin consumerConnection -g "$G_ONLINE"
  case_ admin.consumerStatus "$T +broker-a" admin consumerStatus -g "$G_ONLINE"
  case_ admin.producerConnection 'JAVA +V4_9_8' admin producerConnection -g "$P_GROUP" -t "$T"
  case_ admin.resetOffsetByTime.online 'reset by the broker, online consumers told' admin resetOffsetByTime -g "$G_ONLINE" -t "$T" -s earliest
  # an offline group with stored offsets (the CLI consumer commits when it exits), then one that never consumed
  case_ cli.consume "topic=$T" timeout 60 node lib/cli/bin.mjs consume -t "$T" -g "$G_OFFLINE" --from first --count 2
  case_ admin.resetOffsetByTime.offline 'group offline, stored offsets moved' admin resetOffsetByTime -g "$G_OFFLINE" -t "$T" -s now
  case_ admin.resetOffsetByTime.neverConsumed 'group offline, stored offsets moved' admin resetOffsetByTime -g "cli_never_$RUN_ID" -t "$T" -s earliest
  case_ admin.resetOffsetByTime.queue 'broker-a +1 +0' admin resetOffsetByTime -g "$G_OFFLINE" -t "$T" -b broker-a -q 1 -o 0
  case_ cli.produce 'SEND_OK' node lib/cli/bin.mjs produce -t "$T" --count 3 --tag t --keys k
  case_fails admin.consumerConnection.offline 'not online' admin consumerConnection -g "$G_OFFLINE"
  case_fails admin.producerConnection.unknown 'has no connection' admin producerConnection -g "nope_$RUN_ID" -t "$T"
  case_ admin.updateTopic.delete 'success' admin updateTopic -c DefaultCluster -t "${T}_del" -r 2 -w 2
  case_ admin.deleteTopic 'from NameServer' admin deleteTopic -c DefaultCluster -t "${T}_del"
  case_fails admin.topicRoute.deleted 'TOPIC_NOT_EXIST' admin topicRoute -t "${T}_del"
fi

if [[ " $SECTIONS " == *" console "* ]]; then
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  B="http://127.0.0.1:$PORT"
  ROCKETDECK_CONSOLE_DB="$WORK/console.db" ROCKETDECK_USERS="op:operator:op-pass-$RUN_ID,view:viewer:view-pass-$RUN_ID" \
    ROCKETDECK_COLLECT_INTERVAL_MS=5000 node lib/cli/bin.mjs console --namesrv "$NAMESRV_ADDR" --port "$PORT" > "$WORK/console.out" 2>&1 &
  PIDS+=($!)
  if ! wait_for 300 curl -sf "$B/api/health"; then
    result console.start 1 "$(tail -5 "$WORK/console.out" | tr '\n' ' ')"
  else
    JAR="$WORK/cookies"
    # api NAME EXPECTED_STATUS JQ_FILTER curl-args...: passes when the status matches and the jq filter is true
    api() {
      local name="$1" want="$2" filter="$3"; shift 3
      local code
      code="$(curl -s -o "$WORK/resp.json" -w '%{http_code}' -b "$JAR" -c "$JAR" -H "Origin: $B" -H 'Content-Type: application/json' "$@")"
      if [ "$code" = "$want" ] && jq -e "$filter" "$WORK/resp.json" >/dev/null 2>&1; then result "$name" 0 "$code $(head -c 140 "$WORK/resp.json")"
      else result "$name" 1 "$code $(head -c 400 "$WORK/resp.json")"; fi
    }
    api console.health 200 '.status == "ok"' "$B/api/health"
    api console.overview 200 '.health.brokers.alive >= 1 and (.errors | length) == 0' "$B/api/overview"
    # Apache nameservers answer GET_BROKER_LIVE_INFO (10100) REQUEST_CODE_NOT_SUPPORTED: shown as "listed" only
    api console.cluster 200 '(.clusterList.brokers | length) >= 1 and all(.namesrvs[]; .heartbeatTimes == false and .reachable)' "$B/api/cluster"
    # Apache brokers answer GET_TOPIC_PRODUCERS (10101) REQUEST_CODE_NOT_SUPPORTED: producers are null ("n/a")
    api console.topics 200 "any(.items[]; .topic == \"$T\" and .producers == null)" "$B/api/topics?search=$T"
    api console.topicsMap 200 "any(.topics[]; .topic == \"$T\")" "$B/api/topics/map"
    api console.topic 200 '.status.totalMessages > 0 and .producerGroups == null and (.errors | length) == 0' "$B/api/topics/$T"
    api console.topic.producerGroup 200 '(.producers.connections | length) == 1' "$B/api/topics/$T?producerGroup=$P_GROUP"
    api console.groups 200 "any(.items[]; .group == \"$G_ONLINE\" and .members == 1)" "$B/api/consumer-groups"
    api console.group 200 "(.progress.queues | length) > 0 and .connection != null" "$B/api/consumer-groups/$G_ONLINE"
    api console.messages.key 200 '(.messages | length) >= 1' "$B/api/messages?topic=$T&key=hold-key"
    api console.messages.time 200 '(.messages | length) >= 1' "$B/api/messages?topic=$T&begin=$(( $(date +%s) * 1000 - 600000 ))&end=$(( $(date +%s) * 1000 + 60000 ))"
    # TPS needs two collector rounds (ROCKETDECK_COLLECT_INTERVAL_MS apart); offsets are there from the first
    metrics_have_tps() {
      curl -sf -o "$WORK/metrics.txt" "$B/api/metrics" && grep -q "rocketmq_producer_tps{.*topic=\"$T\"" "$WORK/metrics.txt"
    }
    wait_for 30 metrics_have_tps
    result console.metrics "$(grep -q "rocketmq_producer_offset{.*topic=\"$T\"" "$WORK/metrics.txt" && grep -q "rocketmq_producer_tps{.*topic=\"$T\"" "$WORK/metrics.txt" && grep -q '^rocketmq_group_diff{' "$WORK/metrics.txt" && echo 0 || echo 1)" "$(grep -c '^rocketmq_' "$WORK/metrics.txt") rocketmq_ samples"
    api console.write.unauthenticated 401 '.error' -X POST "$B/api/topics" -d "{\"topic\":\"${T}_c\"}"
    api console.login 200 '.role == "operator"' -X POST "$B/api/auth/login" -d "{\"username\":\"op\",\"password\":\"op-pass-$RUN_ID\"}"
    api console.createTopic 201 '(.done | length) == 1' -X POST "$B/api/topics" -d "{\"topic\":\"${T}_c\",\"readQueueNums\":2,\"writeQueueNums\":2}"
    api console.sendMessage 201 '.sendStatus == "SEND_OK"' -X POST "$B/api/topics/${T}_c/messages" -d '{"body":"from the console","tags":"c","keys":"ck"}'
    api console.deleteTopic 200 '(.done | length) == 1 and (.namesrvs.errors | length) == 0' -X DELETE "$B/api/topics/${T}_c"
    api console.topic.deleted 404 '.error' "$B/api/topics/${T}_c"
    api console.createGroup 201 '.config.retryMaxTimes == 3' -X POST "$B/api/consumer-groups" -d "{\"groupName\":\"console_g_$RUN_ID\",\"retryMaxTimes\":3}"
    api console.deleteGroup 200 '(.done | length) == 1' -X DELETE "$B/api/consumer-groups/console_g_$RUN_ID"
    api console.resetOffset.preview 200 '.preview == true and (.queues | length) == 4 and all(.queues[]; .newOffset == .minOffset)' \
      -X POST "$B/api/consumer-groups/$G_ONLINE/reset-offset" -d "{\"topic\":\"$T\",\"to\":\"earliest\",\"preview\":true}"
    api console.resetOffset.online 200 '.result.brokers[0].mode == "online"' \
      -X POST "$B/api/consumer-groups/$G_ONLINE/reset-offset" -d "{\"topic\":\"$T\",\"to\":\"earliest\"}"
    api console.resetOffset.offline 200 '.result.brokers[0].mode == "offline"' \
      -X POST "$B/api/consumer-groups/$G_OFFLINE/reset-offset" -d "{\"topic\":\"$T\",\"to\":\"latest\"}"
    api console.brokerConfig 200 '(.done | length) == 1' -X PUT "$B/api/brokers/$BROKER_ADDR/config" -d '{"key":"flushConsumerOffsetInterval","value":"5000"}'
    api console.audit 200 '(.entries | length) >= 6' "$B/api/audit"
  fi
fi

echo "$([ $FAILED = 0 ] && echo 'ALL OK' || echo "$FAILED FAILED")"
exit $([ $FAILED = 0 ] && echo 0 || echo 1)

#!/usr/bin/env bash
# Apache RocketMQ 5.3.3's mqadmin user and acl commands (createUser .. deleteAcl, AUTH_* 3001-3010) against a
# RocketDeck broker with ACL 2.0 on, signed with the super user from conf/tools.yml. Checks each command's output
# and the broker's state after it. Needs a 5.3.3 build (/work/shared/real-rocketmq5/build.sh; OUT defaults to /tmp/rmq5).
# Usage: acl-mqadmin5.sh [RMQ5_DIR]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RMQ5="$(cd "${1:-/tmp/rmq5}" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rocketdeck-mqadmin5-acl.XXXXXX")"
FAILED=0
# shellcheck source=../java-compat/rocketdeck-nodes.sh
source "$HERE/rocketdeck-nodes.sh"

mkdir -p "$WORK/home/conf" "$WORK/ns" "$WORK/store" "$WORK/logs"
cp "$RMQ5/conf/rmq.tools.logback.xml" "$WORK/home/conf/"
printf 'accessKey: mqadmin5\nsecretKey: mqadmin5-secret\n' > "$WORK/home/conf/tools.yml"

cd "$ROOT"
node lib/cli/bin.mjs namesrv --host 127.0.0.1 --port 0 --data-dir "$WORK/ns" > "$WORK/namesrv.log" 2>&1 &
NS_PID=$!
NS="$(ready_addr "$WORK/namesrv.log")"
cat > "$WORK/broker.conf" <<CONF
brokerClusterName=DefaultCluster
brokerName=broker-a
listenPort=0
haListenPort=0
bindAddress=127.0.0.1
brokerIP1=127.0.0.1
brokerIP2=127.0.0.1
storePathRootDir=$WORK/store
authenticationEnabled=true
authorizationEnabled=true
initAuthenticationUser={"username":"mqadmin5","password":"mqadmin5-secret"}
CONF
node lib/cli/bin.mjs broker -n "$NS" -c "$WORK/broker.conf" > "$WORK/broker.log" 2>&1 &
BR_PID=$!
B="$(ready_addr "$WORK/broker.log")"
echo "RocketDeck namesrv $NS, broker $B (ACL 2.0 on)"

CP="$(ls "$RMQ5"/lib/*.jar | tr '\n' ':')$(cat "$RMQ5/lib/debian-classpath.txt")"
mqadmin() {
  java -Xms128m -Xmx256m --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
    -DrmqLogDir="$WORK/logs" -Dlogback.configurationFile="$WORK/home/conf/rmq.tools.logback.xml" -Drocketmq.home.dir="$WORK/home" \
    -cp "$CP" org.apache.rocketmq.tools.command.MQAdminStartup "$@" -n "$NS" 2>&1
}
# case NAME EXPECTED-REGEX -- mqadmin args...
check() {
  local name="$1" want="$2"; shift 3
  local out; out="$(mqadmin "$@" || true)"
  [ -n "${VERBOSE:-}" ] && printf "%s\n" "$out" | grep -v "^\s*at " | head -20
  if grep -Eq "$want" <<<"$out"; then echo "RESULT $name OK"; else echo "RESULT $name FAIL: $(tr '\n' ' ' <<<"$out" | cut -c1-400)"; FAILED=1; fi
}

check mqadmin5.createUser 'create user to .* success' -- createUser -b "$B" -u bob -p bob-secret-1
check mqadmin5.getUser 'bob.*bob-secret-1.*Normal.*enable|bob.*Normal' -- getUser -b "$B" -u bob
check mqadmin5.updateUser 'update user to .* success' -- updateUser -b "$B" -u bob -s disable
check mqadmin5.listUser 'bob.*disable' -- listUser -b "$B"
check mqadmin5.createAcl 'create acl to .* success' -- createAcl -b "$B" -s User:bob -r Topic:orders,Group:billing -a Pub,Sub -d Allow
check mqadmin5.updateAcl 'update acl to .* success' -- updateAcl -b "$B" -s User:bob -r Topic:orders -a Pub -d Deny -i 10.0.0.0/8
check mqadmin5.getAcl 'Topic:orders.*Deny|Deny.*Topic:orders' -- getAcl -b "$B" -s User:bob
check mqadmin5.listAcl 'Group:billing' -- listAcl -b "$B"
check mqadmin5.deleteAcl 'delete acl to .* success' -- deleteAcl -b "$B" -s User:bob -r Group:billing
check mqadmin5.deleteUser 'delete user to .* success' -- deleteUser -b "$B" -u bob
check mqadmin5.listUser.after 'mqadmin5' -- listUser -b "$B"
# Unsigned (no tools.yml) it is refused with 5.x's remark.
mv "$WORK/home/conf/tools.yml" "$WORK/home/conf/tools.yml.off"
check mqadmin5.unsigned 'username cannot be null' -- listUser -b "$B"
exit "$FAILED"

#!/usr/bin/env bash
# Apache RocketMQ 4.9.8's Java client with AclClientRPCHook against a RocketDeck broker, first with ACL 2.0 on (a
# user with Pub/Sub on one topic sends and consumes, a wrong secret is refused with code 16), then with ACL 1.0
# (aclEnable=true, plain_acl.yml; a wrong secret is refused with SYSTEM_ERROR and the AclException). See README.md.
# Usage: acl-run.sh CLASSPATH      (CLASSPATH as printed by build-apache.sh)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CP="${1:?usage: acl-run.sh CLASSPATH}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rocketdeck-java-acl.XXXXXX")"
# shellcheck source=../java-compat/rocketdeck-nodes.sh
source "$HERE/rocketdeck-nodes.sh"

mkdir -p "$WORK/classes" "$WORK/home/conf" "$WORK/ns" "$WORK/store"
cp "$HERE/conf/logback_tools.xml" "$WORK/home/conf/"
javac -nowarn -encoding UTF-8 -cp "$CP" -d "$WORK/classes" "$HERE/AclCompat.java"

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
initAuthenticationUser={"username":"javaadmin","password":"javaadmin-secret"}
CONF
node lib/cli/bin.mjs broker -n "$NS" -c "$WORK/broker.conf" > "$WORK/broker.log" 2>&1 &
BR_PID=$!
BROKER="$(ready_addr "$WORK/broker.log")"
echo "RocketDeck namesrv $NS, broker $BROKER (ACL 2.0 on)"

# A normal user with Pub+Sub on the topic and Sub on the group, created through RocketDeck's admin client.
cat > "$WORK/setup.mts" <<TS
import { AdminClient } from '$ROOT/lib/admin/client.ts';
const a = new AdminClient({ namesrvAddr: process.env.NS, accessKey: 'javaadmin', secretKey: 'javaadmin-secret' });
await a.createOrUpdateTopic({ brokerAddrs: [process.env.BROKER] }, { topic: 'JavaAclTopic', readQueueNums: 4, writeQueueNums: 4 });
await a.createUser(process.env.BROKER, { username: 'javauser', password: 'javauser-secret' });
await a.putAcl(process.env.BROKER, 'User:javauser', [
  { resource: 'Topic:JavaAclTopic', actions: ['Pub', 'Sub'], decision: 'Allow' },
  { resource: 'Group:acl_java_*', actions: ['Sub'], decision: 'Allow' },
]);
await a.close();
TS
NS="$NS" BROKER="$BROKER" npx tsx "$WORK/setup.mts"

cd "$WORK"
ROCKETMQ_HOME="$WORK/home" java -Xmx512m -Dlogback.configurationFile="$WORK/home/conf/logback_tools.xml" \
  -cp "$WORK/classes:$CP" AclCompat "$NS" JavaAclTopic javauser javauser-secret

# ACL 1.0: a second broker (own store) with plain_acl.yml.
kill "$BR_PID"; wait "$BR_PID" 2>/dev/null || true; BR_PID=""
mkdir -p "$WORK/store1/conf"
cat > "$WORK/store1/conf/plain_acl.yml" <<YML
globalWhiteRemoteAddresses: []
accounts:
  - accessKey: javaadmin1
    secretKey: javaadmin1-secret
    admin: true
  - accessKey: javauser1
    secretKey: javauser1-secret
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - JavaAclTopic=PUB|SUB
YML
sed -e "s#storePathRootDir=.*#storePathRootDir=$WORK/store1#" -e '/authenticationEnabled\|authorizationEnabled\|initAuthenticationUser/d' \
  "$WORK/broker.conf" > "$WORK/broker1.conf"
echo "aclEnable=true" >> "$WORK/broker1.conf"
cd "$ROOT"
node lib/cli/bin.mjs broker -n "$NS" -c "$WORK/broker1.conf" > "$WORK/broker1.log" 2>&1 &
BR_PID=$!
BROKER="$(ready_addr "$WORK/broker1.log")"
echo "RocketDeck broker $BROKER (ACL 1.0, plain_acl.yml)"
sed -e "s/'javaadmin'/'javaadmin1'/; s/'javaadmin-secret'/'javaadmin1-secret'/" -e '/createUser\|putAcl\|resource:\|\]);/d' "$WORK/setup.mts" > "$WORK/setup1.mts"
NS="$NS" BROKER="$BROKER" npx tsx "$WORK/setup1.mts"
cd "$WORK"
ROCKETMQ_HOME="$WORK/home" java -Xmx512m -Dlogback.configurationFile="$WORK/home/conf/logback_tools.xml" \
  -cp "$WORK/classes:$CP" AclCompat "$NS" JavaAclTopic javauser1 javauser1-secret v1

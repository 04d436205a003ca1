#!/usr/bin/env bash
# Starts Apache RocketMQ 4.9.8 nameserver(s) and broker-a (ASYNC_MASTER) built by build-apache-server.sh on free
# ports with their stores in RUN_DIR, waits until all booted, and prints NAMESRV_ADDR=... and BROKER_ADDR=...
# WITH_SLAVE=1 also starts a slave of broker-a (brokerId 1; prints SLAVE_ADDR=...); NAMESRV_COUNT=2 starts two
# nameservers (NAMESRV_ADDR then lists both, ';'-separated). BROKER_ROLE (ASYNC_MASTER), FLUSH_DISK_TYPE (ASYNC_FLUSH),
# COMMITLOG_FILE_SIZE (16777216) and JAVA_HEAP (512m) are for bench/vs-apache.ts.
# Stop them with: e2e/apache-cluster/stop-apache.sh RUN_DIR
# ACL_FILE=path/plain_acl.yml turns ACL 1.0 on (aclEnable=true): the file is copied to RUN_DIR/home/conf/, the
# brokers' ROCKETMQ_HOME for this run (4.9.8 reads $ROCKETMQ_HOME/conf/plain_acl.yml).
# Usage: [WITH_SLAVE=1] [NAMESRV_COUNT=N] [ACL_FILE=F] start-apache.sh BUILD_DIR [RUN_DIR]   (RUN_DIR defaults to a new temp dir)
set -euo pipefail
BUILD="$(cd "${1:?usage: start-apache.sh BUILD_DIR [RUN_DIR]}" && pwd)"
RUN="${2:-$(mktemp -d /tmp/apache-rmq.XXXXXX)}"
mkdir -p "$RUN" && RUN="$(cd "$RUN" && pwd)"
NAMESRV_COUNT="${NAMESRV_COUNT:-1}"
WITH_SLAVE="${WITH_SLAVE:-0}"
ACL_FILE="${ACL_FILE:-}"
HOME_DIR="$BUILD/home"
if [ -n "$ACL_FILE" ]; then
  HOME_DIR="$RUN/home"
  mkdir -p "$HOME_DIR/conf"
  cp -r "$BUILD/home/conf/." "$HOME_DIR/conf/"
  cp "$ACL_FILE" "$HOME_DIR/conf/plain_acl.yml"
fi
BROKER_ROLE="${BROKER_ROLE:-ASYNC_MASTER}"
FLUSH_DISK_TYPE="${FLUSH_DISK_TYPE:-ASYNC_FLUSH}"
COMMITLOG_FILE_SIZE="${COMMITLOG_FILE_SIZE:-16777216}"
JAVA_HEAP="${JAVA_HEAP:-512m}"
J=/usr/share/java
CP="$BUILD/jars/rocketmq-server-4.9.8.jar:$BUILD/jars/dledger-0.2.7.jar:$BUILD/jars/rocketmq-4.9.8.jar:$BUILD/jars/fastjson.jar"
for j in netty-buffer netty-codec netty-common netty-handler netty-resolver netty-transport netty-transport-native-epoll \
  netty-transport-native-unix-common gson commons-lang3 commons-validator zstd-jni lz4-java commons-cli snakeyaml \
  commons-codec slf4j-api logback-classic logback-core commons-collections3 javassist jna bcpkix bcprov commons-io \
  jcommander guava; do CP="$CP:$J/$j.jar"; done

# Free ports: one per nameserver, then master and slave listenPort; a broker also listens on listenPort-2 (VIP
# channel) and listenPort+1 (HA).
read -r -a PORTS < <(python3 - "$NAMESRV_COUNT" <<'PY'
import random, socket, sys
def free(p):
    s = socket.socket()
    try:
        s.bind(('127.0.0.1', p)); return True
    except OSError:
        return False
    finally:
        s.close()
used, out = set(), []
def pick(offsets):
    while True:
        b = random.randint(20000, 40000)
        group = {b + o for o in offsets}
        if not (group & used) and all(free(p) for p in group):
            used.update(group); out.append(b); return
for _ in range(int(sys.argv[1])): pick([0])
for _ in range(2): pick([-2, 0, 1])
print(*out)
PY
)
NS_PORTS=("${PORTS[@]:0:$NAMESRV_COUNT}")
BROKER_PORT="${PORTS[$NAMESRV_COUNT]}"
SLAVE_PORT="${PORTS[$((NAMESRV_COUNT + 1))]}"
NAMESRV_ADDR="$(printf '127.0.0.1:%s;' "${NS_PORTS[@]}")"
NAMESRV_ADDR="${NAMESRV_ADDR%;}"

# Apache's runserver.sh/runbroker.sh ask for 4-8 GiB; a small heap is plenty here. RocketMQ 4.9 on Java 17 needs
# java.nio and sun.nio.ch opened (MappedFile unmaps through reflection).
JOPTS=(-server -Xms128m -Xmx$JAVA_HEAP -XX:MaxDirectMemorySize=512m -XX:+UseG1GC
  --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports java.base/sun.nio.ch=ALL-UNNAMED
  -Drocketmq.home.dir="$HOME_DIR" -Duser.home="$RUN")

for i in "${!NS_PORTS[@]}"; do
  mkdir -p "$RUN/namesrv$i"
  cat > "$RUN/namesrv$i.conf" <<CONF
listenPort=${NS_PORTS[$i]}
kvConfigPath=$RUN/namesrv$i/kvConfig.json
configStorePath=$RUN/namesrv$i/namesrv.properties
CONF
done
broker_conf() { # file brokerId brokerRole listenPort storeDir
  cat > "$1" <<CONF
brokerClusterName=DefaultCluster
brokerName=broker-a
brokerId=$2
brokerRole=$3
flushDiskType=$FLUSH_DISK_TYPE
brokerIP1=127.0.0.1
listenPort=$4
namesrvAddr=$NAMESRV_ADDR
autoCreateTopicEnable=true
autoCreateSubscriptionGroup=true
storePathRootDir=$5
storePathCommitLog=$5/commitlog
mappedFileSizeCommitLog=$COMMITLOG_FILE_SIZE
mappedFileSizeConsumeQueue=600000
maxIndexNum=400000
maxHashSlotNum=100000
deleteWhen=04
fileReservedTime=48
transactionTimeOut=2000
transactionCheckInterval=2000
transactionCheckMax=5
enablePropertyFilter=true
aclEnable=$([ -n "$ACL_FILE" ] && echo true || echo false)
CONF
}
broker_conf "$RUN/broker.conf" 0 "$BROKER_ROLE" "$BROKER_PORT" "$RUN/store"
if [ "$WITH_SLAVE" = 1 ]; then broker_conf "$RUN/slave.conf" 1 SLAVE "$SLAVE_PORT" "$RUN/store-slave"; fi

cd "$RUN"
wait_for() { # file pattern seconds
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then echo "timed out waiting for '$2' in $1:" >&2; tail -20 "$1" >&2; exit 1; fi
    sleep 0.3
  done
}
start_java() { # name main-class args...
  local name="$1"; shift
  setsid nohup java "${JOPTS[@]}" -cp "$CP" "$@" > "$RUN/$name.out" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
}
for i in "${!NS_PORTS[@]}"; do start_java "namesrv$i" org.apache.rocketmq.namesrv.NamesrvStartup -c "$RUN/namesrv$i.conf"; done
for i in "${!NS_PORTS[@]}"; do wait_for "$RUN/namesrv$i.out" "boot success" 60; done
start_java broker org.apache.rocketmq.broker.BrokerStartup -c "$RUN/broker.conf"
if [ "$WITH_SLAVE" = 1 ]; then start_java slave org.apache.rocketmq.broker.BrokerStartup -c "$RUN/slave.conf"; fi
wait_for "$RUN/broker.out" "boot success" 90
if [ "$WITH_SLAVE" = 1 ]; then wait_for "$RUN/slave.out" "boot success" 90; fi
echo "RUN_DIR=$RUN"
echo "NAMESRV_ADDR=$NAMESRV_ADDR"
echo "BROKER_ADDR=127.0.0.1:$BROKER_PORT"
if [ "$WITH_SLAVE" = 1 ]; then echo "SLAVE_ADDR=127.0.0.1:$SLAVE_PORT"; fi

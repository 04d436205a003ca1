#!/usr/bin/env bash
# Starts a real Apache RocketMQ 5.3.3 cluster from BUILD (a /work/shared/real-rocketmq5/build.sh output: bin/ lib/
# conf/) in RUN_DIR, on free ports: two nameservers, broker-a master and slave, a cluster-mode proxy. BUILD is never
# written to: its scripts and conf are copied into RUN_DIR and its lib/ linked. Prints RUN_DIR=, NAMESRV_ADDR=,
# BROKER_ADDR=, SLAVE_ADDR=, PROXY_GRPC=, PROXY_REMOTING=.
# Usage: e2e/apache5-cluster/start-rmq5.sh BUILD [RUN_DIR]
set -euo pipefail
BUILD="$(cd "${1:?usage: start-rmq5.sh BUILD [RUN_DIR]}" && pwd)"
RUN="${2:-$(mktemp -d /tmp/rd-rmq5-run.XXXXXX)}"
mkdir -p "$RUN"
cp -r "$BUILD/bin" "$BUILD/conf" "$RUN/"
rm -f "$RUN"/conf/broker-a-*.properties "$RUN"/conf/rmq-proxy-*.json
ln -sfn "$BUILD/lib" "$RUN/lib"
# a free port P whose P-2 and P+1 are free too (a broker listens on all three)
free_port() {
  python3 - <<'PY'
import socket
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
while True:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
    if p > 2000 and p < 60000 and all(free(q) for q in (p - 2, p + 1)): print(p); break
PY
}
NS1=$(free_port); NS2=$(free_port); BP=$(free_port); SP=$(free_port); PG=$(free_port); PR=$(free_port)
export NAMESRV_ADDR="127.0.0.1:$NS1;127.0.0.1:$NS2" BROKER_PORT=$BP BROKER_SLAVE_PORT=$SP PROXY_GRPC_PORT=$PG PROXY_REMOTING_PORT=$PR
export BROKER_HEAP="${BROKER_HEAP:--Xms512m -Xmx512m -XX:MaxDirectMemorySize=1g}" PROXY_HEAP="${PROXY_HEAP:--Xms256m -Xmx256m}"
export EXTRA_BROKER_CONF="${EXTRA_BROKER_CONF:-timerWheelEnable=true}"
{
  NAMESRV_PORT=$NS1 nice "$RUN/bin/start-namesrv.sh"
  # the second nameserver: same scripts under another pid name and config
  (. "$RUN/bin/env.sh"
   sed "s/^listenPort=.*/listenPort=$NS2/; s#data/namesrv#data/namesrv2#g" "$RUN/conf/namesrv.properties" > "$RUN/conf/namesrv2.properties"
   JOPTS="-Xms256m -Xmx256m -XX:+UseG1GC"
   start_bg namesrv2 rmq.namesrv.logback.xml org.apache.rocketmq.namesrv.NamesrvStartup -c "$RUN/conf/namesrv2.properties"
   wait_port "$NS2" 60)
  nice "$RUN/bin/start-broker.sh" all
  nice "$RUN/bin/start-proxy.sh"
} > "$RUN/start.log" 2>&1 || { echo "start failed, see $RUN/start.log" >&2; tail -5 "$RUN/start.log" >&2; exit 1; }
echo "RUN_DIR=$RUN"
echo "NAMESRV_ADDR=$NAMESRV_ADDR"
echo "BROKER_ADDR=127.0.0.1:$BP"
echo "SLAVE_ADDR=127.0.0.1:$SP"
echo "PROXY_GRPC=127.0.0.1:$PG"
echo "PROXY_REMOTING=127.0.0.1:$PR"

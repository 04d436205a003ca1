#!/usr/bin/env bash
# Builds Apache RocketMQ 4.9.8's nameserver and broker (modules store, broker, namesrv, filter) and DLedger 0.2.7
# from local bare git mirrors into OUT_DIR, on top of the client/tools jars e2e/java-compat/build-apache.sh builds,
# and lays out OUT_DIR/home (ROCKETMQ_HOME with conf/logback_*.xml). Prints the server CLASSPATH (see README.md).
# Usage: build-apache-server.sh OUT_DIR [ROCKETMQ_MIRROR] [DLEDGER_MIRROR] [FASTJSON_MIRROR]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$(mkdir -p "${1:?usage: build-apache-server.sh OUT_DIR [ROCKETMQ_MIRROR] [DLEDGER_MIRROR] [FASTJSON_MIRROR]}" && cd "$1" && pwd)"
RMQ_MIRROR="${2:-/work/.mirror/apache+rocketmq/repo}"
DL_MIRROR="${3:-/work/.mirror/openmessaging+dledger/repo}"
FJ_MIRROR="${4:-/work/.mirror/alibaba+fastjson/repo}"
RMQ_TAG=rocketmq-all-4.9.8
DL_TAG=dledger-0.2.7   # the DLedger version rocketmq-all 4.9.8's pom names
NICE="nice -n 19"
J=/usr/share/java

# client, tools and fastjson first (skipped when OUT_DIR/jars already holds them)
CLIENT_CP="$("$HERE/../java-compat/build-apache.sh" "$OUT" "$RMQ_MIRROR" "$FJ_MIRROR" | tail -1)"
# extra Debian jars the server modules need: libjavassist-java libjna-java libbcpkix-java libbcprov-java
# liblog4j2-java libcommons-io-java libjcommander-java libguava-java (see README.md)
SRVJARS="$J/javassist.jar:$J/jna.jar:$J/bcpkix.jar:$J/bcprov.jar:$J/commons-io.jar:$J/jcommander.jar:$J/guava.jar"
for f in ${SRVJARS//:/ }; do [ -f "$f" ] || { echo "missing $f (apt-get install the packages listed in README.md)" >&2; exit 1; }; done

if [ ! -f "$OUT/jars/dledger-0.2.7.jar" ]; then
  rm -rf "$OUT/work/dledger" && mkdir -p "$OUT/work/dledger/classes"
  git -C "$DL_MIRROR" archive "$DL_TAG" src/main | tar -x -C "$OUT/work/dledger"
  find "$OUT/work/dledger/src/main/java" -name '*.java' > "$OUT/work/dledger/sources.txt"
  # DLedger is compiled against 4.9.8's remoting (the store's pom excludes DLedger's own rocketmq-remoting 4.3.2)
  $NICE javac -g -nowarn -Xlint:none -encoding UTF-8 -source 8 -target 8 -J-Xmx512m -cp "$CLIENT_CP:$SRVJARS" \
    -d "$OUT/work/dledger/classes" @"$OUT/work/dledger/sources.txt"
  jar cf "$OUT/jars/dledger-0.2.7.jar" -C "$OUT/work/dledger/classes" .
fi

if [ ! -f "$OUT/jars/rocketmq-server-4.9.8.jar" ]; then
  rm -rf "$OUT/work/srv" && mkdir -p "$OUT/work/srv/src" "$OUT/work/srv/classes"
  git -C "$RMQ_MIRROR" archive "$RMQ_TAG" store broker namesrv filter | tar -x -C "$OUT/work/srv/src"
  find "$OUT/work/srv/src"/*/src/main/java -name '*.java' > "$OUT/work/srv/sources.txt"
  # MappedFile and TransientStorePool use sun.nio.ch.DirectBuffer
  $NICE javac -g -nowarn -Xlint:none -encoding UTF-8 --add-exports java.base/sun.nio.ch=ALL-UNNAMED -J-Xmx768m \
    -cp "$CLIENT_CP:$OUT/jars/dledger-0.2.7.jar:$SRVJARS" -d "$OUT/work/srv/classes" @"$OUT/work/srv/sources.txt"
  for m in "$OUT/work/srv/src"/*/src/main/resources; do [ -d "$m" ] && cp -r "$m"/. "$OUT/work/srv/classes"/; done
  jar cf "$OUT/jars/rocketmq-server-4.9.8.jar" -C "$OUT/work/srv/classes" .
fi

# ROCKETMQ_HOME: the brokers and nameserver read conf/logback_*.xml from it
mkdir -p "$OUT/home"
git -C "$RMQ_MIRROR" archive "$RMQ_TAG" distribution/conf | tar -x -C "$OUT/home" --strip-components=1
echo "$OUT/jars/rocketmq-server-4.9.8.jar:$OUT/jars/dledger-0.2.7.jar:$CLIENT_CP:$SRVJARS"

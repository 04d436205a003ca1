#!/usr/bin/env bash
# Builds Apache RocketMQ 4.9.8's client, tools and their modules plus fastjson 1.2.69 from local bare git mirrors
# into OUT_DIR/jars, and prints the CLASSPATH for run.sh (see README.md).
# Usage: build-apache.sh OUT_DIR [ROCKETMQ_MIRROR] [FASTJSON_MIRROR]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$(mkdir -p "${1:?usage: build-apache.sh OUT_DIR [ROCKETMQ_MIRROR] [FASTJSON_MIRROR]}" && cd "$1" && pwd)"
RMQ_MIRROR="${2:-/work/.mirror/apache+rocketmq/repo}"
FJ_MIRROR="${3:-/work/.mirror/alibaba+fastjson/repo}"
RMQ_TAG=rocketmq-all-4.9.8
FJ_TAG=1.2.69
NICE="nice -n 19"
J=/usr/share/java
# Debian's netty-all.jar is empty (a manifest only): list the module jars.
DEBJARS="$J/netty-buffer.jar:$J/netty-codec.jar:$J/netty-common.jar:$J/netty-handler.jar:$J/netty-resolver.jar:$J/netty-transport.jar:$J/netty-transport-native-epoll.jar:$J/netty-transport-native-unix-common.jar:$J/gson.jar:$J/commons-lang3.jar:$J/commons-validator.jar:$J/zstd-jni.jar:$J/lz4-java.jar:$J/commons-cli.jar:$J/snakeyaml.jar:$J/commons-codec.jar:$J/slf4j-api.jar:$J/logback-classic.jar:$J/logback-core.jar:$J/commons-collections3.jar"
mkdir -p "$OUT/jars" "$OUT/work"

if [ ! -f "$OUT/jars/fastjson.jar" ]; then
  rm -rf "$OUT/work/fastjson" && mkdir -p "$OUT/work/fastjson/classes"
  git -C "$FJ_MIRROR" archive "$FJ_TAG" src/main/java | tar -x -C "$OUT/work/fastjson"
  S="$OUT/work/fastjson/src/main/java"
  # optional integrations whose libraries are not installed; two classes fastjson links to are replaced by stubs
  rm -rf "$S/com/alibaba/fastjson/support/"{spring,jaxrs,retrofit,springfox,moneta}
  find "$S" "$HERE/stubs" -name '*.java' > "$OUT/work/fastjson/sources.txt"
  # -g as Maven compiles: fastjson reads constructor parameter names from local variable tables
  $NICE javac -g -nowarn -Xlint:none -encoding UTF-8 -source 8 -target 8 -J-Xmx512m -cp "$J/guava.jar:$J/joda-time.jar" \
    -d "$OUT/work/fastjson/classes" @"$OUT/work/fastjson/sources.txt"
  (cd "$S" && find META-INF -type f | xargs -r cp --parents -t "$OUT/work/fastjson/classes") || true
  jar cf "$OUT/jars/fastjson.jar" -C "$OUT/work/fastjson/classes" .
fi

if [ ! -f "$OUT/jars/rocketmq-4.9.8.jar" ]; then
  rm -rf "$OUT/work/rmq" && mkdir -p "$OUT/work/rmq/src" "$OUT/work/rmq/classes"
  git -C "$RMQ_MIRROR" archive "$RMQ_TAG" logging remoting common client srvutil acl tools | tar -x -C "$OUT/work/rmq/src"
  # Debian's snakeyaml is 1.33 (no TagInspector): AclUtils (ACL yaml files, unused here) loses its tag allow-list
  sed -i -e '/snakeyaml.inspector.TagInspector/d' -e '/TagInspector tagInspector =/d' -e '/setTagInspector(tagInspector)/d' \
    "$OUT/work/rmq/src/acl/src/main/java/org/apache/rocketmq/acl/common/AclUtils.java"
  # the client's OpenTracing hooks need io.opentracing, which is not installed
  find "$OUT/work/rmq/src"/*/src/main/java -name '*.java' | grep -v 'OpenTracingHookImpl\.java$' > "$OUT/work/rmq/sources.txt"
  $NICE javac -g -nowarn -Xlint:none -encoding UTF-8 -source 8 -target 8 -J-Xmx768m -cp "$OUT/jars/fastjson.jar:$DEBJARS" \
    -d "$OUT/work/rmq/classes" @"$OUT/work/rmq/sources.txt"
  for m in "$OUT/work/rmq/src"/*/src/main/resources; do [ -d "$m" ] && cp -r "$m"/. "$OUT/work/rmq/classes"/; done
  jar cf "$OUT/jars/rocketmq-4.9.8.jar" -C "$OUT/work/rmq/classes" .
fi
echo "$OUT/jars/rocketmq-4.9.8.jar:$OUT/jars/fastjson.jar:$DEBJARS"

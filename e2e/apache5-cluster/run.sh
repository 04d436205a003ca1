#!/usr/bin/env bash
# RocketDeck's admin CLI and console against a real Apache RocketMQ 5.3.3 cluster (two nameservers, master/slave,
# cluster-mode proxy, the official Node.js client's traffic), then the controller-mode failover. Not part of `npm test`.
# Usage: e2e/apache5-cluster/run.sh [BUILD] [main] [controller]
#   BUILD: a /work/shared/real-rocketmq5/build.sh output (bin/ lib/ conf/); built into /tmp/rmq5 when absent. Never written to.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${1:-/tmp/rmq5}"
shift || true
PARTS="${*:-main controller}"
if [ ! -f "$BUILD/lib/rocketmq-5.3.3-all.jar" ]; then
  echo "building Apache RocketMQ 5.3.3 into $BUILD (about 1-2 minutes)"
  # with debug information (-g, as Maven builds it): the controller's fastjson needs constructor parameter names
  JAVAC_G="$(mktemp /tmp/javac-g.XXXXXX)"; printf '#!/bin/sh\nexec javac -g "$@"\n' > "$JAVAC_G"; chmod +x "$JAVAC_G"
  MIRROR="${MIRROR:-/work/.mirror}" OUT="$BUILD" JAVAC="$JAVAC_G" /work/shared/real-rocketmq5/build.sh > "$BUILD.build.log" 2>&1 \
    || { echo "RESULT build FAIL (see $BUILD.build.log)"; exit 1; }
  rm -f "$JAVAC_G"
fi
cd "$ROOT"
node lib/cli/bin.mjs build --console --if-stale || { echo "RESULT console.build FAIL"; exit 1; }
status=0
if [[ " $PARTS " == *" main "* ]]; then
  RUN="$(mktemp -d /tmp/rd-rmq5-run.XXXXXX)"
  if "$HERE/start-rmq5.sh" "$BUILD" "$RUN" > "$RUN/cluster.env"; then
    cat "$RUN/cluster.env"
    # values hold ';' (two nameservers): read them, do not source them
    for k in NAMESRV_ADDR BROKER_ADDR SLAVE_ADDR PROXY_GRPC PROXY_REMOTING; do export "$k=$(sed -n "s/^$k=//p" "$RUN/cluster.env")"; done
    "$HERE/checks.sh" "$RUN/checks" || status=1
  else
    echo "RESULT cluster.start FAIL (logs in $RUN)"; status=1
  fi
  "$RUN/bin/stop-all.sh" > /dev/null 2>&1
  [ $status = 0 ] && rm -rf "$RUN"
fi
if [[ " $PARTS " == *" controller "* ]]; then
  "$HERE/controller.sh" "$BUILD" || status=1
fi
[ $status = 0 ] && echo "ALL PASSED" || echo "SOME FAILED"
exit $status

#!/usr/bin/env bash
# Runs RocketDeck's SDK, admin CLI and console against a real Apache RocketMQ 4.9.8 cluster (two nameservers, broker-a
# master and slave) started from BUILD_DIR (see build-apache-server.sh), then the master-down checks; prints one
# `RESULT <case> OK|FAIL` line per case and exits 1 if any failed. Not part of `npm test`.
# `acl` starts a second cluster (one nameserver, broker-a) with aclEnable=true and acl-plain.yml and runs acl-checks.ts.
# Usage: e2e/apache-cluster/run.sh BUILD_DIR [sdk] [cli] [dlq] [failover] [acl]   (default: all five, in that order)
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="$(cd "${1:?usage: run.sh BUILD_DIR [sdk] [cli] [dlq] [failover] [acl]}" && pwd)"
shift
PARTS="${*:-sdk cli dlq failover acl}"
RUN="$(mktemp -d /tmp/rd-apache-run.XXXXXX)"
ACL_RUN="$RUN/acl"
cleanup() { "$HERE/stop-apache.sh" "$RUN"; [ -d "$ACL_RUN" ] && "$HERE/stop-apache.sh" "$ACL_RUN"; }
trap cleanup EXIT

cd "$ROOT"
status=0
if [[ " $PARTS " == *" sdk "* || " $PARTS " == *" cli "* || " $PARTS " == *" dlq "* || " $PARTS " == *" failover "* ]]; then
  if ! WITH_SLAVE=1 NAMESRV_COUNT=2 "$HERE/start-apache.sh" "$BUILD" "$RUN" > "$RUN/cluster.env"; then
    echo "RESULT cluster.start FAIL (logs in $RUN)"; exit 1
  fi
  cat "$RUN/cluster.env"
fi
NAMESRV_ADDR="$(sed -n 's/^NAMESRV_ADDR=//p' "$RUN/cluster.env" 2>/dev/null)"
export NAMESRV_ADDR
if [[ " $PARTS " == *" sdk "* ]]; then node --import tsx "$HERE/sdk-checks.ts" || status=1; fi
if [[ " $PARTS " == *" cli "* ]]; then "$HERE/cli-checks.sh" "$RUN/cli" || status=1; fi
if [[ " $PARTS " == *" dlq "* ]]; then node --import tsx "$HERE/dlq-trace-checks.ts" || status=1; fi
if [[ " $PARTS " == *" failover "* ]]; then
  MASTER_PID_FILE="$RUN/broker.pid" node --import tsx "$HERE/failover-checks.ts" || status=1
fi
if [[ " $PARTS " == *" acl "* ]]; then
  if ACL_FILE="$HERE/acl-plain.yml" "$HERE/start-apache.sh" "$BUILD" "$ACL_RUN" > "$RUN/acl-cluster.env"; then
    cat "$RUN/acl-cluster.env"
    NAMESRV_ADDR="$(sed -n 's/^NAMESRV_ADDR=//p' "$RUN/acl-cluster.env")" BROKER_ADDR="$(sed -n 's/^BROKER_ADDR=//p' "$RUN/acl-cluster.env")" \
      node --import tsx "$HERE/acl-checks.ts" || status=1
  else
    echo "RESULT acl.cluster.start FAIL (logs in $ACL_RUN)"; status=1
  fi
fi
if [ $status = 0 ]; then
  echo "ALL PASSED"
  cleanup; trap - EXIT; rm -rf "$RUN"
else
  echo "SOME FAILED: logs and stores kept in $RUN"
fi
exit $status

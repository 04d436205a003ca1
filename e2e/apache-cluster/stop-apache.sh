#!/usr/bin/env bash
# Stops the Apache RocketMQ processes start-apache.sh started in RUN_DIR (brokers first, then nameservers) and waits
# for them to exit. Usage: stop-apache.sh RUN_DIR
set -uo pipefail
RUN="${1:?usage: stop-apache.sh RUN_DIR}"
pids=()
for f in "$RUN"/slave.pid "$RUN"/broker.pid "$RUN"/namesrv*.pid; do
  [ -f "$f" ] || continue
  pid="$(cat "$f")"
  kill "$pid" 2>/dev/null && pids+=("$pid")
  rm -f "$f"
done
deadline=$((SECONDS + 30))
for pid in "${pids[@]}"; do
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then kill -9 "$pid" 2>/dev/null; break; fi
    sleep 0.2
  done
done

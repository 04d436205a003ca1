# Sourced by the scripts that run Apache's Java tools against a RocketDeck nameserver and broker (acl-run.sh,
# acl-mqadmin5.sh, ../java-pop/run.sh): stops both on exit (NS_PID, BR_PID), keeps $WORK when the run failed, and
# reads a node's address from its "ready at HOST:PORT" log line.
NS_PID=""; BR_PID=""
cleanup() {
  local rc=$?
  [ -n "$BR_PID" ] && kill "$BR_PID" 2>/dev/null && wait "$BR_PID" 2>/dev/null || true
  [ -n "$NS_PID" ] && kill "$NS_PID" 2>/dev/null && wait "$NS_PID" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then echo "logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

ready_addr() {
  local log="$1" deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    local addr; addr="$(grep -o 'ready at [0-9.]*:[0-9]*' "$log" 2>/dev/null | head -1 | cut -d' ' -f3)"
    [ -n "$addr" ] && { echo "$addr"; return 0; }
    sleep 0.2
  done
  echo "no 'ready at' line in $log:" >&2; tail -n 20 "$log" >&2; return 1
}

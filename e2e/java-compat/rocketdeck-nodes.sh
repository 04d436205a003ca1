# Sourced by the scripts that run Apache's Java tools against a RocketDeck nameserver and broker (acl-run.sh,
# acl-mqadmin5.sh, running-info.sh, trace.sh, ../java-pop/run.sh): stops what they started on exit (JAVA_PID,
# CON_PID, BR_PID, NS_PID, then the script's own on_cleanup if it defines one), keeps $WORK when the run failed,
# reads a node's address from its "ready at HOST:PORT" log line and waits for a line in a log (wait_line).
NS_PID=""; BR_PID=""; CON_PID=""; JAVA_PID=""
cleanup() {
  local rc=$?
  exec 3>&- 2>/dev/null || true
  for p in "$JAVA_PID" "$CON_PID" "$BR_PID" "$NS_PID"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
  done
  if declare -F on_cleanup > /dev/null; then on_cleanup || true; fi
  if [ "$rc" -ne 0 ]; then echo "logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

# waits (up to $3 s, default 60) for a line matching $2 in file $1 and prints the part grep -o matched
wait_line() {
  local file="$1" re="$2" deadline=$((SECONDS + ${3:-60}))
  while [ $SECONDS -lt $deadline ]; do
    local hit; hit="$(grep -o "$re" "$file" 2>/dev/null | head -1 || true)"
    [ -n "$hit" ] && { echo "$hit"; return 0; }
    sleep 0.2
  done
  echo "no '$re' in $file:" >&2; tail -n 20 "$file" >&2; return 1
}

ready_addr() {
  local log="$1" deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    local addr; addr="$(grep -o 'ready at [0-9.]*:[0-9]*' "$log" 2>/dev/null | head -1 | cut -d' ' -f3)"
    [ -n "$addr" ] && { echo "$addr"; return 0; }
    sleep 0.2
  done
  echo "no 'ready at' line in $log:" >&2; tail -n 20 "$log" >&2; return 1
}

#!/usr/bin/env bash
# Load test of the release binary: starts it with a generated fixture environment and runs the four
# workloads with wrk, then the 1000-connection variant, 10,000 idle keep-alive connections, and
# start-up time to the first 200 from POST /upload (spawn to answer, polled from one python process).
#
#   scripts/bench/load.sh [BINARY]        default .build/release/secure-upload
#
# Build first: scripts/build-release.sh (the shipped build; its last line is the binary's path)
# Needs: wrk, curl, python3 with `cryptography` (apt-get install -y wrk curl python3-cryptography).
# Knobs (environment): DURATION=10s CONNECTIONS=64 WORKLOADS=a,b (default all four)
#   BIG=1000 (connections of the p99 variant; 0 skips) IDLE=10000 (idle connections; 0 skips)
#
# Prints one row per workload: req/s, p50/p99 ms, server CPU us per request (utime+stime delta of
# the server process / requests), peak RSS (VmHWM, reset before each workload), "bad": socket
# errors plus answers of the wrong kind (non-2xx, or anything but 401 for the bad token; a 401
# is not checked to be exactly 401 here, only non-2xx), and "other %": CPU used by everything but
# the server and wrk while wrk ran, in % of all cores (other people's work on a shared machine).
# Server settings pass through the environment, e.g. TOKEN_CACHE_SIZE=0 so that every valid token
# of the rotating workload pays an RSA verification (the default cache makes them hits).
# The machine matters: wrk shares the cores with the server; compare runs from the same minutes.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${1:-$ROOT/.build/release/secure-upload}"
DURATION="${DURATION:-10s}"; CONNECTIONS="${CONNECTIONS:-64}"
WORKLOADS="${WORKLOADS:-upload-same-token,upload-rotating-tokens,static,bad-token}"
BIG="${BIG:-1000}"; IDLE="${IDLE:-10000}"
FIX="$HERE/.fixtures"
U="$HERE/loadutil.py"

[[ -x "$BIN" ]] || { echo "no binary at $BIN: build it with scripts/build-release.sh" >&2; exit 1; }
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
done
if [[ ! -s "$FIX/tokens.txt" || -n "$(find "$FIX/tokens.txt" -mtime +25)" ]]; then
  python3 "$HERE/make-fixtures.py" "$FIX" >/dev/null
fi
# shellcheck source=/dev/null
. "$FIX/env.sh"
# The rate limiter stays on (its cost is part of every request) but cannot trip within a run.
export RATE_LIMIT_PER_MINUTE=1000000
export PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export HOST=127.0.0.1
URL="http://127.0.0.1:$PORT"
LOG="$(mktemp -d)"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

SERVER_PID=""
stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
trap stop_server EXIT

TOKEN="$(head -n 1 "$FIX/tokens.txt")"
# Spawned and timed by one python process: a curl per try costs a few ms of its own start-up.
read -r SERVER_PID STARTUP < <(python3 "$U" spawn "$BIN" "$LOG/server.log" "$PORT" "$TOKEN")
[[ -n "$STARTUP" ]] || { echo "server did not answer 200; its log:" >&2; tail -n 20 "$LOG/server.log" >&2; exit 1; }
sleep 1
read -r IDLE_KB _ < <(python3 "$U" rss "$SERVER_PID")
echo "start-up to first 200 POST /upload: $STARTUP ms (spawn to answer, polled every ~1 ms); idle RSS $((IDLE_KB / 1024)) MB"

run_workloads() {  # CONNECTIONS DURATION
  local conns="$1" dur="$2" wl script arg
  printf '%-24s %10s %8s %8s %9s %9s %6s %8s\n' "workload (c=$conns)" "req/s" "p50 ms" "p99 ms" "CPU us/r" "peak MB" "bad" "other %"
  for wl in ${WORKLOADS//,/ }; do
    case "$wl" in
      upload-same-token) script=upload-same-token; arg="$FIX/tokens.txt" ;;
      upload-rotating-tokens) script=upload-rotating-tokens; arg="$FIX/tokens.txt" ;;
      static) script=static; arg="" ;;
      bad-token) script=bad-token; arg="$FIX/bad-token.txt" ;;
      *) echo "unknown workload $wl" >&2; exit 2 ;;
    esac
    local args=(-t1 -c"$conns" --latency -s "$HERE/wrk/$script.lua" "$URL")
    [[ -n "$arg" ]] && args+=(-- "$arg")
    python3 "$U" reset-hwm "$SERVER_PID"
    wrk -d2s "${args[@]}" >/dev/null 2>&1 || true # warm-up, not recorded
    local c0 c1
    c0="$(python3 "$U" snap "$SERVER_PID" $$)"
    wrk -d"$dur" "${args[@]}" >"$LOG/wrk-$wl.txt" 2>&1 || true
    c1="$(python3 "$U" snap "$SERVER_PID" $$)"
    local json
    json="$(sed -n 's/^BENCH_JSON //p' "$LOG/wrk-$wl.txt")"
    if [[ -z "$json" ]]; then echo "$wl: wrk gave no result: $(tail -n 3 "$LOG/wrk-$wl.txt")" >&2; continue; fi
    python3 "$U" row "$wl" "$json" "$c0" "$c1" "$SERVER_PID" "$([[ $wl == bad-token ]] && echo 401 || echo 2xx)"
  done
}

run_workloads "$CONNECTIONS" "$DURATION"
if (( BIG > 0 )); then echo; run_workloads "$BIG" 5s; fi
if (( IDLE > 0 )); then
  echo
  read -r before with < <(python3 "$U" idle-conns "$PORT" "$IDLE" "$SERVER_PID")
  echo "$IDLE idle keep-alive connections: RSS $((before / 1024)) MB before, $((with / 1024)) MB with them open"
fi
echo "server log: $LOG/server.log"

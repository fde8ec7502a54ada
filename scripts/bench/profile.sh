#!/usr/bin/env bash
# CPU profile of the release binary under one load.sh workload: starts the server with the load
# fixtures, warms up, records `perf record -e cpu-clock -g` on the server's PID while wrk runs, and
# prints the top entries (children = inclusive, then self).
#
#   scripts/bench/profile.sh [BINARY] [WORKLOAD]    default .build/release/secure-upload, upload-same-token
#
# Knobs (environment): DURATION=5s CONNECTIONS=64 TOP=40 OUT=/tmp/secure-upload-perf.data
#   plus any server setting, e.g. TOKEN_CACHE_SIZE=0 to make every valid token pay RSA.
# Needs: perf (linux-perf), wrk, curl, python3 with `cryptography`.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${1:-$ROOT/.build/release/secure-upload}"
WORKLOAD="${2:-upload-same-token}"
DURATION="${DURATION:-5s}"; CONNECTIONS="${CONNECTIONS:-64}"; TOP="${TOP:-40}"
OUT="${OUT:-/tmp/secure-upload-perf.data}"
FIX="$HERE/.fixtures"

[[ -x "$BIN" ]] || { echo "no binary at $BIN" >&2; exit 1; }
for tool in perf wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
done
if [[ ! -s "$FIX/tokens.txt" || -n "$(find "$FIX/tokens.txt" -mtime +25)" ]]; then
  python3 "$HERE/make-fixtures.py" "$FIX" >/dev/null
fi
# shellcheck source=/dev/null
. "$FIX/env.sh"
export RATE_LIMIT_PER_MINUTE=1000000 HOST=127.0.0.1
export PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
case "$WORKLOAD" in
  upload-same-token | upload-rotating-tokens) arg="$FIX/tokens.txt" ;;
  bad-token) arg="$FIX/bad-token.txt" ;;
  static) arg="" ;;
  *) echo "unknown workload $WORKLOAD" >&2; exit 2 ;;
esac
args=(-t1 -c"$CONNECTIONS" -s "$HERE/wrk/$WORKLOAD.lua" "$URL")
[[ -n "$arg" ]] && args+=(-- "$arg")

LOG="$(mktemp)"
"$BIN" serve >"$LOG" 2>&1 &
SERVER_PID=$!
trap 'kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1000); do
  curl -s -o /dev/null --max-time 1 "$URL/healthz" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.01
done
wrk -d2s "${args[@]}" >/dev/null 2>&1 || true
wrk -d"$DURATION" "${args[@]}" >"$LOG.wrk" 2>&1 &
WRK_PID=$!
secs="${DURATION%s}"
perf record -q -e cpu-clock -F 2000 -g -p "$SERVER_PID" -o "$OUT" -- sleep "$((secs > 1 ? secs - 1 : 1))" 2>/dev/null
wait "$WRK_PID" || true
grep -E 'Requests/sec' "$LOG.wrk" || true
echo "--- inclusive (children) ---"
perf report -i "$OUT" --children --no-demangle --stdio -g none --sort sym --percent-limit 1.5 2>/dev/null \
  | grep -E '^ +[0-9]' | head -n "$TOP" | swift demangle --simplified
echo "--- self ---"
perf report -i "$OUT" --no-children --no-demangle --stdio -g none --sort dso,sym --percent-limit 0.7 2>/dev/null \
  | grep -E '^ +[0-9]' | head -n "$TOP" | swift demangle --simplified
rm -f "$LOG" "$LOG.wrk"

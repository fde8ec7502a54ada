#!/usr/bin/env bash
# Base tools every suite needs: the OpenSSL and zlib headers, pytest. Idempotent and quiet
# when everything is present.
set -euo pipefail
need_apt=()
dpkg -s libssl-dev >/dev/null 2>&1 || need_apt+=(libssl-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need_apt+=(zlib1g-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
python3 -c 'import pytest' 2>/dev/null || pip install -q pytest

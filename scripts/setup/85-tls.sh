#!/usr/bin/env bash
# Tools of the outbound TLS tests: python3 with `cryptography` runs the TLS peers of
# Tests/TLSTestSupport/tls_server.py (certificates made at test time) and the
# https JWKS fake of Tests/Faults/test_outbound_tls.py, whose SSL_CERT_DIR case hashes a folder with
# `openssl rehash`. Idempotent and quiet when present.
set -euo pipefail
PY="${PYTHON:-python3}"
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
if ! command -v "$PY" >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-pip
fi
if ! command -v openssl >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssl
fi
if ! "$PY" -c 'import cryptography' 2>/dev/null; then
    "$PY" -m pip install -q cryptography 2>/dev/null || "$PY" -m pip install -q --break-system-packages cryptography
fi

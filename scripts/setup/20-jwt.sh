#!/usr/bin/env bash
# JWTAuthTests' real peer: moto's Cognito emulator (moto_server with the cognitoidp extras), which
# issues RS256 ID and access tokens and serves their JWKS. Idempotent and quiet when installed.
set -euo pipefail
if command -v moto_server >/dev/null 2>&1 && python3 -c 'import moto.server, moto.cognitoidp, flask_cors, joserfc' 2>/dev/null; then
    exit 0
fi
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
python3 -m pip install -q 'moto[server,cognitoidp]' \
    || python3 -m pip install -q --break-system-packages 'moto[server,cognitoidp]'
# pyenv installs console scripts behind shims that need a rehash.
if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
command -v moto_server >/dev/null 2>&1 || { echo "moto_server is still not on PATH after pip install" >&2; exit 1; }

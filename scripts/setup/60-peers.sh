#!/usr/bin/env bash
# Peers for Tests/Peers (AWS mode against real stand-ins): moto's Cognito emulator, boto3 to
# provision it, requests and joserfc for the HTTP calls and forged-token cases. rclone (the S3
# peer) comes from 30-sigv4.sh. Idempotent and quiet when everything is present.
set -euo pipefail
PY="${PYTHON:-python3}"
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

if ! "$PY" -c 'import moto.server, flask_cors, boto3, requests, joserfc' 2>/dev/null; then
    "$PY" -m pip install -q 'moto[server,cognitoidp]' boto3 requests joserfc 2>/dev/null \
        || "$PY" -m pip install -q --break-system-packages 'moto[server,cognitoidp]' boto3 requests joserfc
fi

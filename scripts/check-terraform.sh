#!/usr/bin/env bash
# Checks terraform/ alone: installs the tools (scripts/setup/40-terraform.sh), then runs the
# pytest suite Tests/Infrastructure (python-hcl2 parse, terraform fmt -check, checkov, the
# security assertions on the parsed HCL).
#
#   scripts/check-terraform.sh              what the project's test command runs for terraform/
#   scripts/check-terraform.sh --validate   also `terraform init -backend=false`, `validate` and
#                                           `terraform test` (terraform/tests/*.tftest.hcl, a
#                                           mocked AWS provider: no account, no network) against
#                                           a local provider mirror (TF_PLUGIN_DIR, default
#                                           /opt/tf-plugins), since init cannot reach
#                                           registry.terraform.io offline. Needs Terraform >= 1.7.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup/40-terraform.sh
python3 -m pytest -q -p no:cacheprovider Tests/Infrastructure

if [ "${1:-}" = "--validate" ]; then
    plugins="${TF_PLUGIN_DIR:-/opt/tf-plugins}"
    [ -d "$plugins" ] || { echo "no provider mirror at $plugins (set TF_PLUGIN_DIR)" >&2; exit 2; }
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    # A scratch copy keeps .terraform/ and the lock file out of the repository.
    cp terraform/*.tf "$work/"
    cp -r terraform/tests "$work/tests"
    export TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
    terraform -chdir="$work" init -backend=false -input=false -no-color -plugin-dir="$plugins" >/dev/null
    terraform -chdir="$work" validate -no-color
    terraform -chdir="$work" test -no-color
fi

#!/usr/bin/env bash
# Runs every SecureUpload test: installs what the tests need (scripts/setup/*.sh), checks the
# formatting, builds with warnings as errors, runs the Swift suites and the Python suites that
# drive real peers (moto's Cognito, rclone's S3 server, botocore, Chromium, checkov, hadolint).
#
# Usage: ./scripts/test.sh            everything (what CI runs)
#        SKIP_SETUP=1 ./scripts/test.sh   when the tools are already installed
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if [ "${SKIP_SETUP:-0}" != 1 ]; then
    for setup in scripts/setup/*.sh; do
        step "setup: $setup"
        bash "$setup"
    done
fi

step "format: swift format lint (configuration: .swift-format)"
swift format lint --strict --recursive Package.swift Sources Tests Fuzz Benchmarks Examples

step "swift build (warnings are errors): the library targets, the executable, the tests"
swift build --build-tests -Xswiftc -warnings-as-errors 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Write|Emitting)' || true
test "${PIPESTATUS[0]}" -eq 0

step "swift test (warnings are errors)"
swift test -Xswiftc -warnings-as-errors 2>&1 | tee /tmp/secure-upload-swift-test.log | grep -vE '^(\[[0-9]+/[0-9]+\]|Compiling|Write|Emitting) ' || true
# tee hides swift's exit status; the log's last lines tell whether every test passed.
if ! grep -qE 'Test run with [0-9]+ tests? (in [0-9]+ suites? )?passed' /tmp/secure-upload-swift-test.log; then
    echo "swift test failed" >&2
    exit 1
fi

step "micro-benchmarks: they build and run (one case, debug build: its figures mean nothing)"
SECURE_UPLOAD_BENCHMARKS=1 swift build --product secure-upload-microbench -Xswiftc -warnings-as-errors >/dev/null
SECURE_UPLOAD_BENCHMARKS=1 swift run --skip-build secure-upload-microbench "(JSONEncoder)" | tee /tmp/secure-upload-microbench.log
# JSONEncoder allocates on every call: a row ending in 0.0 would mean the malloc interposer that
# counts allocations is not in the process.
grep -qE '^json: encode upload response \(JSONEncoder\) .* [1-9][0-9]*\.[0-9]$' /tmp/secure-upload-microbench.log

step "fuzz: every parser of untrusted bytes, 5 s per target (scripts/fuzz.sh 600 for a real campaign)"
FUZZ_CONFIGURATION=debug scripts/fuzz.sh 5

if compgen -G "Tests/**/test_*.py" >/dev/null || find Tests -name 'test_*.py' | grep -q .; then
    step "python suites (real peers)"
    python3 -m pytest -q -p no:cacheprovider Tests
fi

#!/usr/bin/env bash
# Runs the whole Swift test suite under AddressSanitizer (with LeakSanitizer) and under
# ThreadSanitizer, each in its own scratch folder (.build-asan, .build-tsan), and fails on any
# sanitizer report or failing test. Not part of scripts/test.sh: on this 2-core machine each
# sanitizer build takes 5-9 minutes from scratch (about 1 minute incremental) and each test run a
# few minutes more; see docs/sanitizers.md.
#
# Usage:
#   scripts/sanitizers.sh              both
#   scripts/sanitizers.sh address      AddressSanitizer (+ LeakSanitizer) only
#   scripts/sanitizers.sh thread       ThreadSanitizer only
#   scripts/sanitizers.sh ... -- --filter JWTAuthTests     extra arguments for `swift test`
#
# Reports and full logs are kept in $SANITIZER_LOGS (default: a new folder under /tmp).
# ThreadSanitizer runs with scripts/sanitizers/tsan-mutex-shim.c preloaded (Synchronization.Mutex's
# contended path made visible to TSan); suppressions: scripts/sanitizers/*.supp, each entry
# with its reason.
set -uo pipefail
cd "$(dirname "$0")/.."

kinds=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    kinds+=("$1")
    shift
done
[ "${1:-}" = "--" ] && shift
[ ${#kinds[@]} -eq 0 ] && kinds=(address thread)
logs=${SANITIZER_LOGS:-$(mktemp -d /tmp/sanitizers.XXXXXX)}
mkdir -p "$logs"
root=$(pwd)
failed=0

run() {
    local kind=$1
    shift
    local scratch=.build-tsan
    [ "$kind" = address ] && scratch=.build-asan
    local log=$logs/$kind-test.log
    rm -f "$logs/$kind-report".*
    printf '\n==> swift test --sanitize=%s --scratch-path %s (log: %s)\n' "$kind" "$scratch" "$log"
    local started=$SECONDS
    local preload=
    if [ "$kind" = thread ]; then
        # TSan cannot see Synchronization.Mutex's contended slow path; this shim reports its
        # acquire/release to TSan (scripts/sanitizers/tsan-mutex-shim.c, docs/sanitizers.md).
        mkdir -p "$scratch"
        clang -shared -fPIC -O1 -o "$scratch/libtsan-mutex-shim.so" scripts/sanitizers/tsan-mutex-shim.c -ldl || return 1
        preload=$root/$scratch/libtsan-mutex-shim.so
    fi
    if ! swift build --build-tests --sanitize="$kind" --scratch-path "$scratch" >"$log" 2>&1; then
        echo "$kind sanitizer: build failed; see $log"
        failed=1
        return
    fi
    # log_path: the runtime writes each process's reports to <prefix>.<pid>, so reports from the
    # test process are caught even where a test captures or discards standard error.
    ASAN_OPTIONS="detect_leaks=1:halt_on_error=0:log_path=$logs/$kind-report:${ASAN_OPTIONS:-}" \
        LSAN_OPTIONS="suppressions=$root/scripts/sanitizers/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}" \
        TSAN_OPTIONS="suppressions=$root/scripts/sanitizers/tsan.supp:halt_on_error=0:log_path=$logs/$kind-report:${TSAN_OPTIONS:-}" \
        LD_PRELOAD="$preload" swift test --skip-build --sanitize="$kind" --scratch-path "$scratch" "$@" >>"$log" 2>&1
    local status=$?
    local elapsed=$((SECONDS - started))
    grep -E 'Test run with|tests? passed|tests? failed|issues?\)' "$log" | tail -n 3
    if compgen -G "$logs/$kind-report.*" >/dev/null; then
        echo "$kind sanitizer: REPORTS (${elapsed}s):"
        grep -hE '^(WARNING|ERROR|SUMMARY): ' "$logs/$kind-report".* | sort | uniq -c
        echo "full reports: $logs/$kind-report.*"
        failed=1
    elif [ $status -ne 0 ]; then
        echo "$kind sanitizer: swift test failed with exit $status (${elapsed}s); see $log"
        tail -n 30 "$log"
        failed=1
    else
        echo "$kind sanitizer: clean (${elapsed}s)"
    fi
}

for kind in "${kinds[@]}"; do
    case $kind in
    address | thread) run "$kind" "$@" ;;
    *)
        echo "unknown sanitizer '$kind' (address or thread)" >&2
        exit 2
        ;;
    esac
done
exit $failed

#!/usr/bin/env bash
# Leak check: runs secure-upload in local mode under a long mixed load (scripts/leak-load.py:
# sign-in, POST /upload with several tokens, PUT to the local receiver, static files, bad requests,
# keep-alive and closed connections), samples its RSS every few seconds and fails if RSS keeps
# growing after warm-up: more than TOLERANCE_KB (2048) over the second half of the run, by the
# least-squares slope of the samples.
#
# Usage:
#   scripts/leak-check.sh                 release build, 10 minutes
#   MINUTES=30 scripts/leak-check.sh      longer
#   scripts/leak-check.sh --lsan          debug build with AddressSanitizer + LeakSanitizer,
#                                         2 minutes of load, then SIGTERM: fails on any leak
#                                         LeakSanitizer reports at exit (RSS is reported, not judged:
#                                         ASan's quarantine and shadow memory grow on their own)
#
# Environment: MINUTES, WORKERS (4), TOLERANCE_KB (2048), BINARY (skip the build, use this one),
# NEW_TOKEN_EVERY (0: each worker signs in four times and reuses those tokens; N: a new sign-in
# every N rounds, which fills the service's bounded token tables by design, see docs/sanitizers.md).
# Traffic goes to 127.0.0.1 only; the load stops by itself after MINUTES.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=release
if [ "${1:-}" = "--lsan" ]; then mode=lsan; fi
workers=${WORKERS:-4}
new_token_every=${NEW_TOKEN_EVERY:-0}
tolerance=${TOLERANCE_KB:-2048}

if [ "$mode" = release ]; then
    minutes=${MINUTES:-10}
    if [ -z "${BINARY:-}" ]; then
        # The shipped build: the same flags as the footprint tests' build, so the two never share
        # a release folder built two ways (SwiftPM does not rebuild when only flags change).
        echo "==> scripts/build-release.sh" >&2
        BINARY="$(scripts/build-release.sh --quiet | tail -n 1)"
    fi
    echo "==> ${minutes} min of mixed load against $BINARY (RSS tolerance ${tolerance} KB over the second half)" >&2
    exec python3 scripts/leak-load.py --binary "$BINARY" --seconds "$((minutes * 60))" --workers "$workers" \
        --tolerance-kb "$tolerance" --new-token-every "$new_token_every"
fi

# --lsan: Swift's ASan runtime (libclang_rt.asan in the toolchain) includes LeakSanitizer on Linux.
minutes=${MINUTES:-2}
if [ -z "${BINARY:-}" ]; then
    echo "==> swift build --sanitize=address --product secure-upload (scratch .build-asan)" >&2
    swift build --sanitize=address --scratch-path .build-asan --product secure-upload >&2
    BINARY="$(swift build --sanitize=address --scratch-path .build-asan --show-bin-path)/secure-upload"
fi
report=$(mktemp -d /tmp/leak-check-lsan.XXXXXX)
echo "==> ${minutes} min of mixed load against $BINARY under ASan+LSan; reports in $report" >&2
status=0
python3 scripts/leak-load.py --binary "$BINARY" --seconds "$((minutes * 60))" --workers "$workers" \
    --new-token-every "${NEW_TOKEN_EVERY:-5}" --no-rss-check \
    --env "ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:log_path=$report/asan" \
    --env "LSAN_OPTIONS=report_objects=0:max_leaks=20" || status=$?
if compgen -G "$report/asan*" >/dev/null; then
    echo "==> sanitizer reports:" >&2
    cat "$report"/asan* >&2
    echo "leak check: AddressSanitizer/LeakSanitizer reported the above" >&2
    exit 1
fi
if [ "$status" -ne 0 ]; then
    echo "leak check: the load run failed (exit $status)" >&2
    exit "$status"
fi
echo "leak check: no leak reported by LeakSanitizer at exit" >&2

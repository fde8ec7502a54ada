#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/, compiled in only with SECURE_UPLOAD_FUZZ=1) with
# AddressSanitizer and runs each for a while from its seed corpus (Fuzz/Corpus/<target>).
#
#   scripts/fuzz.sh                 10 s per target (what the test command runs)
#   scripts/fuzz.sh 600             10 minutes per target (a real campaign; run by hand)
#   scripts/fuzz.sh 60 FuzzJWTVerifier FuzzS3Query
#
# A crash stops the run with exit 1 and leaves the input in .build-fuzz/artifacts/<target>/;
# add it as a regression test in the owning module's suite and as a seed. New corpus entries found
# during a run stay in .build-fuzz/corpus (not committed). Prints executions per target.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-10}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzHTTPParser FuzzJWTVerifier FuzzUploadRequest FuzzObjectKey FuzzS3Query FuzzHTTPResponse)
configuration="${FUZZ_CONFIGURATION:-release}"
scratch=.build-fuzz

for target in "${targets[@]}"; do
    SECURE_UPLOAD_FUZZ=1 swift build -c "$configuration" --scratch-path "$scratch" \
        -Xswiftc -sanitize=fuzzer,address --product "$target" 2>&1 |
        grep -vE "Cannot export local symbol|^\[[0-9]+/[0-9]+\]" || true
    test -x "$scratch/$configuration/$target" || { echo "fuzz: $target did not build" >&2; exit 1; }
done

status=0
for target in "${targets[@]}"; do
    corpus="$scratch/corpus/$target"
    artifacts="$scratch/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    cp -n Fuzz/Corpus/"$target"/* "$corpus"/ 2>/dev/null || true
    log="$scratch/$target.log"
    if "$scratch/$configuration/$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
        echo "fuzz: $target: ${runs:-?} executions in ${seconds}s (${speed:-?}/s), no crash"
    else
        echo "fuzz: $target FAILED — last lines of $log:" >&2
        grep -E "ERROR|Fatal|precondition|SUMMARY|Test unit written" "$log" | head -20 >&2 || tail -30 "$log" >&2
        status=1
    fi
done
exit $status

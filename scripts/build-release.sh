#!/usr/bin/env bash
# Builds the release binary exactly as the Dockerfile's build stage does (static Swift runtime and
# FoundationEssentials, so the runtime image needs only libc, libstdc++, OpenSSL and zlib; every
# module compiled with one section per function, so that the link Package.swift asks for, by lld
# with packed relocations, can place the functions the server runs together), checks that it has
# no dynamic libswift* dependency, and prints its path on the last line of standard output.
#
# Usage: scripts/build-release.sh            build and print the binary path
#        scripts/build-release.sh --quiet    the same, with the compiler's progress hidden
set -euo pipefail
cd "$(dirname "$0")/.."

build=(swift build -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections --product secure-upload)
if [ "${1:-}" = "--quiet" ]; then
    "${build[@]}" >/tmp/secure-upload-release-build.log 2>&1 || {
        cat /tmp/secure-upload-release-build.log >&2
        exit 1
    }
else
    "${build[@]}" >&2
fi

binary="$(swift build -c release --static-swift-stdlib --show-bin-path)/secure-upload"
[ -x "$binary" ] || { echo "build-release: $binary was not produced" >&2; exit 1; }

if ldd "$binary" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime' >&2; then
    echo "build-release: $binary still links the Swift runtime dynamically (see above)" >&2
    exit 1
fi
echo "$binary"

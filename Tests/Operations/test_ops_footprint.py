"""What the release binary carries into every process: the shared libraries it loads and the
Foundation it links. Idle memory is mostly code pages (docs/performance.md, "Fourth round"):
corelibs Foundation, ICU and libcurl with its TLS, Kerberos, LDAP and SSH libraries were two
thirds of it, and none of them is needed. These tests keep them out."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from ops_support import REPO

# The binary's direct dependencies: libc, the C++ runtime under the Swift runtime, OpenSSL, zlib.
ALLOWED_NEEDED = {
    "libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2", "libstdc++.so.6", "libgcc_s.so.1",
    "libcrypto.so.3", "libssl.so.3", "libz.so.1",
}

# Libraries that only FoundationNetworking's libcurl would bring along.
CURL_CLOSURE = ("libcurl", "libgnutls", "libnghttp2", "libssh", "libldap", "libkrb5", "libgssapi", "librtmp")

# Swift modules' mangling prefixes: corelibs Foundation, its networking and internationalization
# halves. FoundationEssentials ($s20FoundationEssentials) is expected: ArgumentParser uses it.
EXCLUDED_MODULES = {
    "Foundation": "$s10Foundation",
    "FoundationNetworking": "$s20FoundationNetworking",
    "FoundationInternationalization": "$s30FoundationInternationalization",
}


def build_glibc_has_relr() -> bool:
    """Package.swift's condition for its lld link: this machine's glibc is 2.36 or later."""
    name, version = os.confstr("CS_GNU_LIBC_VERSION").split()
    return name == "glibc" and tuple(int(part) for part in version.split(".")[:2]) >= (2, 36)


def test_the_release_binary_loads_only_libc_the_cxx_runtime_openssl_and_zlib(release_binary: Path):
    dynamic = subprocess.run(["readelf", "-d", str(release_binary)], capture_output=True, text=True, check=True)
    direct = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic.stdout))
    assert "libssl.so.3" in direct and "libcrypto.so.3" in direct
    assert direct <= ALLOWED_NEEDED, f"unexpected libraries: {sorted(direct - ALLOWED_NEEDED)}"
    loaded = subprocess.run(["ldd", str(release_binary)], capture_output=True, text=True, check=True).stdout
    assert not [name for name in CURL_CLOSURE if name in loaded], loaded


def test_the_release_binary_links_no_corelibs_foundation_networking_or_icu(release_binary: Path):
    symbols = subprocess.run(
        ["nm", "--defined-only", str(release_binary)], capture_output=True, text=True, check=True
    ).stdout
    names = [line.rsplit(" ", 1)[-1] for line in symbols.splitlines()]
    assert any(name.startswith("$s20FoundationEssentials") for name in names), "the check reads Swift symbols"
    for module, prefix in EXCLUDED_MODULES.items():
        linked = [name for name in names if name.startswith(prefix)]
        assert not linked, f"{module} is linked ({len(linked)} symbols, e.g. {linked[:3]})"
    icu = [name for name in names if re.match(r"_ZN\d*icu_\d+|swift_u(col|cal|dat|num)_", name)]
    assert not icu, f"ICU is linked, e.g. {icu[:3]}"


def test_the_release_binary_packs_its_relative_relocations_where_the_build_glibc_allows(release_binary: Path):
    # Package.swift links release builds with lld and -z pack-relative-relocs when the building
    # machine's glibc is 2.36 or later (DT_RELR needs it at run time): without them the loader reads
    # ~940 KB of RELA entries at every start, and they stay resident.
    packs = build_glibc_has_relr()
    dynamic = subprocess.run(["readelf", "-d", str(release_binary)], capture_output=True, text=True, check=True)
    sections = subprocess.run(["readelf", "-SW", str(release_binary)], capture_output=True, text=True, check=True)
    sizes = dict(re.findall(r"\] (\.rela\.dyn)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)", sections.stdout))
    if packs:
        assert "(RELR)" in dynamic.stdout, "no DT_RELR: the release link lost -z pack-relative-relocs"
        assert int(sizes.get(".rela.dyn", "0"), 16) < 64 * 1024, sizes
    else:
        assert "(RELR)" not in dynamic.stdout, f"DT_RELR in a binary built on {os.confstr('CS_GNU_LIBC_VERSION')}"


def test_the_release_link_places_the_functions_the_server_runs_in_the_recorded_order(release_binary: Path):
    # Package.swift links release builds (with lld, where the build glibc allows) in the order of
    # Sources/secure-upload/Link/symbol-order.txt, so that the ~1 MB of functions start-up and the
    # request path run sit together instead of keeping 7.5 MB of code resident (docs/performance.md,
    # fifth round). Linked in order, consecutive names mostly get increasing addresses (those that
    # share a section with others do not); in the default layout about half do.
    if not build_glibc_has_relr():
        return  # Package.swift keeps the default link on this machine; the test above checks that
    order_file = REPO / "Sources" / "secure-upload" / "Link" / "symbol-order.txt"
    order = [line for line in order_file.read_text().splitlines() if line]
    symbols = subprocess.run(
        ["nm", "--defined-only", str(release_binary)], capture_output=True, text=True, check=True
    ).stdout
    address: dict[str, int] = {}
    for line in symbols.splitlines():
        fields = line.split(" ", 2)
        if len(fields) == 3 and fields[1] in "tTwW":
            address.setdefault(fields[2], int(fields[0], 16))
    placed = [address[symbol] for symbol in order if symbol in address]
    assert len(placed) >= 0.8 * len(order), (
        f"only {len(placed)} of the {len(order)} functions in symbol-order.txt are in the binary: the order "
        "is stale; run scripts/bench/symbol-order.py and build again")
    increasing = sum(1 for a, b in zip(placed, placed[1:]) if b > a) / (len(placed) - 1)
    assert increasing > 0.7, (
        f"{increasing:.2f} of consecutive functions are in order: the order file was not used, or the "
        "modules were compiled without -function-sections (SwiftPM keeps objects when only flags change: "
        "remove .build/release and run scripts/build-release.sh)")
    sections = subprocess.run(["readelf", "-SW", str(release_binary)], capture_output=True, text=True, check=True)
    assert " .text.local " in sections.stdout, "the compiler's local functions were not gathered (local-functions.ld)"

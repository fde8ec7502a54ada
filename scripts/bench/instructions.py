#!/usr/bin/env python3
"""User-space instructions per request of release binaries, counted by callgrind: an A/B measure
that does not move with the machine's load.

Why: on this 2-core machine the same binary's CPU per request under wrk moves by a quarter between
runs (16.5 and 21.2 us for a same-token POST /upload, minutes apart), so a change worth 2% cannot
be seen in load.sh. callgrind counts every instruction the process executes, the same on every run.

How: for each binary and workload, runs the server twice under callgrind with the bench fixtures
(aws mode, JWKS from a file), sends N1 and then N2 requests over one keep-alive connection, and
prints (total(N2) - total(N1)) / (N2 - N1): start-up, the first request's RSA verification and
shutdown cancel out. With --top K it also prints, for the first workload, the K functions whose own
instructions per request differ most between the first two binaries (or the K costliest of one).

  scripts/bench/instructions.py [--top K] [--workloads a,b] BINARY [BINARY...]
      workloads: upload-same-token (default), bad-token, static; set TOKEN_CACHE_SIZE=0 in the
      environment to make every valid token pay an RSA verification.

What it does not see: the kernel (system calls, TCP), waiting, cache misses. And valgrind's CPU has
no SHA extensions, so OpenSSL hashes with its AVX2 code there, at about 50,000 instructions per
same-token request that the real CPU spends far fewer cycles on: compare binaries, not workloads.
Needs valgrind (apt-get install -y valgrind), python3-cryptography, and the bench fixtures (made on
first use by scripts/bench/make-fixtures.py). About a minute per binary and workload.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("symbol_order", HERE / "symbol-order.py")
symbol_order = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(symbol_order)

FIXTURES = symbol_order.FIXTURES
WORKLOADS = ("upload-same-token", "bad-token", "static")
BODY = json.dumps({"filename": "photo 1.jpg", "contentType": "image/jpeg", "size": 1048576}).encode()


def environment() -> dict[str, str]:
    env = symbol_order.fixture_environment()
    env["COGNITO_JWKS_FILE"] = str(FIXTURES / "jwks.json")
    if "TOKEN_CACHE_SIZE" in os.environ:
        env["TOKEN_CACHE_SIZE"] = os.environ["TOKEN_CACHE_SIZE"]
    return env


def drive(port: int, workload: str, count: int) -> None:
    """`count` requests of `workload` over one keep-alive connection, each answered as expected."""
    token = (FIXTURES / "tokens.txt").read_text().split()[0]
    bad = (FIXTURES / "bad-token.txt").read_text().strip()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for _ in range(count):
            if workload == "static":
                connection.request("GET", "/index.html")
                expected = 200
            else:
                chosen = bad if workload == "bad-token" else token
                connection.request("POST", "/upload", body=BODY, headers={
                    "Authorization": f"Bearer {chosen}", "Content-Type": "application/json"})
                expected = 401 if workload == "bad-token" else 200
            response = connection.getresponse()
            response.read()
            if response.status != expected:
                raise SystemExit(f"{workload}: answered {response.status}, expected {expected}")
    finally:
        connection.close()


def totals(profile: Path) -> int:
    """The profile's total instruction count (its `totals:` or `summary:` line)."""
    for line in profile.read_text().splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise SystemExit(f"{profile}: no totals line")


def measure(binary: Path, workload: str, counts: tuple[int, int], work: Path) -> tuple[float, Path, Path]:
    """Instructions per request, and the two profiles."""
    profiles = []
    for count in counts:
        out = work / f"{binary.name}-{workload}-{count}.callgrind"
        server = symbol_order.Server(binary, ["serve"], environment(), out, work / "server.log")
        try:
            drive(server.port, workload, count)
        finally:
            server.stop()
        profiles.append(out)
    low, high = (totals(p) for p in profiles)
    return (high - low) / (counts[1] - counts[0]), profiles[0], profiles[1]


def self_cost(profile: Path) -> collections.Counter[str]:
    """Own instructions per function, every object file (libcrypto and libc included); a function
    without a symbol is named by its address and object file."""
    cost: collections.Counter[str] = collections.Counter()
    for (objects, function), instructions in symbol_order.self_costs(profile).items():
        cost[f"{function} in {Path(objects).name}" if function.startswith("0x") else function] += instructions
    return cost


def per_request(low: Path, high: Path, requests: int) -> dict[str, float]:
    a, b = self_cost(low), self_cost(high)
    return {name: (b[name] - a.get(name, 0)) / requests for name in b}


def demangle(names: list[str]) -> list[str]:
    swift = shutil.which("swift")
    if not swift:
        return names
    result = subprocess.run([swift, "demangle", "--simplified"], input="\n".join(names), capture_output=True,
                            text=True)
    lines = result.stdout.splitlines()
    return lines if result.returncode == 0 and len(lines) == len(names) else names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binaries", nargs="+", type=Path)
    parser.add_argument("--workloads", default="upload-same-token")
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--requests", default="200,1200", help="N1,N2 (default 200,1200)")
    options = parser.parse_args()
    workloads = options.workloads.split(",")
    for workload in workloads:
        if workload not in WORKLOADS:
            raise SystemExit(f"unknown workload {workload}; one of {', '.join(WORKLOADS)}")
    counts = tuple(int(n) for n in options.requests.split(","))
    if len(counts) != 2 or not 0 < counts[0] < counts[1]:
        raise SystemExit("--requests takes N1,N2 with 0 < N1 < N2")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind not found (apt-get install -y valgrind)")
    for binary in options.binaries:
        if not (binary.is_file() and os.access(binary, os.X_OK)):
            raise SystemExit(f"{binary}: no executable there (scripts/build-release.sh prints the release binary's path)")

    work = Path(tempfile.mkdtemp(prefix="instructions-"))
    try:
        plain = []
        for index, binary in enumerate(options.binaries):
            # callgrind reads the symbol table; lld's debug information trips its DWARF reader.
            target = work / f"{index}-{binary.name}"
            subprocess.run(["strip", "--strip-debug", "-o", str(target), str(binary)], check=True)
            plain.append(target)
        print(f"{'workload':<20} " + " ".join(f"{str(b)[-40:]:>40}" for b in options.binaries))
        breakdowns = []
        for workload in workloads:
            row = []
            for binary in plain:
                value, low, high = measure(binary, workload, counts, work)
                row.append(f"{value:>40,.0f}")
                if workload == workloads[0] and options.top and len(breakdowns) < 2:
                    breakdowns.append(per_request(low, high, counts[1] - counts[0]))
            print(f"{workload:<20} " + " ".join(row) + "   instructions/request")
        if breakdowns:
            print()
            if len(breakdowns) == 1:
                rows = sorted(breakdowns[0].items(), key=lambda item: -item[1])[: options.top]
                header, cells = "own instructions/request", [f"{v:>10,.0f}" for _, v in rows]
            else:
                a, b = breakdowns
                names = set(a) | set(b)
                deltas = {name: b.get(name, 0) - a.get(name, 0) for name in names}
                rows = sorted(deltas.items(), key=lambda item: -abs(item[1]))[: options.top]
                header = "second - first binary, own instructions/request"
                cells = [f"{v:>+10,.0f}" for _, v in rows]
            print(f"{workloads[0]}: {header}")
            for cell, name in zip(cells, demangle([name for name, _ in rows])):
                print(f"{cell}  {name[:150]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Call-chain breakdowns of a `perf record -g` profile (Swift names demangled), as % of all samples.

  scripts/bench/chains.py callers PERF_DATA REGEX [DEPTH=3] [TOP=8]
      who calls a hot leaf: samples whose innermost frame matches REGEX, grouped by their
      DEPTH nearest callers (e.g. '^malloc$', 'swift_retain')
  scripts/bench/chains.py callees PERF_DATA REGEX [TOP=15]
      where a function's time goes: samples whose chain contains a frame matching REGEX, grouped
      by the frame it called (its direct callee on the chain, or "(self)")
"""
import collections
import re
import subprocess
import sys


def sample_chains(data: str) -> list[list[str]]:
    """Each sample's frames, innermost first."""
    text = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym", "--no-demangle"],
                          capture_output=True, text=True).stdout
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input=text, capture_output=True,
                               text=True).stdout
    chains = []
    for block in demangled.split("\n\n"):
        frames = [line.strip().split(None, 1) for line in block.strip().split("\n") if line.strip()]
        names = [f[1] if len(f) > 1 else f[0] for f in frames]
        if names:
            chains.append(names)
    return chains


def callers(chains, pattern, depth: int = 3) -> tuple[int, collections.Counter]:
    groups = collections.Counter()
    matched = 0
    for names in chains:
        if pattern.search(names[0]):
            matched += 1
            groups[" < ".join(n[:90] for n in names[1:1 + depth])] += 1
    return matched, groups


def callees(chains, pattern) -> tuple[int, collections.Counter]:
    groups = collections.Counter()
    inside = 0
    for names in chains:
        # Outermost match: the leaf is names[0], callers follow.
        for index in range(len(names) - 1, -1, -1):
            if pattern.search(names[index]):
                inside += 1
                groups[names[index - 1][:110] if index > 0 else "(self)"] += 1
                break
    return inside, groups


def main() -> int:
    if len(sys.argv) < 4 or sys.argv[1] not in ("callers", "callees"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, data, pattern = sys.argv[1], sys.argv[2], re.compile(sys.argv[3])
    extra = [int(value) for value in sys.argv[4:]]
    chains = sample_chains(data)
    total = max(len(chains), 1)
    if mode == "callers":
        depth, top = (extra + [3, 8][len(extra):])[:2]
        matched, groups = callers(chains, pattern, depth)
        print(f"{matched} of {len(chains)} samples ({100 * matched / total:.1f}%) have a leaf matching {pattern.pattern}")
    else:
        top = (extra + [15])[0]
        matched, groups = callees(chains, pattern)
        print(f"{matched} of {len(chains)} samples ({100 * matched / total:.1f}%) are inside {pattern.pattern}")
    for group, count in groups.most_common(top):
        print(f"{100 * count / total:6.2f}%  {group}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Where a function's time goes: for samples whose call chain contains a function matching REGEX,
counts the frame it called (its direct callee on the chain, or "(self)") and prints the top ones
as % of all samples.

  scripts/bench/callees.py PERF_DATA REGEX [TOP=15]
"""
import collections
import re
import subprocess
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    data, pattern = sys.argv[1], re.compile(sys.argv[2])
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    text = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym", "--no-demangle"],
                          capture_output=True, text=True).stdout
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input=text, capture_output=True,
                               text=True).stdout
    total = 0
    inside = 0
    callees = collections.Counter()
    for block in demangled.split("\n\n"):
        frames = [line.strip().split(None, 1) for line in block.strip().split("\n") if line.strip()]
        names = [f[1] if len(f) > 1 else f[0] for f in frames]
        if not names:
            continue
        total += 1
        # Outermost match: the leaf is names[0], callers follow.
        for index in range(len(names) - 1, -1, -1):
            if pattern.search(names[index]):
                inside += 1
                callees[names[index - 1][:110] if index > 0 else "(self)"] += 1
                break
    print(f"{inside} of {total} samples ({100 * inside / max(total, 1):.1f}%) are inside {pattern.pattern}")
    for callee, count in callees.most_common(top):
        print(f"{100 * count / max(total, 1):6.2f}%  {callee}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

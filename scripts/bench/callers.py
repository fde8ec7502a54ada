#!/usr/bin/env python3
"""Who calls a hot leaf: aggregates `perf script` call chains whose innermost frame matches a
regular expression and prints the most common callers (Swift names demangled).

  scripts/bench/callers.py PERF_DATA REGEX [DEPTH=3] [TOP=8]

e.g. scripts/bench/callers.py /tmp/secure-upload-perf.data '^malloc$'
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
    depth = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    text = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym", "--no-demangle"],
                          capture_output=True, text=True).stdout
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input=text, capture_output=True,
                               text=True).stdout
    total = 0
    matched = 0
    callers = collections.Counter()
    for block in demangled.split("\n\n"):
        frames = [line.strip().split(None, 1) for line in block.strip().split("\n") if line.strip()]
        names = [f[1] if len(f) > 1 else f[0] for f in frames]
        if not names:
            continue
        total += 1
        if pattern.search(names[0]):
            matched += 1
            callers[" < ".join(n[:90] for n in names[1:1 + depth])] += 1
    print(f"{matched} of {total} samples ({100 * matched / max(total, 1):.1f}%) have a leaf matching {pattern.pattern}")
    for chain, count in callers.most_common(top):
        print(f"{100 * count / max(total, 1):6.2f}%  {chain}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m benchmarks.fingerprint [N] [--out FILE]``: a digest of the advice.

Every shipped policy on ``N`` generated applications (default 3,000) and on padded
timelines of 5 to 800 events, each advice as canonical JSON, hashed. Run it before and
after a performance change: equal digests mean byte-identical advice on all of them.
With ``--out``, the digest of every single advice is written too, to find a difference.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

from rulebook import Rulebook
from rulebook.load import shipped_policies

from .workload import applications, padded

PADDED = (5, 10, 20, 50, 100, 200, 400, 800)


def digests(n: int) -> dict[str, list[str]]:
    apps = list(applications(n, seed=7)) + [padded(k) for k in PADDED]
    out = {}
    for name in shipped_policies():
        book = Rulebook.load(name)
        out[name] = [hashlib.sha256(book.recommend(t, a).to_json().encode()).hexdigest()
                     for t, a in apps]
        book.close()
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.fingerprint")
    p.add_argument("n", nargs="?", type=int, default=3000)
    p.add_argument("--out")
    args = p.parse_args(argv)
    each = digests(args.n)
    for name, rows in each.items():
        whole = hashlib.sha256("".join(rows).encode()).hexdigest()
        print(f"{name:10} {len(rows):6,} advices  sha256 {whole[:16]}")
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(each, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())

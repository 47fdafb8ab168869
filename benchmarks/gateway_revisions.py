"""The gateway benchmark's headline for this tree and an earlier revision, interleaved.

Run: ``python benchmarks/gateway_revisions.py REV [--rounds 3] [--duration 5]``.

Issue 21's floor is that the added latency and the throughput ratio do not fall from an
earlier measurement; on a shared machine the direct peer itself moves by 10-30 % between
sessions, so an old figure is no yardstick. This script checks the floor in one run: it makes a
throw-away git worktree of ``REV``, and for each round runs ``benchmarks/gateway.py
--model-latency-ms 0`` of the revision and then of this tree (each tree's own script and
sources, each with a fresh home and the same wrk load), and prints the medians and the ratios
this/revision. Needs git and wrk.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIELDS = {
    "added_p50_ms": r"added latency c=1: p50 ([\d.]+) ms",
    "gateway_rps_c64": r"\| gateway c=64 \| [\d.]+ \| [\d.]+ \| (\d+) \|",
    "direct_rps_c64": r"\| direct c=64 \| [\d.]+ \| [\d.]+ \| (\d+) \|",
    "ratio_c64": r"throughput ratio gateway/direct at c=64: ([\d.]+)",
}


@contextmanager
def revision_worktree(rev: str) -> Iterator[Path]:
    """A throw-away detached git worktree of ``rev``, removed again however the block ends."""
    tree = Path(tempfile.mkdtemp(prefix="govloop-rev-")) / "tree"
    made = subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        raise SystemExit(f"revision {rev!r}: {made.stderr.strip().splitlines()[-1]}")
    try:
        yield tree
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False
        )


def run_tree(tree: Path, duration: float) -> dict[str, float]:
    """One headline run of ``tree``'s benchmark with ``tree``'s sources first on the path."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    run = subprocess.run(
        [sys.executable, "benchmarks/gateway.py", "--duration", str(duration)]
        + ["--model-latency-ms", "0"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise SystemExit(f"{tree}: benchmarks/gateway.py failed: {run.stderr.strip()[-500:]}")
    out = run.stdout
    found = {}
    for name, pattern in FIELDS.items():
        m = re.search(pattern, out)
        if m is None:
            raise SystemExit(f"{tree}: no {name} in the benchmark's output:\n{out}")
        found[name] = float(m.group(1))
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rev", help="git revision to compare with (a commit, tag or branch)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    args = ap.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"revision": [], "this tree": []}
    with revision_worktree(args.rev) as old:
        for i in range(args.rounds):
            for label, tree in (("revision", old), ("this tree", ROOT)):
                res = run_tree(tree, args.duration)
                runs[label].append(res)
                print(f"round {i + 1} {label}: " + ", ".join(f"{k} {v:g}" for k, v in res.items()))
    print(f"\n| median of {args.rounds} | {args.rev} | this tree | this/revision |")
    print("|---|---|---|---|")
    for name in FIELDS:
        a = statistics.median(r[name] for r in runs["revision"])
        b = statistics.median(r[name] for r in runs["this tree"])
        print(f"| {name} | {a:g} | {b:g} | {b / a:.3f} |")


if __name__ == "__main__":
    main()

"""Scan benchmark: the local engine vs a plain sequential loop over the same library calls.

Run: ``python benchmarks/scan.py --files 200 --workers 1 2`` (add ``--ray`` when the ``scale``
extra is installed). It generates N files in a temporary home (a quarter small PNGs, an eighth
2-second WAVs, the rest short texts; one in five recorded in the ledger), then times:

* the peer: a plain loop calling the worker function and the driver lookup for one file at a
  time in this process (no pool, no journal, no output file) -- what a user would write by hand;
* ``scan`` with the local process pool at each ``--workers`` (spawn start-up included, JSONL
  output and journal with fsync per batch included);
* with ``--ray``, ``scan`` on a local Ray started with that many CPUs (start-up included).

It prints items per second and the ratio to the loop (above 1: faster than the loop), and the
cost per item at N and 10 N with the local engine, which should stay flat.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from govloop.config import DEMO_PROVIDER_CODE, Settings
from govloop.keys import KeyStore
from govloop.ledger import Ledger
from govloop.scan import (
    Engine,
    LocalEngine,
    Lookup,
    RayEngine,
    WorkerConfig,
    extract_batch,
    read_source,
    scan,
)
from govloop.store import Store
from govloop.trace import record_output
from govloop.watermark.audio import write_audio

WORDS = "the budget library district spring roof reading volunteers committee review".split()


def make_corpus(folder: Path, n: int, ledger: Ledger, rng: random.Random) -> None:
    """``n`` files: every fourth a 64x64 PNG, every eighth (of the rest) a 2 s WAV, the others
    a text of 40 words; 20% recorded."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        if i % 4 == 0:
            img = Image.new("RGB", (64, 64), tuple(rng.randrange(256) for _ in range(3)))
            img.putpixel((i % 64, (i // 64) % 64), (255, 255, 255))
            buf = io.BytesIO()
            img.save(buf, "PNG")
            data, name, media = buf.getvalue(), f"f{i:06d}.png", "image"
        elif i % 8 == 2:
            t = np.arange(32000) / 16000
            tone = sum(np.sin(2 * np.pi * f * t) for f in (220.0 + i, 330.0, 440.0)) / 4
            noisy = tone + np.random.default_rng(i).normal(0, 0.01, t.size)
            data = write_audio(noisy, 16000, filename="a.wav", subtype="PCM_16")
            name, media = f"f{i:06d}.wav", "audio"
        else:
            text = " ".join(rng.choice(WORDS) for _ in range(40)) + f" {i}."
            data, name, media = text.encode(), f"f{i:06d}.txt", "text"
        (folder / name).write_bytes(data)
        if i % 5 == 0:
            record_output(
                ledger, data, media_type=media, model="bench", provider_code=DEMO_PROVIDER_CODE
            )


def time_loop(folder: Path, ledger: Ledger) -> float:
    """Seconds for the hand-written loop over the same calls."""
    start = time.perf_counter()
    config = WorkerConfig.from_keys(ledger.keys)
    lookup = Lookup(ledger)
    for item in read_source(folder):
        lookup.batch(extract_batch([item], config))
    return time.perf_counter() - start


def time_scan(folder: Path, out: Path, ledger: Ledger, engine: Engine) -> float:
    """Seconds for a fresh ``scan`` with ``engine``."""
    start = time.perf_counter()
    scan(folder, out, ledger=ledger, engine=engine, fresh=True, batch_size=16)
    return time.perf_counter() - start


def main() -> None:
    """Generate, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--ray", action="store_true", help="also time the Ray engine")
    parser.add_argument("--growth", action="store_true", help="also time 10x files (local)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        os.environ["GOVLOOP_HOME"] = str(home)
        settings = Settings(home=home, database_url=f"sqlite:///{home / 'govloop.db'}")
        store = Store.open(settings.db_url)
        ledger = Ledger.open(store, KeyStore.open(settings.keys_dir), settings)
        folder = Path(tmp) / "corpus"
        make_corpus(folder, args.files, ledger, random.Random(7))
        n = args.files
        before = time_loop(folder, ledger)
        print(f"files: {n}; cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
        timings: list[tuple[str, float]] = []
        for workers in args.workers:
            t = time_scan(folder, Path(tmp) / "out.jsonl", ledger, LocalEngine(workers))
            timings.append((f"local x{workers}", t))
        if args.ray:
            for workers in args.workers:
                t = time_scan(folder, Path(tmp) / "ray.jsonl", ledger, RayEngine(workers))
                timings.append((f"ray x{workers}", t))
        # The loop runs before and after the engines: on a shared machine the load moves, and
        # the mean of the two brackets it.
        after = time_loop(folder, ledger)
        loop = (before + after) / 2
        print(f"plain loop {n / loop:8.1f} items/s  (before {before:.2f} s, after {after:.2f} s)")
        for name, t in timings:
            print(f"{name:10} {n / t:8.1f} items/s  ratio to loop {loop / t:.2f}  ({t:.2f} s)")
        if args.growth:
            big = Path(tmp) / "corpus10"
            make_corpus(big, 10 * n, ledger, random.Random(8))
            workers = max(args.workers)
            small = time_scan(folder, Path(tmp) / "g1.jsonl", ledger, LocalEngine(workers))
            large = time_scan(big, Path(tmp) / "g10.jsonl", ledger, LocalEngine(workers))
            per_small, per_large = small / n * 1e3, large / (10 * n) * 1e3
            print(f"cost per item    {per_small:.2f} ms at {n}, {per_large:.2f} ms at {10 * n}")
        store.close()


if __name__ == "__main__":
    main()

"""Ledger benchmark: durable batched appends vs plain batched INSERT, proofs and trace latency.

Run: ``python benchmarks/ledger.py --entries 1000000`` (default 100000). Prints ratios and times.
``--tiles-only`` fills the ledger and runs only the tlog-tiles export section: a full export of
the tree, then an incremental one after 1000 more entries, each against a peer that writes the
same bytes to the same paths with plain ``open().write()`` (no temporary name, no rename, no
fsync, no database read, no hashing). The export is measured without fsync (like the peer) and
again with fsync (crash-safe, what the CLI does by default).
The peer is a plain ``executemany`` INSERT of the same entry rows (same columns, same indexes,
same sketch keys) into a copy of the tables in the same SQLite file, one transaction per batch,
with the store's default pragmas (WAL, synchronous=NORMAL). The peer writes the sketch keys
straight into a (key, idx) index, the naive layout; the ledger writes them in entry order to
its sketch tail and merges the tail into its index in sorted batches (design/0003), and
additionally hashes leaves, writes the node cache and locks the state row. A ratio above 1
therefore means the ledger's layout beats the naive one despite the Merkle tree.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from govloop.config import DEMO_PROVIDER_CODE, Settings
from govloop.ids import produce_tag
from govloop.keys import KeyStore
from govloop.ledger import Ledger, LedgerEntry, verify_inclusion_proof
from govloop.ledger._fingerprint import band_keys
from govloop.ledger._tiles_store import export_tiles
from govloop.store import Store
from govloop.trace import DigestSource, FingerprintSource, MetadataSource, trace

BATCH = 1000


def make_entries(start: int, n: int, rng: random.Random) -> list[LedgerEntry]:
    out = []
    for i in range(start, start + n):
        if i % 10 == 0:  # some images: random 64-bit pHashes at 4 scales
            fp = "".join(f"{rng.getrandbits(64):016x}" for _ in range(4))
            media = "image"
        else:
            fp = "".join(f"{rng.getrandbits(32):08x}" for _ in range(16))
            media = "text"
        out.append(
            LedgerEntry(
                produce_id=f"B{i:012d}",
                content_sha256=hashlib.sha256(i.to_bytes(8, "big")).hexdigest(),
                media_type=media,  # type: ignore[arg-type]
                fingerprint=fp,
                model="demo",
                provider_code=DEMO_PROVIDER_CODE,
                created_at="2025-09-01T12:00:00.000Z",
                watermark={"scheme": "kgw", "payload": f"{i:012x}", "bits": 48, "key_id": 1},
            )
        )
    return out


def plain_rows(entries: list[LedgerEntry], base: int) -> tuple[list[dict], list[dict]]:
    rows, sketch = [], []
    for i, e in enumerate(entries):
        rows.append(
            {
                "idx": base + i,
                "produce_id": e.produce_id,
                "content_sha256": e.content_sha256,
                "tag32": produce_tag(e.produce_id, 32),
                "wm_payload": e.watermark_payload,
                "media_type": e.media_type,
                "created_at": e.created_at,
                "leaf": e.canonical_bytes(),
            }
        )
        sketch += [{"key": k, "idx": base + i} for k in band_keys(e.fingerprint)]
    return rows, sketch


def plain_copy(src: Path, dst: Path, paths: list[str]) -> tuple[float, int]:
    """Seconds spent writing ``paths`` (read from ``src``, not timed) under ``dst``; bytes."""
    spent, total, made = 0.0, 0, set()
    for rel in paths:
        data = (src / rel).read_bytes()
        target = dst / rel
        t0 = time.perf_counter()
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        with target.open("wb") as fh:
            fh.write(data)
        spent += time.perf_counter() - t0
        total += len(data)
    return spent, total


def bench_tiles(ledger: Ledger, rng: random.Random) -> None:
    """Export to tlog-tiles (full, then incremental) vs plain writes of the same bytes."""
    ledger.checkpoint()
    root = Path(tempfile.mkdtemp(prefix="govloop-tiles-"))
    t0 = time.perf_counter()
    rep = export_tiles(ledger, root / "export", fsync=False)
    t_export = time.perf_counter() - t0
    t_plain, nbytes = plain_copy(root / "export", root / "plain", rep.written)
    t0 = time.perf_counter()
    rep_sync = export_tiles(ledger, root / "export-fsync", fsync=True)
    t_sync = time.perf_counter() - t0
    assert rep_sync.written == rep.written
    print(f"tlog-tiles export of {rep.new_size} entries: {len(rep.written)} files, {nbytes} bytes")
    print(f"  plain file writes    {t_plain:8.2f} s")
    print(f"  export (no fsync)    {t_export:8.2f} s  ratio export/plain {t_export / t_plain:.2f}")
    print(f"  export (fsync)       {t_sync:8.2f} s  ratio export/plain {t_sync / t_plain:.2f}")
    size = ledger.size()
    ledger.append_many(make_entries(size, BATCH, rng))
    ledger.checkpoint()
    t0 = time.perf_counter()
    inc = export_tiles(ledger, root / "export", fsync=False)
    t_inc = time.perf_counter() - t0
    t_inc_plain, inc_bytes = plain_copy(root / "export", root / "plain", inc.written)
    print(
        f"  incremental after {BATCH} more: {len(inc.written)} files, {inc_bytes} bytes, "
        f"{t_inc * 1e3:.1f} ms vs plain {t_inc_plain * 1e3:.1f} ms "
        f"(ratio {t_inc / t_inc_plain:.2f}); a full re-export would write {nbytes} bytes"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--throughput-entries", type=int, default=20_000)
    ap.add_argument(
        "--tiles-only", action="store_true", help="fill, then only the tlog-tiles export section"
    )
    args = ap.parse_args()
    rng = random.Random(7)
    home = Path(tempfile.mkdtemp(prefix="govloop-bench-"))
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'bench.db'}")
    store = Store.open(settings.db_url)
    ledger = Ledger.open(store, KeyStore.open(settings.keys_dir), settings)

    if args.tiles_only:
        t0 = time.perf_counter()
        for b in range(0, args.entries, BATCH):
            ledger.append_many(make_entries(b, min(BATCH, args.entries - b), rng))
        print(f"filled to {ledger.size()} entries in {time.perf_counter() - t0:.1f} s")
        bench_tiles(ledger, rng)
        return

    # -- append throughput: ledger vs plain INSERT, same rows, same file ----------------------
    n_tp = args.throughput_entries
    with store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE peer_entries AS SELECT * FROM ledger_entries WHERE 0")
        conn.exec_driver_sql("CREATE UNIQUE INDEX peer_pid ON peer_entries(produce_id)")
        for col in ("content_sha256", "tag32", "wm_payload"):
            conn.exec_driver_sql(f"CREATE INDEX peer_{col} ON peer_entries({col})")
        conn.exec_driver_sql(
            "CREATE TABLE peer_sketch (key INTEGER, idx INTEGER, PRIMARY KEY (key, idx))"
            " WITHOUT ROWID"
        )
    peer_e = sa.table(
        "peer_entries",
        *(
            sa.column(c)
            for c in (
                "idx",
                "produce_id",
                "content_sha256",
                "tag32",
                "wm_payload",
                "media_type",
                "created_at",
                "leaf",
            )
        ),
    )
    peer_s = sa.table("peer_sketch", sa.column("key"), sa.column("idx"))
    batches = [make_entries(b, BATCH, rng) for b in range(0, n_tp, BATCH)]
    t_plain = t_ledger = 0.0
    for k, batch in enumerate(batches):  # interleaved, so both see the same file growth
        t0 = time.perf_counter()
        rows, sketch = plain_rows(batch, k * BATCH)
        with store.engine.begin() as conn:
            conn.execute(sa.insert(peer_e), rows)
            conn.execute(sa.insert(peer_s), sketch)
        t_plain += time.perf_counter() - t0
        t0 = time.perf_counter()
        ledger.append_many(batch)
        t_ledger += time.perf_counter() - t0
    print(f"append throughput ({n_tp} entries, batches of {BATCH}):")
    print(f"  plain INSERT   {n_tp / t_plain:10.0f} entries/s")
    print(f"  ledger durable {n_tp / t_ledger:10.0f} entries/s")
    print(f"  ratio ledger/plain = {t_plain / t_ledger:.2f}  (floor 0.5)")

    # -- fill to N entries ----------------------------------------------------------------------
    t0 = time.perf_counter()
    for b in range(n_tp, args.entries, BATCH):
        ledger.append_many(make_entries(b, min(BATCH, args.entries - b), rng))
    print(f"filled to {ledger.size()} entries in {time.perf_counter() - t0:.1f} s")
    cp = ledger.checkpoint()
    verifiers = ledger.verifiers()

    # -- proofs -------------------------------------------------------------------------------
    gen, ver = [], []
    for _ in range(200):
        i = rng.randrange(cp.tree_size)
        t0 = time.perf_counter()
        proof = ledger.inclusion_proof(i, cp.tree_size)
        gen.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        verify_inclusion_proof(proof, cp.note, verifiers)
        ver.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    ledger.consistency_proof(cp.tree_size // 3, cp.tree_size)
    t_cons = time.perf_counter() - t0
    print(f"proofs at {cp.tree_size} entries:")
    print(
        f"  inclusion generate median {statistics.median(gen) * 1e3:.2f} ms, "
        f"verify (incl. signature) median {statistics.median(ver) * 1e3:.2f} ms"
    )
    print(f"  consistency generate {t_cons * 1e3:.2f} ms")

    # -- trace latency ----------------------------------------------------------------------------
    from PIL import Image, ImageFilter

    noise = Image.effect_noise((320, 240), 80).filter(ImageFilter.GaussianBlur(12))
    img = Image.merge("RGB", (noise, noise.rotate(90, expand=False), noise.transpose(0)))
    import io

    buf = io.BytesIO()
    img.save(buf, "PNG")
    png = buf.getvalue()
    text = (
        b"The committee met on Tuesday to review the quarterly budget and agreed that "
        b"the new library should open in spring."
    )
    from govloop.trace import record_output

    i_img = record_output(
        ledger, png, media_type="image", model="demo", provider_code=DEMO_PROVIDER_CODE
    ).index
    i_txt = record_output(
        ledger, text, media_type="text", model="demo", provider_code=DEMO_PROVIDER_CODE
    ).index
    ledger.checkpoint()
    jbuf = io.BytesIO()
    img.save(jbuf, "JPEG", quality=70)
    cases = {
        "digest (exact image)": (png, "x.png", i_img),
        "fingerprint (JPEG q70)": (jbuf.getvalue(), "x.jpg", i_img),
        "fingerprint (text edited)": (text.replace(b"Tuesday", b"Monday"), "", i_txt),
    }
    print(f"trace latency at {ledger.size()} entries:")
    ledger_sources = [DigestSource(), MetadataSource(), FingerprintSource()]
    for name, (data, fname, want) in cases.items():
        for label, sources in (("ledger paths", ledger_sources), ("all sources", None)):
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                rep = trace(data, filename=fname, ledger=ledger, sources=sources)
                times.append(time.perf_counter() - t0)
            ok = bool(rep.candidates) and rep.candidates[0].index == want
            print(
                f"  {name:26s} {label:12s} median {statistics.median(times) * 1e3:7.1f} ms"
                f"  found={ok}"
            )
    t0 = time.perf_counter()
    report = ledger.verify()
    print(f"full verify: ok={report.ok} in {time.perf_counter() - t0:.1f} s")
    bench_tiles(ledger, rng)


if __name__ == "__main__":
    main()

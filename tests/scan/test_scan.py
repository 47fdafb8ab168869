"""Bulk scan: one row per file with labels, signatures, watermark and trace; resumable."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.scan.conftest import PAYLOAD, Corpus

from govloop.errors import InputError
from govloop.ledger import Ledger
from govloop.scan import (
    COLUMNS,
    LocalEngine,
    WorkerConfig,
    extract_batch,
    journal_path,
    read_source,
    scan,
)


class InlineEngine:
    """Runs the worker function in this process, remembering every path it was given."""

    name = "inline"
    workers = 1

    def __init__(self) -> None:
        self.seen: list[str] = []

    def run(self, batches: Iterable[Any], config: WorkerConfig) -> Iterator[list[dict[str, Any]]]:
        for batch in batches:
            self.seen += [item.path for item in batch]
            yield extract_batch(batch, config)


def _rows(path: Path) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    by_name = {Path(r["path"]).name: r for r in rows}
    assert len(by_name) == len(rows), "an item appears twice"
    return by_name


@pytest.mark.db
def test_each_file_gets_its_evidence_and_trace(
    corpus: Corpus, ledger: Ledger, tmp_path: Path
) -> None:
    out = tmp_path / "results.jsonl"
    progress: list[tuple[int, int]] = []
    summary = scan(
        corpus.folder,
        out,
        ledger=ledger,
        engine=InlineEngine(),
        batch_size=2,
        progress=lambda done, total: progress.append((done, total)),
    )
    rows = _rows(out)
    assert set(rows) == {
        "traced.txt",
        "marked.png",
        "edited.jpg",
        "labelled.png",
        "labelled.txt",
        "tampered.txt",
        "plain.txt",
        "speech.wav",
        "edited.mp3",
        "clean.wav",
        "corrupt.png",
        "corrupt.wav",
        "gone.png",
    }
    assert all(list(r) == list(COLUMNS) for r in rows.values())

    traced = rows["traced.txt"]
    assert traced["status"] == "ok" and traced["traced"] is True
    assert traced["ledger_index"] == corpus.traced_index and traced["proof_verified"] is True
    assert "digest" in traced["trace_evidence"].split(",")
    assert traced["model"] == "demo-model" and traced["filing_id"] == corpus.filing_id
    assert traced["implicit_label"] is False and traced["watermark_detected"] is False

    marked = rows["marked.png"]
    assert marked["watermark_detected"] is True
    assert marked["watermark_payload"] == f"{PAYLOAD:012x}"
    assert marked["watermark_p_value"] < 1e-6
    assert marked["ledger_index"] == corpus.watermarked_index and marked["proof_verified"]
    assert {"digest", "watermark"} <= set(marked["trace_evidence"].split(","))

    edited = rows["edited.jpg"]
    assert edited["watermark_payload"] == f"{PAYLOAD:012x}"  # survives the crop and JPEG
    assert edited["traced"] is True and edited["ledger_index"] == corpus.watermarked_index
    assert "fingerprint" in edited["trace_evidence"].split(",") and edited["proof_verified"]

    labelled = rows["labelled.png"]
    assert labelled["implicit_label"] is True and labelled["signature_ok"] is True
    assert labelled["producer_signature"] == "valid" and labelled["produce_id"]
    assert labelled["explicit_label"] is None  # images: no explicit-label finder, not searched
    note = rows["labelled.txt"]
    assert note["implicit_label"] is True and note["signature_ok"] is True
    assert note["explicit_label"] is True
    assert labelled["traced"] is False and labelled["ledger_index"] is None

    tampered = rows["tampered.txt"]  # edited after signing: the label stays, its signature fails
    assert tampered["implicit_label"] is True and tampered["signature_ok"] is False
    assert tampered["producer_signature"] == "invalid" and tampered["traced"] is False

    speech = rows["speech.wav"]
    assert speech["media_type"] == "audio" and speech["format"] == "wav"
    assert speech["implicit_label"] is True and speech["signature_ok"] is True
    assert speech["watermark_detected"] is True and speech["watermark_bits"] == 32
    assert speech["watermark_payload"] == corpus.audio_payload
    assert speech["ledger_index"] == corpus.audio_index and speech["proof_verified"] is True
    assert {"digest", "metadata", "watermark"} <= set(speech["trace_evidence"].split(","))
    assert speech["model"] == "demo-speech" and speech["filing_id"] == corpus.filing_id
    edited_audio = rows["edited.mp3"]  # trimmed, quieter, MP3: the label is gone, the mark is not
    assert edited_audio["implicit_label"] is False
    assert edited_audio["watermark_payload"] == corpus.audio_payload
    assert edited_audio["ledger_index"] == corpus.audio_index
    assert edited_audio["trace_evidence"] == "watermark" and edited_audio["proof_verified"]
    clean = rows["clean.wav"]
    assert clean["status"] == "ok" and clean["watermark_detected"] is False
    assert clean["watermark_p_value"] > 1e-3 and clean["traced"] is False
    assert rows["corrupt.wav"]["error_reason"] == "decode_error"
    assert "corrupt.wav" in rows["corrupt.wav"]["error_detail"]

    plain = rows["plain.txt"]
    assert plain["status"] == "ok" and plain["traced"] is False
    assert plain["implicit_label"] is False and plain["watermark_detected"] is False

    assert rows["corrupt.png"]["status"] == "error"
    assert rows["corrupt.png"]["error_reason"] == "decode_error"
    assert "corrupt.png" in rows["corrupt.png"]["error_detail"]
    assert rows["gone.png"]["error_reason"] == "unreadable"
    assert rows["gone.png"]["traced"] is None

    assert summary.scanned == 13 and summary.resumed == 0
    assert summary.labelled == 4 and summary.signature_ok == 3 and summary.signature_failed == 1
    assert summary.watermarked == 4 and summary.traced == 5 and summary.explicit == 2
    assert summary.errors == {"decode_error": 2, "unreadable": 1}
    assert progress[0] == (0, 13) and progress[-1] == (13, 13)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


@pytest.mark.db
def test_a_stopped_scan_resumes_without_redoing_items(
    corpus: Corpus, ledger: Ledger, tmp_path: Path
) -> None:
    out = tmp_path / "results.jsonl"
    first = InlineEngine()
    part = scan(corpus.folder, out, ledger=ledger, engine=first, batch_size=2, limit=4)
    assert part.scanned == 4 and len(first.seen) == 4
    # The crash left a torn line at the end of the journal and a stale output.
    with journal_path(out).open("a", encoding="utf-8") as handle:
        handle.write('{"path": "/half-writ')
    out.write_text("garbage\n")
    second = InlineEngine()
    summary = scan(corpus.folder, out, ledger=ledger, engine=second, batch_size=2)
    assert len(second.seen) == 9 and not set(first.seen) & set(second.seen)
    assert summary.scanned == 13 and summary.resumed == 4
    assert len(_rows(out)) == 13
    third = InlineEngine()
    again = scan(corpus.folder, out, ledger=ledger, engine=third)
    assert third.seen == [] and again.resumed == 13 and len(_rows(out)) == 13
    fresh = InlineEngine()
    scan(corpus.folder, out, ledger=ledger, engine=fresh, fresh=True)
    assert len(fresh.seen) == 13


@pytest.mark.db
def test_an_existing_output_without_journal_is_not_overwritten(
    corpus: Corpus, ledger: Ledger, tmp_path: Path
) -> None:
    out = tmp_path / "results.jsonl"
    out.write_text("precious\n")
    with pytest.raises(InputError, match="no scan journal.*--force"):
        scan(corpus.folder, out, ledger=ledger, engine=InlineEngine())
    assert out.read_text() == "precious\n"


@pytest.mark.db
def test_local_process_pool_gives_the_same_rows_as_in_process(
    corpus: Corpus, ledger: Ledger, tmp_path: Path
) -> None:
    scan(corpus.folder, tmp_path / "a.jsonl", ledger=ledger, engine=InlineEngine())
    scan(corpus.folder, tmp_path / "b.jsonl", ledger=ledger, engine=LocalEngine(2), batch_size=2)
    assert _rows(tmp_path / "a.jsonl") == _rows(tmp_path / "b.jsonl")


def test_workers_need_no_database(corpus: Corpus, keys: Any) -> None:
    """Evidence extraction is pure: from the key material alone, no store, no ledger."""
    items = read_source(corpus.folder)
    rows = extract_batch(items, WorkerConfig.from_keys(keys))
    assert [r["path"] for r in rows] == [i.path for i in items]
    assert all("traced" not in r for r in rows)
    by_name = {Path(r["path"]).name: r for r in rows}
    assert by_name["marked.png"]["watermark_payload"] == f"{PAYLOAD:012x}"


class CrashingEngine(InlineEngine):
    """Dies (as on Ctrl-C) after handing back ``after`` batches."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after

    def run(self, batches: Iterable[Any], config: WorkerConfig) -> Iterator[list[dict[str, Any]]]:
        for n, rows in enumerate(super().run(batches, config)):
            if n == self.after:
                raise KeyboardInterrupt
            yield rows


@pytest.mark.db
def test_an_interrupted_scan_keeps_its_finished_batches(
    corpus: Corpus, ledger: Ledger, tmp_path: Path
) -> None:
    out = tmp_path / "results.jsonl"
    with pytest.raises(KeyboardInterrupt):
        scan(corpus.folder, out, ledger=ledger, engine=CrashingEngine(after=2), batch_size=2)
    assert len(_rows(out)) == 4  # the two finished batches reached the output
    rest = InlineEngine()
    summary = scan(corpus.folder, out, ledger=ledger, engine=rest, batch_size=2)
    assert summary.resumed == 4 and len(rest.seen) == 9 and len(_rows(out)) == 13


@pytest.mark.db
def test_a_journal_belongs_to_one_source(corpus: Corpus, ledger: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    scan(corpus.folder, out, ledger=ledger, engine=InlineEngine(), limit=1)
    listing = tmp_path / "list.txt"
    listing.write_text(str(corpus.folder / "plain.txt") + "\n")
    with pytest.raises(InputError, match=r"results\.jsonl\.journal: journal of another scan"):
        scan(listing, out, ledger=ledger, engine=InlineEngine())


def test_unknown_binary_is_a_typed_row_not_a_crash(tmp_path: Path, keys: Any) -> None:
    (tmp_path / "blob.bin").write_bytes(b"\x00\xff\xfe\x81 not any format")
    (tmp_path / "empty.png").write_bytes(b"")
    rows = extract_batch(read_source(tmp_path), WorkerConfig.from_keys(keys))
    by_name = {Path(r["path"]).name: r for r in rows}
    assert by_name["blob.bin"]["error_reason"] == "not_a_supported_format"
    assert "blob.bin" in by_name["blob.bin"]["error_detail"]
    assert by_name["blob.bin"]["sha256"]  # what the file is is still reported
    assert by_name["empty.png"]["error_reason"] == "decode_error"  # named .png, no PNG inside


@pytest.mark.db
def test_an_output_in_a_missing_folder_is_named(
    corpus: Corpus, ledger: Ledger, tmp_path: Path
) -> None:
    out = tmp_path / "no-such-dir" / "results.jsonl"
    with pytest.raises(InputError, match=r"no-such-dir/results\.jsonl\.journal: cannot write"):
        scan(corpus.folder, out, ledger=ledger, engine=InlineEngine())

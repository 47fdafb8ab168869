"""Parquet results, the command line, and the Ray engine giving the same rows as local."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.scan.conftest import Corpus, require_scale
from typer.testing import CliRunner

from govloop.cli.main import build_app
from govloop.ledger import Ledger
from govloop.scan import COLUMNS, LocalEngine, RayEngine, journal_path, scan


def _jsonl(path: Path) -> dict[str, dict[str, object]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {str(r["path"]): r for r in rows}


@pytest.mark.db
def test_parquet_holds_the_same_rows_as_jsonl(
    corpus: Corpus, ledger: Ledger, tmp_path: Path
) -> None:
    require_scale("pyarrow")
    import pyarrow.parquet as pq

    engine = LocalEngine(1)
    scan(corpus.folder, tmp_path / "r.jsonl", ledger=ledger, engine=engine, batch_size=3)
    out = tmp_path / "r.parquet"
    scan(corpus.folder, out, ledger=ledger, engine=engine, fmt="parquet", batch_size=3, limit=5)
    summary = scan(corpus.folder, out, ledger=ledger, engine=engine, fmt="parquet")
    assert summary.resumed == 5 and summary.scanned == 13
    table = pq.read_table(out)
    assert table.column_names == list(COLUMNS)
    assert {r["path"]: r for r in table.to_pylist()} == _jsonl(tmp_path / "r.jsonl")


@pytest.mark.db
def test_cli_scans_prints_the_summary_and_resumes(
    corpus: Corpus, cli: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    args = ["scan", str(corpus.folder), "-o", str(out), "--workers", "1"]
    first = cli.invoke(build_app(), [*args, "--limit", "2", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["scanned"] == 2
    res = cli.invoke(build_app(), args)
    assert res.exit_code == 0, res.output
    assert "scan summary" in res.stdout and "traced to the ledger" in res.stdout
    assert "error: decode_error" in res.stdout and "error: unreadable" in res.stdout
    assert len(_jsonl(out)) == 13 and journal_path(out).is_file()
    again = cli.invoke(build_app(), [*args, "--json"])
    summary = json.loads(again.stdout)
    assert summary["resumed"] == 13 and summary["traced"] == 5
    assert summary["errors"] == {"decode_error": 2, "unreadable": 1}


@pytest.mark.db
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["MISSING"], "MISSING: scan source not found"),
        (["--format", "csv"], "--format must be jsonl or parquet, not 'csv'"),
        (["--engine", "spark"], "unknown engine 'spark': choose local or ray"),
        (["--workers", "0"], "--workers must be at least 1"),
        (["--address", "ray://x:1"], "--address is for --engine ray only"),
    ],
)
def test_cli_errors_are_one_line_with_exit_1(
    corpus: Corpus, cli: CliRunner, tmp_path: Path, extra: list[str], message: str
) -> None:
    source = str(tmp_path / "MISSING") if extra == ["MISSING"] else str(corpus.folder)
    flags = [] if extra == ["MISSING"] else extra
    res = cli.invoke(build_app(), ["scan", source, "-o", str(tmp_path / "o.jsonl"), *flags])
    assert res.exit_code == 1, res.output
    assert message in res.output and "Traceback" not in res.output


@pytest.mark.db
def test_cli_keeps_an_output_it_did_not_write(
    corpus: Corpus, cli: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "mine.jsonl"
    out.write_text("keep me\n")
    res = cli.invoke(build_app(), ["scan", str(corpus.folder), "-o", str(out)])
    assert res.exit_code == 1 and "no scan journal" in res.output
    assert out.read_text() == "keep me\n"
    res = cli.invoke(build_app(), ["scan", str(corpus.folder), "-o", str(out), "--force"])
    assert res.exit_code == 0 and len(_jsonl(out)) == 13


@pytest.mark.db
def test_ray_gives_the_same_rows_as_local(corpus: Corpus, ledger: Ledger, tmp_path: Path) -> None:
    ray = require_scale("ray")
    scan(corpus.folder, tmp_path / "local.jsonl", ledger=ledger, engine=LocalEngine(1))
    engine = RayEngine(1)  # starts a local Ray with one CPU and no dashboard, and stops it
    scan(corpus.folder, tmp_path / "ray.jsonl", ledger=ledger, engine=engine, batch_size=3)
    assert not ray.is_initialized()
    assert _jsonl(tmp_path / "ray.jsonl") == _jsonl(tmp_path / "local.jsonl")

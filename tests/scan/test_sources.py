"""Scan sources: folders, lists of paths or file:// URLs, JSONL and Parquet manifests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.scan.conftest import require_scale

from govloop.errors import InputError
from govloop.scan import read_source


def _files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "data"
    (folder / "deep" / "er").mkdir(parents=True)
    paths = [folder / "a.txt", folder / "deep" / "b.txt", folder / "deep" / "er" / "c 文件.txt"]
    for p in paths:
        p.write_text(p.name)
    (folder / ".hidden").write_text("skipped")
    return paths


def test_a_folder_is_read_recursively_in_order(tmp_path: Path) -> None:
    paths = _files(tmp_path)
    items = read_source(tmp_path / "data")
    assert [i.path for i in items] == sorted(str(p) for p in paths)


def test_a_list_takes_relative_paths_and_file_urls(tmp_path: Path) -> None:
    paths = _files(tmp_path)
    listing = tmp_path / "list.txt"
    listing.write_text(
        f"# uploads of the day\ndata/a.txt\n\n{paths[1]}\n{paths[2].as_uri()}\n", encoding="utf-8"
    )
    assert [i.path for i in read_source(listing)] == [str(p) for p in paths]


def test_a_list_refuses_remote_urls_naming_the_line(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("a.txt\nhttps://example.com/x.png\n")
    with pytest.raises(InputError, match=r"list\.txt:2: only local files"):
        read_source(listing)


def test_jsonl_manifest_needs_a_path_field(tmp_path: Path) -> None:
    paths = _files(tmp_path)
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("\n".join(json.dumps({"path": str(p), "id": 1}) for p in paths) + "\n")
    assert [i.path for i in read_source(manifest)] == [str(p) for p in paths]
    manifest.write_text(json.dumps({"path": "x"}) + "\n" + json.dumps({"file": "y"}) + "\n")
    with pytest.raises(InputError, match=r"m\.jsonl:2: manifest record has no 'path' field"):
        read_source(manifest)
    manifest.write_text("{not json\n")
    with pytest.raises(InputError, match=r"m\.jsonl:1: not a JSON object"):
        read_source(manifest)


def test_parquet_manifest_needs_a_path_column(tmp_path: Path) -> None:
    pa = require_scale("pyarrow")
    import pyarrow.parquet as pq

    paths = _files(tmp_path)
    manifest = tmp_path / "m.parquet"
    pq.write_table(pa.table({"path": ["data/a.txt", str(paths[1])], "n": [1, 2]}), manifest)
    assert [i.path for i in read_source(manifest)] == [str(paths[0]), str(paths[1])]
    pq.write_table(pa.table({"file": ["a"]}), manifest)
    with pytest.raises(
        InputError, match=r"m\.parquet: manifest has no 'path' column \(columns: file"
    ):
        read_source(manifest)
    manifest.write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match=r"m\.parquet: not a readable Parquet file"):
        read_source(manifest)


def test_a_missing_source_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nowhere: scan source not found"):
        read_source(tmp_path / "nowhere")

"""The ``govloop label`` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from label_assets import ASSETS, PLATFORM
from typer.testing import CliRunner

from govloop.cli.main import build_app
from govloop.label import read_implicit_label


@pytest.fixture
def app():  # type: ignore[no-untyped-def]
    return build_app()


def test_label_file_shortcut_then_check_and_propagate(
    cli: CliRunner,
    app,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    src = ASSETS / "sample.jpg"
    out = tmp_path / "out.jpg"
    before = src.read_bytes()
    res = cli.invoke(app, ["label", str(src), "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    assert src.read_bytes() == before  # input untouched
    outcome = json.loads(res.output)
    assert outcome["explicit"] == "added" and outcome["label"]["ContentProducer"]

    res = cli.invoke(app, ["label", "check", str(out), "--json"])
    report = json.loads(res.output)
    assert report["producer_signature"]["status"] == "valid" and report["decision"] == "1"

    prop = tmp_path / "prop.jpg"
    res = cli.invoke(
        app, ["label", "propagate", str(out), "-o", str(prop), "--platform", PLATFORM, "--json"]
    )
    assert res.exit_code == 0, res.output
    label = read_implicit_label(prop.read_bytes(), filename="prop.jpg")
    assert label is not None and label.ContentPropagator == PLATFORM
    assert label.ProduceID == outcome["label"]["ProduceID"]


def test_apply_subcommand_text_no_explicit_and_in_place(
    cli: CliRunner,
    app,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    doc = tmp_path / "a.md"
    doc.write_text("---\ntitle: t\n---\nbody\n", encoding="utf-8")
    res = cli.invoke(app, ["label", "apply", str(doc), "--in-place", "--no-explicit"])
    assert res.exit_code == 0, res.output
    text = doc.read_text(encoding="utf-8")
    assert "title: t" in text and "AIGC:" in text and text.endswith("---\nbody\n")


def test_errors_are_one_line_with_exit_1(cli: CliRunner, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = cli.invoke(app, ["label", str(ASSETS / "sample.png")])
    assert res.exit_code == 1 and "--in-place" in res.output
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    res = cli.invoke(app, ["label", "check", str(bad)])
    assert res.exit_code == 1 and "bad.png" in res.output and "Traceback" not in res.output
    res = cli.invoke(
        app,
        ["label", str(ASSETS / "sample.png"), "-o", str(tmp_path / "x.png"), "--producer", "BAD"],
    )
    assert res.exit_code == 1 and "27 characters" in res.output


def test_batch_check_and_propagate_a_folder(cli: CliRunner, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("sample.png", "sample.wav", "sample.txt"):
        res = cli.invoke(
            app, ["label", str(ASSETS / name), "-o", str(folder / name), "--no-explicit"]
        )
        assert res.exit_code == 0, res.output
    (folder / "plain.md").write_text("nothing here\n", encoding="utf-8")
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    res = cli.invoke(app, ["label", "check", str(folder)])
    assert res.exit_code == 0, res.output
    assert "5 files: 3 with implicit labels" in res.output and "1 errors" in res.output
    res = cli.invoke(
        app,
        [
            "label",
            "propagate",
            str(folder),
            "-o",
            str(tmp_path / "out"),
            "--platform",
            PLATFORM,
            "--json",
        ],
    )
    rows = json.loads(res.output)
    assert sum(1 for r in rows if r.get("written")) == 3
    assert any("error" in r for r in rows)

"""``govloop generate`` and the text branch of ``watermark detect`` (detect_text_file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from govloop.cli.main import build_app
from govloop.cli.watermark_text import detect_text_file, model_spec, register_text
from govloop.errors import FormatError, InputError
from govloop.ids import produce_tag
from govloop.keys import KeyStore


def app_with_generate() -> typer.Typer:
    app = build_app()
    if not any(c.name == "generate" for c in app.registered_commands):
        register_text(app)
    return app


def test_generate_then_detect(cli: CliRunner, tmp_path: Path, keys: KeyStore) -> None:
    out = tmp_path / "answer.txt"
    res = cli.invoke(
        app_with_generate(),
        ["generate", "--prompt", "请写一段关于河流的文字", "-o", str(out), "--seed", "3", "--json"],
    )
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    wm = report["watermark"]
    assert wm["scheme"] == "gumbel" and wm["bits"] == 24
    assert int(wm["payload"], 16) == produce_tag(report["produce_id"], 24)
    result = detect_text_file(out, keys=keys)
    assert result.detected and result.payload == int(wm["payload"], 16)
    assert result.to_json()["payload"] == wm["payload"]


def test_generate_kgw_plain_output(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "a.txt"
    res = cli.invoke(
        app_with_generate(),
        ["generate", "-p", "the river", "-o", str(out), "--scheme", "kgw", "--max-tokens", "50"],
    )
    assert res.exit_code == 0, res.output
    assert "kgw payload" in res.output and out.read_text(encoding="utf-8")


def test_generate_errors_are_one_line(cli: CliRunner, tmp_path: Path) -> None:
    res = cli.invoke(
        app_with_generate(),
        ["generate", "-p", "x", "-o", str(tmp_path / "a.txt"), "--model", str(tmp_path / "none")],
    )
    assert res.exit_code == 1 and "not a local directory" in " ".join(res.output.split())
    res = cli.invoke(
        app_with_generate(), ["generate", "-p", "x", "-o", str(tmp_path / "a"), "--scheme", "zz"]
    )
    assert res.exit_code == 1 and "scheme 'zz'" in " ".join(res.output.split())


def test_detect_text_file_errors(tmp_path: Path, keys: KeyStore) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00abc")
    with pytest.raises(FormatError, match="not UTF-8"):
        detect_text_file(bad, keys=keys)
    with pytest.raises(InputError, match="file not found"):
        detect_text_file(tmp_path / "missing.txt", keys=keys)
    plain = tmp_path / "plain.txt"
    plain.write_text("An ordinary sentence written by a person. " * 5, encoding="utf-8")
    assert not detect_text_file(plain, keys=keys).detected


def test_model_spec() -> None:
    assert model_spec(None) == "demo"
    assert model_spec("demo:zh") == "demo:zh"
    assert model_spec("/models/qwen") == "hf:/models/qwen"

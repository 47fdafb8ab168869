"""Every command that writes a file refuses to replace an existing one unless ``--force`` (#14).

Each case runs a command against an output path that already holds a user's file: without
``--force`` the command exits 1 with a message naming the file and the file is untouched; with
``--force`` the file is replaced by the command's output.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image
from typer.testing import CliRunner

from govloop._files import write_output
from govloop.cli.main import build_app
from govloop.errors import InputError

TESTS = Path(__file__).resolve().parents[1]
LABEL_ASSETS = TESTS / "assets" / "label"
CHATBOT = TESTS / "assets" / "filings" / "realistic" / "cn-public-chatbot.yaml"
PLATFORM = "001191440300MA5G49LC9K2PLAT"
OLD = b"the user's own file, not to be lost\n"


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.syspath_prepend(str(TESTS))


def _png(tmp: Path) -> Path:
    rng = np.random.default_rng(1)
    path = tmp / "in.png"
    Image.fromarray(rng.integers(0, 255, (256, 256, 3), dtype=np.uint8)).save(path)
    return path


def _wav(tmp: Path) -> Path:
    t = np.arange(16000 * 6) / 16000
    x = 0.3 * np.sin(2 * np.pi * 440 * t)
    buf = io.BytesIO()
    sf.write(buf, x, 16000, format="WAV")
    path = tmp / "in.wav"
    path.write_bytes(buf.getvalue())
    return path


def _filing(cli: CliRunner) -> str:
    res = cli.invoke(build_app(), ["model", "register", str(CHATBOT), "--json", "--actor", "a"])
    assert res.exit_code == 0, res.output
    return str(json.loads(res.stdout[res.stdout.index("{") :])["id"])


def _run_id(cli: CliRunner) -> str:
    args = ["assess", "run", "python:assess.fakes:echo", "--json"]
    args += ["--limit-generated", "20", "--limit-refuse", "10", "--limit-answer", "10"]
    res = cli.invoke(build_app(), args)
    assert res.exit_code == 0, res.output
    return str(json.loads(res.stdout[res.stdout.index("{") :])["run"]["run_id"])


Command = Callable[[CliRunner, Path, Path], list[str]]


def _label_apply(cli: CliRunner, tmp: Path, out: Path) -> list[str]:
    return ["label", "apply", str(LABEL_ASSETS / "sample.txt"), "-o", str(out)]


def _label_propagate(cli: CliRunner, tmp: Path, out: Path) -> list[str]:
    src = LABEL_ASSETS / "sample.txt"
    return ["label", "propagate", str(src), "-o", str(out), "--platform", PLATFORM]


def _model_export(cli: CliRunner, tmp: Path, out: Path) -> list[str]:
    return ["model", "export", _filing(cli), "-o", str(out)]


def _paperwork(cli: CliRunner, tmp: Path, out: Path) -> list[str]:
    return ["export", _filing(cli), "--form", "cac-form", "-o", str(out)]


def _assess_report(cli: CliRunner, tmp: Path, out: Path) -> list[str]:
    return ["assess", "report", _run_id(cli), "--format", "json", "-o", str(out)]


def _embed_image(cli: CliRunner, tmp: Path, out: Path) -> list[str]:
    return ["watermark", "embed", str(_png(tmp)), "-o", str(out)]


def _embed_audio(cli: CliRunner, tmp: Path, out: Path) -> list[str]:
    return ["watermark", "embed", str(_wav(tmp)), "-o", str(out)]


def _generate(cli: CliRunner, tmp: Path, out: Path) -> list[str]:
    return ["generate", "-p", "the river", "-o", str(out), "--max-tokens", "20", "--no-record"]


CASES: dict[str, tuple[Command, str]] = {
    "label apply": (_label_apply, "out.txt"),
    "label propagate": (_label_propagate, "prop.txt"),
    "model export": (_model_export, "card.md"),
    "export (paperwork)": (_paperwork, "form.docx"),
    "assess report": (_assess_report, "report.json"),
    "watermark embed image": (_embed_image, "marked.png"),
    "watermark embed audio": (_embed_audio, "marked.wav"),
    "generate (text watermark)": (_generate, "answer.txt"),
}


def _app():  # type: ignore[no-untyped-def]
    app = build_app()
    if not any(c.name == "generate" for c in app.registered_commands):
        from govloop.cli.watermark_text import register as register_text

        register_text(app)
    return app


@pytest.mark.parametrize("name", list(CASES))
def test_existing_output_needs_force(cli: CliRunner, tmp_path: Path, name: str) -> None:
    make, filename = CASES[name]
    out = tmp_path / filename
    out.write_bytes(OLD)
    args = make(cli, tmp_path, out)
    refused = cli.invoke(_app(), args)
    assert refused.exit_code == 1, refused.output
    assert "already exists" in refused.output and "--force" in refused.output
    assert str(out) in refused.output.replace("\n", "")
    assert out.read_bytes() == OLD
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    forced = cli.invoke(_app(), [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert out.read_bytes() != OLD and out.stat().st_size > 0


def test_a_new_output_needs_no_force(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "fresh.txt"
    res = cli.invoke(_app(), _label_apply(cli, tmp_path, out))
    assert res.exit_code == 0, res.output
    assert out.is_file()


def test_force_never_replaces_the_input(cli: CliRunner, tmp_path: Path) -> None:
    src = _png(tmp_path)
    before = src.read_bytes()
    res = cli.invoke(_app(), ["watermark", "embed", str(src), "-o", str(src), "--force"])
    assert res.exit_code == 1
    assert "output is the input" in res.output
    assert src.read_bytes() == before


def test_propagate_folder_refuses_existing_files_one_by_one(cli: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "b.txt"):
        (src / name).write_bytes((LABEL_ASSETS / "sample.txt").read_bytes())
    dst = tmp_path / "out"
    dst.mkdir()
    (dst / "a.txt").write_bytes(OLD)
    args = ["label", "propagate", str(src), "-o", str(dst), "--platform", PLATFORM, "--json"]
    res = cli.invoke(_app(), args)
    rows = json.loads(res.stdout)
    by_name = {Path(r["file"]).name: r for r in rows}
    assert "already exists" in by_name["a.txt"]["error"]
    assert (dst / "a.txt").read_bytes() == OLD
    assert (dst / "b.txt").is_file()


def test_write_output_loses_the_race_safely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file created after the check but before the link is still not replaced."""
    import govloop._files as files

    out = tmp_path / "raced.txt"
    real = files.check_output

    def check_then_someone_writes(path: Path, **kw: object) -> None:
        real(path, **kw)  # type: ignore[arg-type]
        path.write_bytes(OLD)

    monkeypatch.setattr(files, "check_output", check_then_someone_writes)
    with pytest.raises(InputError, match="already exists"):
        write_output(out, b"new")
    assert out.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["raced.txt"]

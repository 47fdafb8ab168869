"""Regression tests for bugs QA found in the gateway config loader and `watermark embed`.

``load_gateway_config`` reads YAML with ``yaml.safe_load`` and TOML with ``tomllib`` but only
catches their syntax errors: a hostile file raises ``RecursionError`` or ``ValueError``, which
``govloop gateway serve --config FILE`` shows as ``internal error`` (exit 70). Fix in
``gateway/_config.py::_parse``: also catch ``(ValueError, TypeError, AttributeError,
RecursionError)`` (or read YAML with ``govloop.registry.parse_text``), then drop these marks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from govloop.cli.main import build_app
from govloop.errors import GovloopError
from govloop.gateway import load_gateway_config

HOSTILE = {
    "deep.yaml": "a: " + "[" * 5000,
    "bigint.yaml": "gateway:\n  port: " + "9" * 5000 + "\n",
    "badint.yaml": "gateway:\n  port: !!int x\n",
    "baddate.yaml": "a: 2024-13-45\n",
    "deep.toml": "a = " + "[" * 5000 + "\n",
    "bigint.toml": "port = " + "9" * 5000 + "\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_gateway_config_is_a_project_error(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(HOSTILE[name], encoding="utf-8")
    with pytest.raises(GovloopError, match=name):
        load_gateway_config(path)


def test_gateway_serve_with_deep_config_is_a_clear_error(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text(HOSTILE["deep.yaml"], encoding="utf-8")
    result = cli.invoke(build_app(), ["gateway", "serve", "--config", str(path), "--port", "1"])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output


# -- cli/watermark.py (also owned by others right now) -----------------------------------------
@pytest.mark.parametrize("kind", ["image", "audio"])
def test_watermark_embed_output_folder_is_a_clear_error(
    cli: CliRunner, tmp_path: Path, kind: str
) -> None:
    import io
    import wave

    import numpy as np
    from PIL import Image

    if kind == "image":
        src = tmp_path / "图.png"
        pixels = np.random.default_rng(1).integers(0, 255, (256, 256, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(src)
    else:
        src = tmp_path / "声.wav"
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            noise = np.random.default_rng(1).integers(-3000, 3000, 16000 * 3, dtype=np.int16)
            w.writeframes(noise.tobytes())
        src.write_bytes(buf.getvalue())
    out = tmp_path / "out"
    out.mkdir()
    result = cli.invoke(build_app(), ["watermark", "embed", str(src), "-o", str(out)])
    assert "internal error" not in result.output, result.output
    assert result.exit_code == 1, result.output

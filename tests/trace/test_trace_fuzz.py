"""``trace`` on broken media: a report or a typed error naming the file, never another exception.

Pillow, libsndfile and FFmpeg raise many exception classes on bad bytes (``SyntaxError: broken
PNG file``, ``struct.error``, ``zlib.error``, ``EOFError`` ...); before #14 one of them reached
the CLI as an internal error (exit 70). The seeds are real files (the label samples) and a PNG
whose image data is split over two IDAT chunks, so mutations reach Pillow's chunk reader.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from typer.testing import CliRunner

from govloop.cli.main import build_app
from govloop.config import DEMO_PROVIDER_CODE, Settings
from govloop.errors import FormatError, GovloopError
from govloop.keys import KeyStore
from govloop.ledger import Ledger
from govloop.store import Store
from govloop.trace import ProvenanceReport, record_output, trace

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "label"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def two_idat_png() -> bytes:
    """A valid 64x64 PNG whose image data is in two IDAT chunks."""
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(buf, "PNG")
    png = buf.getvalue()
    at = png.index(b"IDAT") - 4
    size = struct.unpack(">I", png[at : at + 4])[0]
    body = png[at + 8 : at + 8 + size]
    half = size // 2
    idat = _chunk(b"IDAT", body[:half]) + _chunk(b"IDAT", body[half:])
    return png[:at] + idat + png[at + 12 + size :]


def broken_png() -> bytes:
    """The second IDAT chunk's type is not a chunk type: Pillow raises SyntaxError in load()."""
    png = two_idat_png()
    second = png.index(b"IDAT", png.index(b"IDAT") + 4)
    return png[:second] + b"\x01\x02\x03\x04" + png[second + 4 :]


def _jpeg() -> bytes:
    rng = np.random.default_rng(1)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (48, 48, 3), dtype=np.uint8)).save(buf, "JPEG")
    return buf.getvalue()


SEEDS: dict[str, bytes] = {
    "sample.png": (ASSETS / "sample.png").read_bytes(),
    "two-idat.png": two_idat_png(),
    "sample.jpg": (ASSETS / "sample.jpg").read_bytes(),
    "noise.jpg": _jpeg(),
    "sample.wav": (ASSETS / "sample.wav").read_bytes(),
    "sample.mp3": (ASSETS / "sample.mp3").read_bytes(),
}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    home = tmp_path_factory.mktemp("trace-fuzz")
    cfg = Settings(home=home, database_url=f"sqlite:///{home / 'govloop.db'}")
    store = Store.open(cfg.db_url)
    led = Ledger.open(store, KeyStore.open(cfg.keys_dir), cfg)
    for name, data in SEEDS.items():  # the originals are recorded, so digests can match
        media = "audio" if name.endswith((".wav", ".mp3")) else "image"
        record_output(led, data, media_type=media, model="demo", provider_code=DEMO_PROVIDER_CODE)
    try:
        yield led
    finally:
        store.close()


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "ff", "truncate"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=32))
        elif kind == "ff":
            data[pos : pos + 4] = b"\xff\xff\xff\xff"
        else:
            del data[max(8, pos) :]
    return name, bytes(data)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=mutated())
def test_trace_on_mutated_media_gives_a_report_or_a_typed_error(
    ledger: Ledger, case: tuple[str, bytes]
) -> None:
    name, data = case
    try:
        report = trace(data, filename=name, ledger=ledger)
    except FormatError as exc:
        assert name in str(exc)
        return
    except GovloopError:
        return
    assert isinstance(report, ProvenanceReport)
    for run in report.sources:
        assert run.status in ("ran", "unavailable", "error")


def test_the_broken_png_is_what_pillow_calls_a_syntax_error() -> None:
    """The seed really exercises the SyntaxError path, so the CLI test below means something."""
    img = Image.open(io.BytesIO(broken_png()))
    with pytest.raises(SyntaxError, match="broken PNG file"):
        img.load()


def test_cli_trace_of_a_corrupt_png_is_exit_1_naming_the_file(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    path = tmp_path / "corrupt.png"
    path.write_bytes(broken_png())
    res = cli.invoke(build_app(), ["trace", str(path)])
    assert res.exit_code == 1, res.output
    assert "internal error" not in res.output
    assert "corrupt.png: not a decodable image (SyntaxError" in res.output


def test_a_recorded_corrupt_file_is_still_found_by_its_digest(ledger: Ledger) -> None:
    """A broken file that is in the ledger is traced; the decoders' failure is reported."""
    data = broken_png()
    with pytest.raises(FormatError, match="not a decodable image"):  # recording checks it
        record_output(
            ledger, data, media_type="image", model="demo", provider_code=DEMO_PROVIDER_CODE
        )
    index = record_output(
        ledger, data, media_type="other", model="demo", provider_code=DEMO_PROVIDER_CODE
    ).index
    report = trace(data, filename="kept.png", ledger=ledger)
    assert report.candidates and report.candidates[0].index == index
    errors = [r for r in report.sources if r.status == "error"]
    assert errors and all("kept.png" in (r.detail or "") for r in errors)

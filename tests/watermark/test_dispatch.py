from __future__ import annotations

import io
import json

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from govloop.errors import FormatError
from govloop.watermark import WatermarkKey, WatermarkResult, detect_payload, sniff_media
from govloop.watermark._result import payload_hex

KEY = WatermarkKey(bytes(range(32)))


def _png(img) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.asarray(img)).save(buf, "PNG")
    return buf.getvalue()


def test_sniffing():
    assert sniff_media(b"\x89PNG\r\n\x1a\nxxxx") == "image"
    assert sniff_media(b"\xff\xd8\xff\xe0") == "image"
    assert sniff_media(b"RIFF\x00\x00\x00\x00WAVEfmt ") == "audio"
    assert sniff_media(b"fLaC\x00") == "audio"
    assert sniff_media(b"ID3\x04") == "audio"
    assert sniff_media("你好 hello".encode()) == "text"
    assert sniff_media(b"\x00\x9f\x92\x96") is None
    assert sniff_media(b"\x00\x01", "a.wav") == "audio"


def test_result_json_contract():
    res = WatermarkResult(True, 1e-9, 0xABC, 48, "s", 7, {"z": 9.0})
    out = res.to_json()
    assert out["payload"] == "000000000abc" and out["detected"] is True and out["z"] == 9.0
    json.dumps(out)
    assert payload_hex(None, 32) is None


def test_dispatch_image_and_audio():
    import skimage.data as data

    from govloop.watermark.audio import embed_audio
    from govloop.watermark.image import embed_image

    marked = embed_image(data.chelsea(), key=KEY, payload=0xABCDEF)
    res = detect_payload(_png(marked), filename="a.png", key=KEY)
    assert res is not None and res.detected and res.payload == 0xABCDEF

    rng = np.random.default_rng(0)
    t = np.arange(16000 * 8) / 16000
    x = 0.3 * np.sin(2 * np.pi * 440 * t) * (1 + 0.5 * np.sin(t)) + 0.05 * rng.normal(size=t.size)
    buf = io.BytesIO()
    sf.write(buf, embed_audio(x, 16000, key=KEY, payload=77), 16000, format="WAV")
    res = detect_payload(buf.getvalue(), filename="a.wav", key=KEY)
    assert res is not None and res.detected and res.payload == 77


def test_dispatch_text_delegates():
    res = detect_payload(
        b"plain human text, nothing marked here at all.", filename="a.txt", key=KEY
    )
    assert res is not None and not res.detected


def test_dispatch_unknown_and_broken():
    assert detect_payload(b"\x00\xff\x00\xfe" * 10, filename="blob.bin", key=KEY) is None
    with pytest.raises(FormatError):
        detect_payload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, filename="x.png", key=KEY)


@pytest.mark.parametrize("payload", [None, "0x00000000beef"])
def test_cli_embed_and_detect_image(tmp_path, home, payload):
    import skimage.data as data
    from typer.testing import CliRunner

    from govloop.cli.main import build_app

    src = tmp_path / "cat.png"
    Image.fromarray(data.chelsea()).save(src)
    out = tmp_path / "cat_wm.png"
    args = ["watermark", "embed", str(src), "-o", str(out), "--json"]
    if payload:
        args += ["--payload", payload]
    runner = CliRunner()
    r = runner.invoke(build_app(), args)
    assert r.exit_code == 0, r.output
    info = json.loads(r.output)
    r = runner.invoke(build_app(), ["watermark", "detect", str(out), "--json"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert got["detected"] is True and got["payload"] == info["payload"]
    if payload is None:
        assert int(info["payload"], 16) >> 32 == got["key_id"]


def test_cli_detect_corrupted_file(tmp_path, home):
    from typer.testing import CliRunner

    from govloop.cli.main import build_app

    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    r = CliRunner().invoke(build_app(), ["watermark", "detect", str(bad)])
    assert r.exit_code == 1
    assert "bad.png" in r.output

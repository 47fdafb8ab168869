"""Explicit labels: text rules, the 5 % glyph height in images and video, audio prompts."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
import pytest
from label_assets import PRODUCER, asset
from PIL import Image

from govloop.errors import ConfigError, InputError
from govloop.keys import SigningKey
from govloop.label import (
    add_explicit_audio_label,
    add_explicit_image_label,
    add_explicit_text_label,
    has_explicit_text_label,
    label_bytes,
    read_implicit_label,
    rhythm_prompt,
)


@pytest.mark.parametrize("language", ["zh", "en", "zh-en"])
@pytest.mark.parametrize("position", ["start", "end", "middle"])
def test_text_label_has_ai_and_generation_elements(language: str, position: str) -> None:
    body = "第一段。\n\n第二段。\n\n第三段。\n\n第四段。"
    out = add_explicit_text_label(body, position=position, language=language)
    assert has_explicit_text_label(out) and not has_explicit_text_label(body)
    lines = [line for line in out.splitlines() if line]
    index = {"start": 0, "end": len(lines) - 1, "middle": 2}[position]
    assert lines[index].startswith("[")


def test_custom_wording_must_name_ai_and_generation() -> None:
    assert "AI合成" in add_explicit_text_label("x", wording="AI合成内容")
    with pytest.raises(InputError, match="AI element"):
        add_explicit_text_label("x", wording="machine text")


@pytest.mark.parametrize("size", [(640, 480), (300, 1200), (120, 90), (1920, 200)])
@pytest.mark.parametrize("grey", [20, 235])
def test_image_label_glyphs_are_at_least_5_percent_of_shortest_side(
    size: tuple[int, int], grey: int
) -> None:
    img = Image.new("RGB", size, (grey, grey, grey))
    out = np.asarray(add_explicit_image_label(img, corner="top-left"))
    white = (out >= 250).all(axis=-1)  # glyph fill is pure white on any background
    rows = np.flatnonzero(white.any(axis=1))
    assert rows.size, "no label drawn"
    assert rows.max() - rows.min() + 1 >= 0.05 * min(size)
    assert rows.max() < size[1] / 2  # top corner


def test_image_label_keeps_mode_and_size() -> None:
    img = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    out = add_explicit_image_label(img, corner="bottom-right")
    assert out.mode == "RGBA" and out.size == (200, 100)
    with pytest.raises(InputError, match="corner"):
        add_explicit_image_label(img, corner="middle")


def test_missing_cjk_font_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    from govloop.label import _explicit

    _explicit.find_cjk_font.cache_clear()
    monkeypatch.setattr(_explicit, "_FONT_PATHS", ())
    monkeypatch.setattr(_explicit, "SHIPPED_FONT", _explicit.Path("/nonexistent/font.otf"))
    monkeypatch.setattr(_explicit.shutil, "which", lambda _name: None)
    try:
        with pytest.raises(ConfigError, match="fonts-noto-cjk"):
            add_explicit_image_label(Image.new("RGB", (100, 100)))
    finally:
        _explicit.find_cjk_font.cache_clear()


def test_rhythm_prompt_is_short_long_short_short() -> None:
    rate = 8000
    prompt = rhythm_prompt(rate)
    loud = np.abs(prompt) > 0.05
    # lengths of the tone runs, merging the zero crossings inside a tone
    runs, count, quiet = [], 0, 0
    for v in loud:
        if v:
            count, quiet = count + 1, 0
        else:
            quiet += 1
            if quiet > rate * 0.02 and count:
                runs.append(count)
                count = 0
    assert len(runs) == 4
    short, long_ = min(runs), max(runs)
    assert [r > (short + long_) / 2 for r in runs] == [False, True, False, False]


def test_audio_label_at_start_and_end_keeps_channels() -> None:
    audio = np.zeros((1000, 2), dtype=np.float32)
    out = add_explicit_audio_label(audio, 8000, position="both")
    n = len(rhythm_prompt(8000))
    assert out.shape == (1000 + 2 * n, 2)
    assert np.abs(out[:n]).max() > 0.3 and np.abs(out[-n:]).max() > 0.3


def test_spoken_prompt_with_espeak(signer: SigningKey) -> None:
    out, outcome = label_bytes(
        asset("sample.wav"),
        filename="a.wav",
        producer_code=PRODUCER,
        signer=signer,
        options=None,
    )
    import soundfile as sf

    samples, rate = sf.read(io.BytesIO(out))
    assert len(samples) > 4000 and outcome.explicit == "added"
    assert read_implicit_label(out, filename="a.wav") is not None
    from govloop.label import spoken_prompt

    speech = spoken_prompt(16000, language="zh")
    assert len(speech) > 16000 * 0.5 and np.abs(speech).max() > 0.05


@pytest.mark.parametrize("name", ["sample.jpg", "sample-xmp.jpg", "sample.png", "sample.webp"])
def test_label_bytes_image_keeps_existing_xmp_and_signs(name: str, signer: SigningKey) -> None:
    out, outcome = label_bytes(asset(name), filename=name, producer_code=PRODUCER, signer=signer)
    assert outcome.explicit == "added"
    if "xmp" in name:
        assert b"Sample title" in out
    with Image.open(io.BytesIO(out)) as img:
        assert img.size == (64, 48)


def test_video_label_on_the_first_two_seconds_and_audio_kept(
    tmp_path: Path, signer: SigningKey
) -> None:
    src = tmp_path / "v.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=gray:size=160x120:rate=10",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=8000",
            "-t",
            "4",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            str(src),
        ],
        check=True,
    )
    out, outcome = label_bytes(
        src.read_bytes(), filename="v.mp4", producer_code=PRODUCER, signer=signer
    )
    assert outcome.explicit == "added"
    dst = tmp_path / "out.mp4"
    dst.write_bytes(out)

    def frame(t: float) -> np.ndarray:
        raw = subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-ss",
                str(t),
                "-i",
                str(dst),
                "-frames:v",
                "1",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "gray",
                "-",
            ],
            capture_output=True,
            check=True,
        ).stdout
        return np.frombuffer(raw, np.uint8).reshape(120, 160)

    for t in (0.2, 1.9):
        rows = np.flatnonzero((frame(t) > 230).any(axis=1))
        assert rows.size and rows.max() - rows.min() + 1 >= 0.05 * 120
    assert not (frame(3.5) > 230).any()
    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "stream=codec_type",
            "-of",
            "csv=p=0",
            str(dst),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert sorted(probe) == ["audio", "video"]
    assert read_implicit_label(out, filename="v.mp4") is not None

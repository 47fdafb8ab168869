"""Labels written by other tools (exiftool, ffmpeg) are read by govloop."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from govloop.label import read_implicit_label

LABEL = {
    "Label": "1",
    "ContentProducer": "001191440300708461136T1XGW3",
    "ProduceID": "interop-1",
    "ReservedCode1": "",
    "ContentPropagator": "",
    "PropagateID": "",
    "ReservedCode2": "",
}
TC260_CONFIG = """%Image::ExifTool::UserDefined = (
    'Image::ExifTool::XMP::Main' => {
        TC260 => { SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::TC260' } },
    },
);
%Image::ExifTool::UserDefined::TC260 = (
    GROUPS => { 0 => 'XMP', 1 => 'XMP-TC260', 2 => 'Image' },
    NAMESPACE => { 'TC260' => 'http://www.tc260.org.cn/ns/AIGC/1.0/' },
    WRITABLE => 'string',
    AIGC => { },
);
1;
"""


def _json() -> str:
    return json.dumps(LABEL, separators=(",", ":"))


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=60)


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".tif"])
def test_exiftool_written_xmp_is_read(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"photo{suffix}"
    pixels = np.random.default_rng(0).integers(0, 255, (48, 64, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    config = tmp_path / "tc260.config"
    config.write_text(TC260_CONFIG, encoding="utf-8")
    _run(
        "exiftool",
        "-config",
        str(config),
        "-overwrite_original",
        f"-XMP-TC260:AIGC={_json()}",
        str(path),
    )
    label = read_implicit_label(path.read_bytes(), filename=path.name)
    assert label is not None and label.as_dict() == LABEL


@pytest.mark.parametrize(
    ("suffix", "extra"), [(".mp4", ["-movflags", "use_metadata_tags"]), (".mkv", [])]
)
def test_ffmpeg_written_video_tag_is_read(tmp_path: Path, suffix: str, extra: list[str]) -> None:
    src = tmp_path / "src.mp4"
    _run(
        "ffmpeg",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        "testsrc=duration=1:size=64x64:rate=10",
        "-c:v",
        "mpeg4",
        str(src),
    )
    out = tmp_path / f"out{suffix}"
    _run(
        "ffmpeg",
        "-loglevel",
        "error",
        "-y",
        "-i",
        str(src),
        "-metadata",
        f"AIGC={_json()}",
        *extra,
        "-c",
        "copy",
        str(out),
    )
    label = read_implicit_label(out.read_bytes(), filename=out.name)
    assert label is not None and label.as_dict() == LABEL


def test_ffmpeg_written_mp3_txxx_is_read(tmp_path: Path) -> None:
    out = tmp_path / "tone.mp3"
    _run(
        "ffmpeg",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        "sine=duration=1",
        "-metadata",
        f"AIGC={_json()}",
        str(out),
    )
    label = read_implicit_label(out.read_bytes(), filename=out.name)
    assert label is not None and label.as_dict() == LABEL

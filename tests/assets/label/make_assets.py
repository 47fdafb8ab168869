# ruff: noqa: E501  (literal OOXML parts are clearer on one line)
"""Regenerate the small sample files used by tests/label (run from this folder).

Needs Pillow, numpy, soundfile, pypdf and the ffmpeg program; every file is tiny and synthetic.
"""

from __future__ import annotations

import io
import subprocess
import zipfile

import numpy as np
import soundfile as sf
from PIL import Image


def image() -> Image.Image:
    y, x = np.mgrid[0:48, 0:64]
    rgb = np.stack([x * 4, y * 5, (x + y) * 2], axis=-1).astype(np.uint8)
    return Image.fromarray(rgb, "RGB")


def main() -> None:
    img = image()
    img.save("sample.jpg", quality=80)
    img.save("sample.png")
    img.save("sample.webp", quality=70)
    img.save("sample-lossless.webp", lossless=True)
    img.save("sample.tif")
    grey = (np.arange(48 * 64).reshape(48, 64) * 20).astype(np.uint16)
    Image.fromarray(grey).convert("I;16B").save("sample-be.tif")  # big-endian (MM) TIFF
    rate = 8000
    t = np.arange(rate // 2) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    sf.write("sample.wav", tone, rate, subtype="PCM_16")
    ff = ["ffmpeg", "-v", "error", "-y"]
    subprocess.run(
        [
            *ff,
            "-i",
            "sample.wav",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "32k",
            "-metadata",
            "title=sample",
            "sample.mp3",
        ],
        check=True,
    )
    src = [
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=96x64:rate=10",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=8000",
        "-t",
        "1",
    ]
    subprocess.run(
        [
            *ff,
            *src,
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-metadata",
            "title=sample",
            "-movflags",
            "+faststart",
            "sample.mp4",
        ],
        check=True,
    )
    subprocess.run(
        [
            *ff,
            *src,
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "sample-moov-last.mov",
        ],
        check=True,
    )
    subprocess.run(
        [
            *ff,
            *src,
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-metadata",
            "title=sample",
            "sample.mkv",
        ],
        check=True,
    )
    subprocess.run(
        [*ff, *src, "-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus", "sample.webm"],
        check=True,
    )
    pdf = io.BytesIO()
    img.save(pdf, "PDF", title="sample")
    open("sample.pdf", "wb").write(pdf.getvalue())
    with zipfile.ZipFile("sample.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                "</Types>"
            ),
        )
        z.writestr(
            "_rels/.rels",
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                "</Relationships>"
            ),
        )
        z.writestr(
            "word/document.xml",
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                "<w:body><w:p><w:r><w:t>Hello 你好</w:t></w:r></w:p></w:body></w:document>"
            ),
        )
    open("sample.md", "w", encoding="utf-8").write(
        "---\ntitle: 示例\ntags: [a, b]\n---\n# 标题\n\n正文 body text.\n"
    )
    open("sample.txt", "w", encoding="utf-8").write("Plain text 纯文本.\n")
    for ext in ("jpg", "png"):  # files that already carry XMP (and EXIF) to merge into
        subprocess.run(
            [
                "exiftool",
                "-q",
                "-XMP-dc:Title=Sample title",
                "-EXIF:Artist=Sample artist",
                "-o",
                f"sample-xmp.{ext}",
                f"sample.{ext}",
            ],
            check=True,
        )


if __name__ == "__main__":
    main()

"""Implicit labels: every format round-trips, keeps other metadata, other tools read it."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from label_assets import PRODUCER, SAMPLES, asset

from govloop.errors import FormatError
from govloop.label import (
    AIGC_FIELDS,
    AIGCLabel,
    build_xmp,
    content_digest,
    find_format,
    read_implicit_label,
    read_xmp_label,
    write_implicit_label,
)

LABEL = AIGCLabel(
    Label="1", ContentProducer=PRODUCER, ProduceID="01TESTPRODUCEID", ReservedCode1="x"
)


def test_aigc_json_has_seven_fields_in_standard_order() -> None:
    obj = json.loads(LABEL.to_json())
    assert (
        tuple(obj)
        == AIGC_FIELDS
        == (
            "Label",
            "ContentProducer",
            "ProduceID",
            "ReservedCode1",
            "ContentPropagator",
            "PropagateID",
            "ReservedCode2",
        )
    )
    assert AIGCLabel.from_json(LABEL.to_json()) == LABEL
    assert " " not in LABEL.to_json()


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{"Label":1}', "must be a string"),
        ('{"Label":"7"}', "Label"),
        ("[1]", "JSON object"),
        ('{"Label":"1","Extra":"x"}', "unknown AIGC field"),
        ('{"ContentProducer":"x"}', "no 'Label'"),
        ("{not json", "not valid JSON"),
    ],
)
def test_aigc_json_with_wrong_shape_is_a_format_error(text: str, match: str) -> None:
    with pytest.raises(FormatError, match=match):
        AIGCLabel.from_json(text)


@pytest.mark.parametrize("name", SAMPLES)
def test_every_format_round_trips_and_keeps_its_digest(name: str) -> None:
    data = asset(name)
    assert read_implicit_label(data, filename=name) is None or name.startswith("sample-xmp")
    once = write_implicit_label(data, LABEL, filename=name)
    assert read_implicit_label(once, filename=name) == LABEL
    propagated = LABEL.replace(ContentPropagator="P", PropagateID="Q", ReservedCode2="R")
    twice = write_implicit_label(once, propagated, filename=name)
    assert read_implicit_label(twice, filename=name) == propagated
    digest = content_digest(data, filename=name)
    assert content_digest(once, filename=name) == digest == content_digest(twice, filename=name)


@pytest.mark.parametrize("name", [n for n in SAMPLES if n.split(".")[-1] in ("jpg", "png", "webp")])
def test_sniffing_by_magic_needs_no_file_name(name: str) -> None:
    data = write_implicit_label(asset(name), LABEL)
    assert read_implicit_label(data) == LABEL


def test_xmp_merge_keeps_existing_properties_and_namespaces() -> None:
    existing = build_xmp(LABEL)
    merged = build_xmp(LABEL.replace(ProduceID="OTHER"), existing)
    assert merged.count(b"TC260:AIGC>") == 2  # one element: open and close tag
    assert read_xmp_label(merged).ProduceID == "OTHER"  # type: ignore[union-attr]


def test_xmp_with_doctype_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>'
    )
    with pytest.raises(FormatError, match="DOCTYPE"):
        read_xmp_label(bomb)


@pytest.mark.parametrize(
    ("data", "name", "match"),
    [
        (b"\xff\xd8\xff\xe1\xff\xff", "a.jpg", "bad length"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", "a.png", "past the end"),
        (b"RIFF\xff\x00\x00\x00WEBPVP8 ", "a.webp", "truncated"),
        (b"hello", "a.xyz", "unsupported"),
        (b"\xff\xfe\x00bad", "a.md", "UTF-8"),
        (b"---\nAIGC: {Label: 1}\n---\nbody", "a.md", "must be a string"),
    ],
)
def test_broken_files_get_clear_errors(data: bytes, name: str, match: str) -> None:
    with pytest.raises(FormatError, match=match) as info:
        read_implicit_label(data, filename=name)
    assert name in str(info.value) or "unsupported" in match


def test_markdown_front_matter_keys_are_kept() -> None:
    out = write_implicit_label(asset("sample.md"), LABEL, filename="x.md").decode()
    assert out.startswith("---\ntitle: 示例\ntags: [a, b]\nAIGC:\n")
    assert out.endswith("---\n# 标题\n\n正文 body text.\n")


def test_plain_text_gets_front_matter() -> None:
    out = write_implicit_label(b"hello\n", LABEL, filename="x.txt")
    assert out.startswith(b'---\nAIGC:\n  Label: "1"\n') and out.endswith(b"---\nhello\n")


def test_ooxml_keeps_parts_and_adds_override_and_relationship() -> None:
    import zipfile

    out = write_implicit_label(asset("sample.docx"), LABEL, filename="x.docx")
    with (
        zipfile.ZipFile(io.BytesIO(out)) as zf,
        zipfile.ZipFile(io.BytesIO(asset("sample.docx"))) as orig,
    ):
        assert zf.read("word/document.xml") == orig.read("word/document.xml")
        assert b"/docProps/custom.xml" in zf.read("[Content_Types].xml")
        assert b"custom-properties" in zf.read("_rels/.rels")
        assert b'name="AIGC"><vt:lpwstr>' in zf.read("docProps/custom.xml")


def test_mp4_with_moov_first_still_decodes_after_labeling(tmp_path: Path) -> None:
    data = asset("sample.mp4")
    assert data.index(b"moov") < data.index(b"mdat")  # faststart layout: offsets must shift
    out = tmp_path / "x.mp4"
    out.write_bytes(write_implicit_label(data, LABEL, filename="x.mp4"))
    proc = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(out), "-f", "null", "-"],
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0 and not proc.stderr


# --------------------------------------------------------------------- independent readers
def _exiftool(path: Path) -> str:
    assert shutil.which("exiftool"), "install the Debian package libimage-exiftool-perl"
    proc = subprocess.run(
        ["exiftool", "-s3", "-XMP-TC260:AIGC", "-XMP-dc:Title", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout


@pytest.mark.parametrize(
    "name",
    [
        "sample.jpg",
        "sample-xmp.jpg",
        "sample.png",
        "sample-xmp.png",
        "sample.webp",
        "sample-lossless.webp",
        "sample.tif",
    ],
)
def test_exiftool_reads_the_tc260_property(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(write_implicit_label(asset(name), LABEL, filename=name))
    out = _exiftool(path)
    assert LABEL.to_json() in out
    if "xmp" in name:
        assert "Sample title" in out  # the existing XMP property survived the merge


@pytest.mark.parametrize(
    "name", ["sample.mp4", "sample-moov-last.mov", "sample.mkv", "sample.webm"]
)
def test_ffprobe_reads_the_aigc_tag(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(write_implicit_label(asset(name), LABEL, filename=name))
    proc = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    tags = json.loads(proc.stdout)["format"]["tags"]
    assert tags["AIGC"] == LABEL.to_json()
    if name != "sample-moov-last.mov" and name != "sample.webm":
        assert tags.get("title") == "sample"  # other metadata kept


def test_mutagen_reads_the_txxx_frame() -> None:
    from mutagen.id3 import ID3

    out = write_implicit_label(asset("sample.mp3"), LABEL, filename="x.mp3")
    tags = ID3(io.BytesIO(out))
    assert tags["TXXX:AIGC"].text == [LABEL.to_json()]
    assert str(tags["TIT2"]) == "sample"


def test_pypdf_reads_the_info_key() -> None:
    from pypdf import PdfReader

    out = write_implicit_label(asset("sample.pdf"), LABEL, filename="x.pdf")
    assert out.startswith(asset("sample.pdf"))  # incremental update: original bytes kept
    meta = PdfReader(io.BytesIO(out)).metadata
    assert meta is not None and meta["/AIGC"] == LABEL.to_json() and meta["/Title"] == "sample"


def test_wav_chunk_is_readable_by_soundfile_and_raw_riff() -> None:
    import soundfile as sf

    out = write_implicit_label(asset("sample.wav"), LABEL, filename="x.wav")
    samples, rate = sf.read(io.BytesIO(out))
    assert rate == 8000 and len(samples) == 4000
    assert b"AIGC" + len(LABEL.to_json()).to_bytes(4, "little") + LABEL.to_json().encode() in out


def test_ogg_opus_label_round_trips_and_digest_ignores_it() -> None:
    import numpy as np
    import soundfile as sf

    buf = io.BytesIO()
    tone = 0.3 * np.sin(np.arange(24000) * 2 * np.pi * 440 / 24000)
    sf.write(buf, tone, 24000, format="OGG", subtype="OPUS")
    plain = buf.getvalue()
    assert find_format(plain, filename="x.opus").name == "opus"
    assert read_implicit_label(plain, filename="x.opus") is None
    out = write_implicit_label(plain, LABEL, filename="x.opus")
    assert read_implicit_label(out, filename="x.opus") == LABEL
    assert content_digest(out, filename="x.opus") == content_digest(plain, filename="x.opus")
    assert sf.read(io.BytesIO(out))[0].shape[0] == 24000  # still plays
    with pytest.raises(FormatError, match="Ogg"):
        content_digest(plain[:200] + b"junk" + plain[200:], filename="x.opus")


def test_format_registry_lists_every_format() -> None:
    from govloop.label import formats
    from govloop.plugins import PLUGINS

    names = {f.name for f in formats()}
    builtin = {e.name for e in PLUGINS.label_format.entries() if e.builtin}
    assert builtin <= names  # installed plugins (tests/plugins) may add more
    assert builtin == {
        "jpeg",
        "png",
        "webp",
        "tiff",
        "mp4",
        "matroska",
        "wav",
        "aac",
        "mp3",
        "flac",
        "opus",
        "pdf",
        "ooxml",
        "text",
    }
    assert find_format(b"", filename="x.MD").name == "text"


def test_flac_and_aac_labels_round_trip_with_a_stable_digest() -> None:
    import av
    import numpy as np
    import soundfile as sf

    tone = 0.3 * np.sin(2 * np.pi * 440 * np.arange(8000) / 16000)
    buf = io.BytesIO()
    sf.write(buf, tone, 16000, format="FLAC")
    flac = buf.getvalue()
    aac_buf = io.BytesIO()
    with av.open(aac_buf, mode="w", format="adts") as c:
        st = c.add_stream("aac", rate=16000)
        st.layout = "mono"
        fr = av.AudioFrame.from_ndarray(
            (tone * 32767).astype(np.int16).reshape(1, -1), format="s16", layout="mono"
        )
        fr.sample_rate = 16000
        for pkt in [*st.encode(fr), *st.encode(None)]:
            c.mux(pkt)
    for plain, name, fmt in ((flac, "x.flac", "flac"), (aac_buf.getvalue(), "x.aac", "aac")):
        assert find_format(plain, filename=name).name == fmt
        assert read_implicit_label(plain, filename=name) is None
        out = write_implicit_label(plain, LABEL, filename=name)
        assert find_format(out, filename="").name == fmt  # by magic, ID3 tag or not
        assert read_implicit_label(out, filename=name) == LABEL
        assert content_digest(out, filename=name) == content_digest(plain, filename=name)
    assert sf.read(io.BytesIO(write_implicit_label(flac, LABEL, filename="x.flac")))[0].size == 8000
    with pytest.raises(FormatError, match="FLAC"):
        content_digest(flac[:6], filename="x.flac")


@pytest.mark.parametrize(
    "text",
    [
        b"ID3 tags hold an MP3's title.",
        b"fLaC is the marker of a FLAC stream.",
        b"A PDF begins with %PDF-1.7.",
        b"Quoted: %PDF-1.4 ... %%EOF",
    ],
)
def test_text_that_quotes_file_magic_is_text(text: bytes) -> None:
    """Magic bytes quoted in a text are no file header: the text is sniffed (or, when it does
    not parse as the sniffed format, digested) as the text it is."""
    from govloop.label import content_digest

    text_digest = content_digest(text, media_type="text")
    assert content_digest(text, filename="note.txt") == text_digest
    assert content_digest(text) == text_digest

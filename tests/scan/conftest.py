"""A small corpus and a ledger for scan tests: traced, labelled, watermarked, plain and broken."""

from __future__ import annotations

import importlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
import skimage
from PIL import Image
from tests.watermark.audio._signals import music

from govloop.config import DEMO_PROVIDER_CODE, Settings
from govloop.ids import new_produce_id, produce_tag
from govloop.keys import KeyStore
from govloop.label import label_bytes
from govloop.ledger import Ledger
from govloop.store import Store
from govloop.trace import record_output
from govloop.watermark import embed_image, payload_hex, watermark_key
from govloop.watermark.audio import PAYLOAD_BITS, SCHEME, embed_audio, encode_mp3, write_audio

DATA = Path(skimage.__file__).parent / "data"
PAYLOAD = 0x0123456789AB
TRACED_TEXT = (
    "The committee met on Tuesday to review the quarterly budget and agreed that the new "
    "library in the east district should open in spring, after the roof repairs are finished."
)


def require_scale(module: str) -> ModuleType:
    """``module`` of the ``scale`` extra: skipped without it, unless ``GOVLOOP_REQUIRE_SCALE=1``
    (scripts/test, which installs the test extra and so the scale extra) makes that a failure."""
    if os.environ.get("GOVLOOP_REQUIRE_SCALE") == "1":
        return importlib.import_module(module)
    return pytest.importorskip(module, reason="needs the scale extra (pip install govloop[scale])")


def png(name: str, size: int = 256) -> bytes:
    """A skimage sample as an RGB PNG of ``size`` pixels square."""
    img = Image.open(DATA / name).convert("RGB").resize((size, size))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@dataclass
class Corpus:
    """The scan folder and what the test should find in it."""

    folder: Path
    traced_index: int
    watermarked_index: int
    audio_index: int
    audio_payload: str
    filing_id: str
    """The registered filing every recorded output names."""


@pytest.fixture
def ledger(store: Store, keys: KeyStore, settings: Settings) -> Ledger:
    return Ledger.open(store, keys, settings)


@pytest.fixture
def filing_id(store: Store) -> str:
    """The demo filing, registered (what a traced output links a report to)."""
    from govloop.classify import filing_classifier
    from govloop.registry import Registry, example_filings, load_filing

    demo = next(p for p in example_filings() if "demo" in p.name)
    return Registry(store, classifier=filing_classifier()).register(load_filing(demo), actor="t").id


@pytest.fixture
def corpus(tmp_path: Path, ledger: Ledger, keys: KeyStore, filing_id: str) -> Corpus:
    """Thirteen files: a traced text, a watermarked traced image and an edited copy of it
    (cropped, JPEG), a labelled image and text, a labelled text edited after signing (its
    signature fails), a plain text, a labelled watermarked traced WAV and an edited copy of it
    (trimmed, quieter, MP3), a clean WAV, a corrupt PNG and WAV, and an unreadable file (a
    dangling link: unreadable by root too)."""
    folder = tmp_path / "uploads"
    (folder / "sub").mkdir(parents=True)
    traced = TRACED_TEXT.encode()
    (folder / "traced.txt").write_bytes(traced)
    traced_index = record_output(
        ledger,
        traced,
        media_type="text",
        model="demo-model",
        provider_code=DEMO_PROVIDER_CODE,
        filing_id=filing_id,
    ).index
    img = Image.open(io.BytesIO(png("coffee.png")))
    marked = embed_image(img, key=watermark_key(keys), payload=PAYLOAD)
    assert isinstance(marked, Image.Image)
    buf = io.BytesIO()
    marked.save(buf, "PNG")
    (folder / "sub" / "marked.png").write_bytes(buf.getvalue())
    watermarked_index = record_output(
        ledger,
        buf.getvalue(),
        media_type="image",
        model="demo-image",
        provider_code=DEMO_PROVIDER_CODE,
        watermark={"scheme": "image", "payload": payload_hex(PAYLOAD, 48), "bits": 48},
    ).index
    edited = io.BytesIO()
    marked.crop((8, 8, 248, 248)).save(edited, "JPEG", quality=80)
    (folder / "sub" / "edited.jpg").write_bytes(edited.getvalue())
    labelled, _ = label_bytes(
        png("chelsea.png"),
        filename="labelled.png",
        producer_code=DEMO_PROVIDER_CODE,
        signer=keys.active("label"),
    )
    (folder / "labelled.png").write_bytes(labelled)
    note, _ = label_bytes(
        "生成的会议纪要：下周二召开预算审查会议。".encode(),
        filename="labelled.txt",
        producer_code=DEMO_PROVIDER_CODE,
        signer=keys.active("label"),
    )
    (folder / "sub" / "labelled.txt").write_bytes(note)
    tampered = note.replace("下周二".encode(), "下周三".encode())
    (folder / "tampered.txt").write_bytes(tampered)
    audio_index, audio_payload = _audio(folder / "audio", ledger, keys, filing_id)
    (folder / "plain.txt").write_text("Just a note a person wrote about the weather.\n")
    (folder / "corrupt.png").write_bytes(png("astronaut.png")[:200])
    (folder / "gone.png").symlink_to(folder / "no-such-file.png")
    return Corpus(folder, traced_index, watermarked_index, audio_index, audio_payload, filing_id)


def _audio(folder: Path, ledger: Ledger, keys: KeyStore, filing_id: str) -> tuple[int, str]:
    """Speech-like output as the gateway delivers it (watermarked with the ProduceID's tag,
    labelled, recorded), an edited copy (trimmed, quieter, MP3), a clean WAV and a corrupt one.
    Returns the ledger index of the output and its watermark payload (hex)."""
    folder.mkdir()
    rate = 16000
    produce_id = new_produce_id()
    payload = produce_tag(produce_id, PAYLOAD_BITS)
    marked = embed_audio(music(2.1, rate, seed=3), rate, key=watermark_key(keys), payload=payload)
    plain = write_audio(marked, rate, filename="speech.wav", subtype="PCM_16")
    speech, _ = label_bytes(
        plain,
        filename="speech.wav",
        producer_code=DEMO_PROVIDER_CODE,
        signer=keys.active("label"),
        produce_id=produce_id,
        explicit=False,
    )
    (folder / "speech.wav").write_bytes(speech)
    hex_payload = f"{payload:08x}"
    index = record_output(
        ledger,
        speech,
        media_type="audio",
        model="demo-speech",
        provider_code=DEMO_PROVIDER_CODE,
        filing_id=filing_id,
        produce_id=produce_id,
        watermark={"scheme": SCHEME, "payload": hex_payload, "bits": PAYLOAD_BITS},
    ).index
    (folder / "edited.mp3").write_bytes(encode_mp3(0.7 * marked[int(0.25 * rate) :], rate))
    clean = write_audio(music(2.1, rate, seed=9), rate, filename="clean.wav", subtype="PCM_16")
    (folder / "clean.wav").write_bytes(clean)
    (folder / "corrupt.wav").write_bytes(clean[:60])
    return index, hex_payload

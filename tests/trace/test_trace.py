"""Trace: each evidence path finds the recorded entry, with a proof that verifies offline."""

import io
import json
from pathlib import Path

import pytest
import skimage
from PIL import Image

from govloop.config import DEMO_PROVIDER_CODE, Settings
from govloop.keys import KeyStore
from govloop.ledger import Ledger, image_fingerprint, text_fingerprint, verify_inclusion_proof
from govloop.store import Store
from govloop.trace import Evidence, SourceUnavailable, Subject, record_output, trace

DATA = Path(skimage.__file__).parent / "data"
EN = (
    "The committee met on Tuesday to review the quarterly budget and agreed that the new "
    "library in the east district should open in spring, after the roof repairs are finished "
    "and the reading rooms have been painted by local volunteers."
)
ZH = (
    "人工智能生成的内容应当添加显式标识和隐式标识，"
    "服务提供者需要在文件元数据中写入生成合成内容属性信息、"
    "服务提供者名称或者编码以及内容编号等制作要素信息。"
)


def _png(name: str) -> bytes:
    buf = io.BytesIO()
    Image.open(DATA / name).convert("RGB").save(buf, "PNG")
    return buf.getvalue()


def _encode(img: Image.Image, fmt: str = "PNG", **kw: int) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, fmt, **kw)
    return buf.getvalue()


@pytest.fixture
def ledger(store: Store, keys: KeyStore, settings: Settings) -> Ledger:
    led = Ledger.open(store, keys, settings)
    for i in range(30):
        record_output(
            led,
            f"filler text number {i} about other things".encode(),
            media_type="text",
            model="demo",
            provider_code=DEMO_PROVIDER_CODE,
        )
    return led


def _record(led: Ledger, data: bytes, media: str) -> int:
    return record_output(
        led,
        data,
        media_type=media,
        model="demo",
        provider_code=DEMO_PROVIDER_CODE,  # type: ignore[arg-type]
        filing_id="F-1",
        requester="alice@example.com",
    ).index


def _variants(img: Image.Image) -> dict[str, bytes]:
    w, h = img.size
    side = (1 - 0.9**0.5) / 2
    return {
        "jpeg-q70": _encode(img, "JPEG", quality=70),
        "crop-10pct-area": _encode(
            img.crop(
                (round(w * side), round(h * side), round(w * (1 - side)), round(h * (1 - side)))
            )
        ),
        "crop-10pct-side": _encode(img.crop((w // 20, h // 20, w - w // 20, h - h // 20))),
        "resize-0.5": _encode(img.resize((w // 2, h // 2))),
    }


@pytest.mark.db
@pytest.mark.parametrize("name", ["astronaut.png", "coffee.png"])
def test_trace_finds_transformed_images_with_verified_proofs(ledger: Ledger, name: str) -> None:
    originals = {
        n: _record(ledger, _png(n), "image") for n in ("astronaut.png", "coffee.png", "chelsea.png")
    }
    img = Image.open(DATA / name)
    for variant, data in _variants(img).items():
        report = trace(data, filename=f"x.{variant}", ledger=ledger)
        assert report.candidates, variant
        top = report.candidates[0]
        assert top.index == originals[name], variant
        assert top.evidence[0].source == "fingerprint" and top.proof_verified
        verify_inclusion_proof(
            top.inclusion_proof,
            top.checkpoint,
            ledger.verifiers(),
            entry=ledger.get(top.index).leaf,
        )
        assert all(c.index != originals[name] for c in report.candidates[1:])


@pytest.mark.db
def test_exact_copy_is_found_by_digest_and_requester_is_pseudonymous(ledger: Ledger) -> None:
    data = _png("chelsea.png")
    idx = _record(ledger, data, "image")
    report = trace(data, filename="c.png", ledger=ledger)
    top = report.candidates[0]
    assert top.index == idx and {e.source for e in top.evidence} >= {"digest", "fingerprint"}
    assert top.confidence > 0.999 and top.filing_id == "F-1"
    assert top.entry.requester and "alice" not in top.entry.model_dump_json()


@pytest.mark.db
@pytest.mark.parametrize(
    ("original", "edited"),
    [
        (
            EN,
            EN.replace("Tuesday", "Wednesday")
            .replace("spring", "summer")
            .replace("local", "young"),
        ),
        (ZH, ZH.replace("服务提供者需要", "提供者应").replace("内容编号", "内容标识")),
    ],
)
def test_trace_finds_text_with_words_changed(ledger: Ledger, original: str, edited: str) -> None:
    idx = _record(ledger, original.encode(), "text")
    report = trace(edited.encode(), ledger=ledger)
    assert report.media_type == "text"
    assert report.candidates[0].index == idx and report.candidates[0].proof_verified
    assert report.candidates[0].evidence[0].source == "fingerprint"


@pytest.mark.db
def test_metadata_produce_id_is_evidence(ledger: Ledger) -> None:
    import govloop.label as label

    png = _png("coins.png")
    lab = label.AIGCLabel(
        Label="1", ContentProducer=DEMO_PROVIDER_CODE, ProduceID="01JTESTPRODUCEID0000000000"
    )
    labelled = label.write_implicit_label(png, lab, filename="c.png")
    idx = record_output(
        ledger,
        labelled,
        media_type="image",
        model="demo",
        provider_code=DEMO_PROVIDER_CODE,
        label=lab,
    ).index
    # a re-encode drops the digest but keeps nothing else: only metadata in a fresh copy
    stripped_and_relabelled = label.write_implicit_label(
        _encode(Image.open(io.BytesIO(png)).rotate(90)), lab, filename="c.png"
    )
    report = trace(stripped_and_relabelled, filename="c.png", ledger=ledger)
    top = report.candidates[0]
    assert top.index == idx and top.evidence[0].source == "metadata"
    assert top.entry.label is not None and top.entry.label["ProduceID"] == lab.ProduceID


class _FakeWatermark:
    name = "watermark"

    def gather(self, subject: Subject, ledger: Ledger) -> list[Evidence]:
        del subject
        recs = ledger.find_by_watermark("00ab12345678")
        return [Evidence(self.name, r.index, 0.99, {"payload": "00ab12345678"}) for r in recs]


class _Broken:
    name = "broken"

    def gather(self, subject: Subject, ledger: Ledger) -> list[Evidence]:
        raise SourceUnavailable("not here")


@pytest.mark.db
def test_custom_sources_and_unavailable_ones_are_reported(ledger: Ledger) -> None:
    idx = record_output(
        ledger,
        b"watermarked text body",
        media_type="text",
        model="demo",
        provider_code=DEMO_PROVIDER_CODE,
        watermark={"scheme": "kgw", "payload": "00ab12345678", "bits": 48, "key_id": 171},
    ).index
    report = trace(b"something else entirely", ledger=ledger, sources=[_FakeWatermark(), _Broken()])
    assert report.candidates[0].index == idx
    assert [(s.name, s.status) for s in report.sources] == [
        ("watermark", "ran"),
        ("broken", "unavailable"),
    ]
    assert (
        json.loads(json.dumps(report.to_json()))["candidates"][0]["entry"]["watermark"]["key_id"]
        == 171
    )


@pytest.mark.db
def test_unknown_content_gives_no_candidates(ledger: Ledger) -> None:
    report = trace(_png("moon.png"), filename="m.png", ledger=ledger)
    assert report.candidates == [] and report.media_type == "image"


def test_fingerprints_are_hex_and_stable() -> None:
    img = Image.open(DATA / "camera.png")
    fp = image_fingerprint(img)
    assert len(fp) == 64 and fp == image_fingerprint(img.copy())
    assert len(text_fingerprint(ZH)) == 128 and text_fingerprint(ZH) == text_fingerprint(ZH)
    assert text_fingerprint(EN) != text_fingerprint(ZH)

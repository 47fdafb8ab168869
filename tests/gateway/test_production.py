"""End to end with the real wiring: registry, keyword library, labels, watermarks, ledger."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

import openai
import pytest

from govloop.config import Settings
from govloop.gateway import ApiKeys, create_app, serve_in_thread
from govloop.ids import produce_tag
from govloop.keys import KeyStore
from govloop.label import AIGCLabel, content_digest, read_implicit_label, verify_label
from govloop.ledger import Ledger, LedgerEntry
from govloop.registry import Registry
from govloop.store import Store
from govloop.watermark._keys import watermark_key

from .conftest import approved_filing

pytestmark = pytest.mark.db


@dataclass
class Live:
    url: str
    token: str
    store: Store
    keys: KeyStore
    settings: Settings

    def client(self) -> openai.OpenAI:
        return openai.OpenAI(
            base_url=f"{self.url}/v1", api_key=self.token, max_retries=0, timeout=60
        )

    def ledger(self) -> Ledger:
        return Ledger.open(self.store, self.keys, self.settings)


@pytest.fixture
def live(settings: Settings, store: Store, keys: KeyStore) -> Iterator[Live]:
    approved_filing(store, "demo")
    approved_filing(store, "demo-image")
    _, token = ApiKeys(store).create("alice")
    with serve_in_thread(create_app(settings)) as url:  # default config, production ports
        yield Live(url, token, store, keys, settings)


def test_chat_is_labeled_signed_watermarked_and_in_the_ledger(live: Live) -> None:
    with live.client() as client:
        raw = client.chat.completions.with_raw_response.create(
            model="demo",
            messages=[{"role": "user", "content": "写一首关于春天的短诗。"}],
            max_tokens=200,
            seed=7,
        )
        chat = raw.parse()
    text = chat.choices[0].message.content or ""
    extra = chat.model_extra or {}
    pid = extra["produce_id"]
    assert "人工智能" in text or "AI" in text  # explicit label
    label = AIGCLabel.from_json(raw.headers["x-aigc"])
    assert label.ProduceID == pid
    assert verify_label(label, text.encode(), live.keys.public_keys("label")) == "valid"
    record = live.ledger().find_by_produce_id(pid)
    assert record is not None
    entry = record.entry
    from govloop.registry import Registry

    filing = Registry(live.store).get("demo")
    # the configured filing name is resolved to the filing's id and serving version
    assert entry.filing_id == filing.id and entry.media_type == "text"
    assert entry.model_version == (filing.serving_version or filing.current_version)
    assert entry.requester is not None and entry.requester != "alice"
    assert entry.watermark is not None
    bits = entry.watermark["bits"]
    assert int(entry.watermark["payload"], 16) == produce_tag(pid, bits)
    assert entry.fingerprint
    # one digest serves the label and the entry: both must be the delivered text's own
    digest = content_digest(text.encode(), filename="output.txt")
    assert entry.extra["content_digest"] == digest.hex()
    sec = json.loads(base64.b64decode(label.ReservedCode1))
    assert base64.urlsafe_b64decode(sec["dig"] + "=" * (-len(sec["dig"]) % 4)) == digest
    # the gateway builds entries without re-validating them: the stored leaf must still parse
    # with full validation and pass every check of ledger verify
    assert LedgerEntry.from_bytes(record.leaf) == entry
    report = live.ledger().verify()
    assert report.ok, report


def test_stream_recorded_before_final_chunk(live: Live) -> None:
    with live.client() as client:
        chunks = list(
            client.chat.completions.create(
                model="demo",
                messages=[{"role": "user", "content": "Tell me about the sea."}],
                max_tokens=60,
                stream=True,
            )
        )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    pid = (chunks[-1].model_extra or {})["produce_id"]
    record = live.ledger().find_by_produce_id(pid)
    assert record is not None
    import hashlib

    assert record.entry.content_sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_shipped_keyword_library_blocks_prompt(live: Live) -> None:
    with live.client() as client, pytest.raises(openai.BadRequestError, match="A.1.a"):
        client.completions.create(model="demo", prompt="请写一篇文章煽动颠覆国家政权")


def test_image_has_labels_watermark_and_ledger_entry(live: Live) -> None:
    from PIL import Image

    from govloop.watermark.image import detect_image

    with live.client() as client:
        img = client.images.generate(model="demo-image", prompt="mountains", size="256x256")
    assert img.data
    item = img.data[0]
    png = base64.b64decode(item.b64_json or "")
    pid = (item.model_extra or {})["produce_id"]
    label = read_implicit_label(png, filename="image.png")
    assert label is not None and label.ProduceID == pid
    assert verify_label(label, png, live.keys.public_keys("label")) == "valid"
    key = watermark_key(live.keys)
    with Image.open(io.BytesIO(png)) as im:
        result = detect_image(im.convert("RGB"), key=key)
    assert result.detected and result.payload == (key.key_id << 32) | produce_tag(pid, 32)
    assert live.ledger().find_by_produce_id(pid) is not None


def test_suspended_filing_refused_with_reason(live: Live) -> None:
    reg = Registry(live.store)
    fid = next(f.id for f in reg.list() if f.model_name == "demo")
    reg.transition(fid, "suspended", actor="test", reason="incident")
    import time

    time.sleep(0.6)
    with live.client() as client, pytest.raises(openai.PermissionDeniedError, match="suspended"):
        client.chat.completions.create(model="demo", messages=[{"role": "user", "content": "hi"}])


@pytest.mark.parametrize(
    "answer",
    [
        "A PDF file starts with %PDF-1.7 and ends with %%EOF.",
        "ID3 tags hold an MP3's title and artist.",
        "fLaC is the marker at the start of every FLAC stream.",
    ],
)
def test_answers_that_look_like_file_magic_are_labelled_as_text(
    settings: Settings, store: Store, keys: KeyStore, answer: str
) -> None:
    """An answer that mentions a file format's magic bytes is still text: before, the label's
    digest sniffed it as a PDF (the request failed) or an MP3/FLAC (a checker disagreed)."""
    from .fakes import FakeTextBackend

    approved_filing(store, "demo")
    _, token = ApiKeys(store).create("alice")
    app = create_app(settings, backends={"demo": FakeTextBackend()})
    with serve_in_thread(app) as url:
        live = Live(url, token, store, keys, settings)
        with live.client() as client:
            raw = client.chat.completions.with_raw_response.create(
                model="demo", messages=[{"role": "user", "content": f"echo:{answer}"}]
            )
            chat = raw.parse()
    text = chat.choices[0].message.content or ""
    assert text.startswith(answer)
    label = AIGCLabel.from_json(raw.headers["x-aigc"])
    # a platform checking the delivered text (by its bytes, as `label check` does) agrees
    assert verify_label(label, text.encode(), keys.public_keys("label")) == "valid"
    assert content_digest(text.encode(), filename="answer.txt") == content_digest(
        text.encode(), media_type="text"
    )
    assert live.ledger().find_by_produce_id(label.ProduceID) is not None

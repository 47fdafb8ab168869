"""Evidence sources: each looks at the content one way and points at ledger entries.

A source is anything with a ``name`` and ``gather(subject, ledger) -> list[Evidence]``; it raises
:class:`SourceUnavailable` when it cannot run (a package or medium it needs is missing). The
built-ins: exact digest, implicit AIGC label (ProduceID), watermark payload, fingerprint.
Sources are entries of kind ``evidence_source`` in :data:`govloop.plugins.PLUGINS`; a plugin adds
one with :func:`register_source` or its entry point, and every trace then asks it too.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from govloop.errors import GovloopError
from govloop.label import read_implicit_label
from govloop.ledger import Ledger, LedgerRecord, image_fingerprint, text_fingerprint
from govloop.plugins import PLUGINS, Registry
from govloop.watermark import detect_with_keys, watermark_keys

if TYPE_CHECKING:
    from PIL.Image import Image

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")
_AUDIO_MAGIC = (b"fLaC", b"ID3", b"OggS", b"\xff\xfb")


class SourceUnavailable(GovloopError):
    """An evidence source cannot run on this content or installation."""


@dataclass(frozen=True)
class Evidence:
    """One source's claim that the content is a given ledger entry."""

    source: str
    """Name of the source."""
    index: int
    """Ledger index pointed at."""
    confidence: float
    """Probability-like strength of this evidence alone, in [0, 1]."""
    detail: dict[str, Any] = field(default_factory=dict)
    """What was matched (JSON values)."""


@dataclass
class Subject:
    """The content being traced, decoded lazily."""

    data: bytes
    """Raw bytes."""
    filename: str = ""
    """Name hint (extension) for format sniffing."""

    @cached_property
    def sha256(self) -> str:
        """SHA-256 of the bytes, hex."""
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def media_type(self) -> str:
        """``image``, ``audio``, ``text`` or ``other``, sniffed from magic bytes then the name."""
        head = self.data[:16]
        if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
            return "image"
        if head.startswith(_AUDIO_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WAVE"):
            return "audio"
        if self.text is not None:
            return "text"
        return "other"

    @cached_property
    def text(self) -> str | None:
        """The bytes as UTF-8 text, or None when they are not text."""
        try:
            text = self.data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return text if "\x00" not in text else None

    @cached_property
    def image(self) -> Image | None:
        """The decoded image, or None when the bytes are not an image.

        Bytes that look like an image (by their magic) but do not decode raise a
        :class:`FormatError` naming the file, whatever the decoder raised (see
        :mod:`govloop._decode`); the source that asked reports it as its error.
        """
        if not self.data[:16].startswith(_IMAGE_MAGIC) and self.data[8:12] != b"WEBP":
            return None
        from PIL import Image as PILImage

        from govloop._decode import decoding

        with decoding(self.filename or "<content>", "image"):
            img = PILImage.open(io.BytesIO(self.data))
            img.load()
        return img

    @cached_property
    def fingerprint(self) -> str | None:
        """Perceptual fingerprint of the content, when the medium has one."""
        if self.image is not None:
            return image_fingerprint(self.image)
        if self.media_type == "text" and self.text is not None:
            return text_fingerprint(self.text)
        return None


class EvidenceSource(Protocol):
    """What trace asks of a source."""

    name: str

    def gather(self, subject: Subject, ledger: Ledger) -> list[Evidence]:
        """Evidence for ledger entries (empty when none)."""
        ...


class DigestSource:
    """Exact SHA-256 of the bytes."""

    name = "digest"

    def gather(self, subject: Subject, ledger: Ledger) -> list[Evidence]:
        """Entries recorded with the same content digest."""
        return [
            Evidence(self.name, r.index, 0.999, {"sha256": subject.sha256})
            for r in ledger.find_by_sha256(subject.sha256)
        ]


class MetadataSource:
    """The implicit AIGC label's ProduceID (GB 45438), read by ``govloop.label``."""

    name = "metadata"

    def gather(self, subject: Subject, ledger: Ledger) -> list[Evidence]:
        """The entry named by the label's ProduceID."""
        label = read_implicit_label(subject.data, filename=subject.filename)
        if label is None or not getattr(label, "ProduceID", ""):
            return []
        record = ledger.find_by_produce_id(label.ProduceID)
        if record is None:
            return []
        detail: dict[str, Any] = {"produce_id": label.ProduceID}
        producer = getattr(label, "ContentProducer", "")
        detail["content_producer"] = producer
        agrees = producer in ("", record.entry.provider_code)
        return [Evidence(self.name, record.index, 0.9 if agrees else 0.6, detail)]


class WatermarkSource:
    """The decoded watermark payload, by ``govloop.watermark.detect_payload``."""

    name = "watermark"

    def gather(self, subject: Subject, ledger: Ledger) -> list[Evidence]:
        """Entries whose watermark payload or ProduceID tag matches the decoded payload."""
        result = detect_with_keys(
            subject.data, filename=subject.filename, keys=watermark_keys(ledger.keys)
        )
        if result is None or not result.detected or result.payload is None:
            return []
        bits, payload = int(result.payload_bits), int(result.payload)
        width = max(1, (bits + 3) // 4)
        records = self._lookup(ledger, payload, bits)
        trust, corrected = 1.0, False
        alternatives = [int(a) for a in (result.details or {}).get("payload_alternatives", [])]
        if not records and alternatives:
            # The mark is there (p-value above) but a digit may have been misread after edits:
            # try the runner-up payloads. A chance match of some entry's tag is possible, with
            # probability about (alternatives x entries) / 2**bits, so the evidence is weakened
            # by that much (for a big ledger, to nothing).
            for alt in alternatives:
                found = self._lookup(ledger, alt, bits)
                if found:
                    records, payload, corrected = found, alt, True
                    break
            trust = max(0.0, 1.0 - len(alternatives) * ledger.size() / float(1 << bits))
        if not records or trust <= 0.0:
            return []
        strength = (1.0 - float(result.p_value)) * 0.98 * trust / len(records)
        detail = {
            "scheme": result.scheme,
            "payload": f"{payload:0{width}x}",
            "bits": bits,
            "p_value": float(result.p_value),
            "key_id": result.key_id,
        }
        if corrected:
            detail["corrected_digit"] = True
        return [Evidence(self.name, i, strength, detail) for i in sorted(records)]

    @staticmethod
    def _lookup(ledger: Ledger, payload: int, bits: int) -> dict[int, LedgerRecord]:
        """Entries recorded with this payload, or whose ProduceID tag it carries."""
        width = max(1, (bits + 3) // 4)
        records = {r.index: r for r in ledger.find_by_watermark(f"{payload:0{width}x}")}
        tag, tag_bits = (payload & 0xFFFFFFFF, 32) if bits == 48 else (payload, bits)
        for r in ledger.find_by_tag(tag, tag_bits):
            records.setdefault(r.index, r)
        return records


class FingerprintSource:
    """Perceptual near-match (image pHash, text MinHash) through the ledger's band index."""

    name = "fingerprint"

    def gather(self, subject: Subject, ledger: Ledger) -> list[Evidence]:
        """Entries whose fingerprint is close to the content's."""
        fp = subject.fingerprint
        if fp is None:
            raise SourceUnavailable(f"no fingerprint for {subject.media_type} content")
        out = []
        for record, score, detail in ledger.find_similar(fp):
            if record.entry.content_sha256 == subject.sha256:
                score = 1.0
            out.append(
                Evidence(
                    self.name, record.index, round(0.9 * score, 4), detail | {"similarity": score}
                )
            )
        return out


#: The ``evidence_source`` kind of the plugin registry (built-ins cheapest first, then plugins).
SOURCES: Registry[EvidenceSource] = PLUGINS.evidence_source


def _load_builtins() -> None:
    for cls in (DigestSource, MetadataSource, WatermarkSource, FingerprintSource):
        SOURCES.register(cls.name, cls, builtin=True)


SOURCES.set_builtins(_load_builtins)


def register_source(name: str, factory: Callable[[], EvidenceSource]) -> None:
    """Add an evidence source every trace asks (after the built-ins); a same name is replaced."""
    SOURCES.register(name, factory, replace=True)


def default_sources() -> list[EvidenceSource]:
    """The registered sources: the built-ins cheapest first, then those plugins added."""
    return [SOURCES.create(name) for name in SOURCES.names()]

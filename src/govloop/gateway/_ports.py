"""The gateway's ports: the small interfaces through which it calls the rest of govloop.

The HTTP layer only knows these Protocols; :mod:`govloop.gateway._production` implements them
with the registry, the keyword library, the label writers, the watermark schemes and the ledger,
and tests pass fakes. Every port is synchronous except the recorder, which batches appends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from govloop.models import Generation, GenerationRequest, LogitsModel
    from govloop.registry import Servability


@dataclass(frozen=True)
class FilterVerdict:
    """What a content filter found in one text."""

    blocked: bool
    """True when the text must not pass."""
    risks: tuple[str, ...] = ()
    """Risk codes of the hits (GB/T 45654 Annex A codes for the keyword library)."""
    terms: tuple[str, ...] = ()
    """The matched terms (kept in the violation record, never sent to the client)."""

    @classmethod
    def clean(cls) -> FilterVerdict:
        """A verdict with no hits."""
        return cls(blocked=False)


@dataclass(frozen=True)
class OutputRecord:
    """One delivered output, as the gateway hands it to the ledger."""

    produce_id: str
    """The output's ProduceID (ledger key, returned to the client)."""
    content_sha256: str
    """SHA-256 (hex) of the delivered content."""
    media_type: str
    """``text``, ``image`` or ``audio``."""
    model: str
    """Served model name."""
    filing_id: str | None
    """Filing the model is served under."""
    model_version: str | None
    """Model version, when configured."""
    requester: str | None
    """Requester identity (the recorder stores only a keyed pseudonym of it)."""
    label: dict[str, str] | None
    """The implicit AIGC label object."""
    watermark: dict[str, Any] | None
    """Watermark description: scheme, payload (hex), bits, key id; None when not watermarked."""
    content: bytes = b""
    """The delivered content itself, for digests and fingerprints (not stored by the ledger)."""
    filename: str = ""
    """A file name whose extension tells the content's format (``output.txt``, ``image.png``)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Anything else worth keeping (finish reason, filter hits, unlabeled delivery)."""
    content_digest: bytes | None = None
    """The label-independent digest of ``content`` when the caller has it already (the one the
    implicit label signed); None: the recorder computes it."""


class ServingPolicy(Protocol):
    """Whether a filing may be served now."""

    def is_servable(self, filing: str) -> Servability:
        """Whether ``filing`` may be served now, with its state and a reason."""
        ...


class Filter(Protocol):
    """A content filter (keyword library, judge) for prompts and generated text."""

    @property
    def holdback(self) -> int:
        """Characters a stream must hold back so that no blocked term leaves half-sent."""
        ...

    def check(self, text: str) -> FilterVerdict:
        """Inspect ``text``."""
        ...


class Labeler(Protocol):
    """Explicit and implicit labels (GB 45438)."""

    def text_affixes(self, language: str | None = None) -> tuple[str, str]:
        """The explicit text label as (prefix, suffix) around generated text.

        ``language`` is a label language chosen for this request (``labels.language: auto``:
        the language of the prompt); None is the configured one.
        """
        ...

    def explicit_image(self, image: Image.Image, language: str | None = None) -> Image.Image:
        """The image with its visible label (``language`` as for :meth:`text_affixes`)."""
        ...

    def explicit_audio(
        self, samples: np.ndarray, rate: int, language: str | None = None
    ) -> np.ndarray:
        """Mono samples with the audio prompt (GB 45438 §5.3) added, spoken in ``language``."""
        ...

    def content_digest(
        self, content: bytes, *, filename: str, media_type: str | None = None
    ) -> bytes:
        """The digest of ``content`` without its label metadata (what the implicit label signs).

        ``media_type="text"``: the caller made ``content`` as text; do not sniff its format.
        """
        ...

    def implicit(
        self, content: bytes, *, produce_id: str, filename: str, digest: bytes | None = None
    ) -> dict[str, str]:
        """The signed AIGC label object for ``content``.

        ``digest`` is :meth:`content_digest` of ``content`` when the caller computed it already.
        """
        ...

    def embed_implicit(self, data: bytes, label: dict[str, str], *, filename: str) -> bytes:
        """``data`` (a file) with the AIGC label written into its metadata."""
        ...


class Watermarker(Protocol):
    """Generation-time text watermarking and image watermarking with the provider's key."""

    def text_payload(self, produce_id: str) -> int:
        """Payload a text watermark carries for ``produce_id``."""
        ...

    def image_payload(self, produce_id: str) -> int:
        """Payload an image watermark carries for ``produce_id``."""
        ...

    def audio_payload(self, produce_id: str) -> int:
        """Payload an audio watermark carries for ``produce_id``."""
        ...

    def describe_text(self, payload: int) -> dict[str, Any]:
        """Ledger description of a text watermark: scheme, payload (hex), bits, key id."""
        ...

    def generate_text(
        self, model: LogitsModel, request: GenerationRequest, *, payload: int
    ) -> Generation:
        """Generate with a local model, watermarked at sampling time."""
        ...

    def embed_image(
        self, image: Image.Image, *, payload: int
    ) -> tuple[Image.Image, dict[str, Any]]:
        """The watermarked image and its watermark description."""
        ...

    def embed_audio(
        self, samples: np.ndarray, rate: int, *, payload: int
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """The watermarked samples and the watermark description."""
        ...


class Recorder(Protocol):
    """The ledger as the gateway sees it."""

    async def append(self, record: OutputRecord) -> str:
        """Append ``record``; returns the leaf hash (hex). Raises when it was not recorded."""
        ...

    async def checkpoint(self) -> None:
        """Issue a signed checkpoint of the current tree."""
        ...

    async def aclose(self) -> None:
        """Flush pending appends and release resources."""
        ...


@dataclass(frozen=True)
class GatewayPorts:
    """The gateway's dependencies on the rest of govloop, bundled."""

    serving: ServingPolicy
    """Filing states."""
    input_filter: Filter
    """Filter on prompts."""
    output_filter: Filter
    """Filter on generated text."""
    labeler: Labeler
    """Label writer."""
    watermarker: Watermarker
    """Watermark embedder."""
    recorder: Recorder
    """Ledger."""
    close: tuple[Any, ...] = ()
    """Objects with ``close()`` to call on shutdown (stores)."""

"""The production wiring of the ports: registry, keyword library, labels, watermarks, ledger.

Each class is a thin adapter from a port to the package that does the work; heavy imports
happen when :func:`production_ports` runs (in the app's lifespan), never at import time.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govloop.config import Settings
from govloop.errors import InputError
from govloop.gateway._batch import GroupCommit
from govloop.gateway._config import GatewayConfig, LabelPolicy
from govloop.gateway._ports import FilterVerdict, GatewayPorts, OutputRecord
from govloop.ids import produce_tag
from govloop.keys import KeyStore
from govloop.store import Store

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from govloop.assess import KeywordMatcher
    from govloop.ledger import Ledger, LedgerEntry
    from govloop.models import Generation, GenerationRequest, LogitsModel
    from govloop.registry import Registry, Servability
    from govloop.watermark import WatermarkKey

TEXT_SCHEME = "kgw"
"""Text watermark scheme used at generation (its shipped parameters; payload = produce tag)."""

LABEL_KEY_PURPOSE = "label"
"""Key-store purpose of the key that signs implicit labels (ReservedCode1)."""

_SENTINEL = "\x00govloop-body\x00"

LEDGER_GATHER_S = 0.0005
"""Under load, how long a ledger batch waits for more entries (see ``GroupCommit``)."""


class RegistryServing:
    """Serving policy = the registry's filing state."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def is_servable(self, filing: str) -> Servability:
        """Approved filings are servable; the reason names the state otherwise."""
        return self.registry.is_servable(filing)


class KeywordFilter:
    """The keyword library as a content filter."""

    def __init__(self, matcher: KeywordMatcher) -> None:
        self.matcher = matcher
        longest = max((len(t) for t, _ in matcher.terms()), default=1)
        # Matching tolerates noise inserted between characters, so a hit can span more raw
        # characters than the term has; hold back twice the longest term.
        self._holdback = min(2 * longest, 128)

    @property
    def holdback(self) -> int:
        """Characters a stream keeps back."""
        return self._holdback

    def check(self, text: str) -> FilterVerdict:
        """Blocked when any library term occurs."""
        hits = self.matcher.find(text)
        if not hits:
            return FilterVerdict.clean()
        return FilterVerdict(
            True,
            tuple(dict.fromkeys(h.risk for h in hits)),
            tuple(dict.fromkeys(h.term for h in hits)),
        )


class StandardLabeler:
    """GB 45438 labels with govloop.label, signed with the provider's label key."""

    def __init__(self, settings: Settings, keys: KeyStore, policy: LabelPolicy) -> None:
        self.settings = settings
        self.policy = policy
        self.signer = keys.active(LABEL_KEY_PURPOSE)
        from govloop.label import content_digest, make_producer_label, resolve_language

        # bound here, not imported per answer (a function-level import costs ~0.5 us a call)
        self._digest = content_digest
        self._sign = make_producer_label

        # ``auto`` with no request language (nothing to detect) is the bilingual label
        self._default = resolve_language(policy.language)
        self._affixes: dict[str, tuple[str, str]] = {}
        self._prompts: dict[tuple[int, str], np.ndarray] = {}
        self._affixes_for(self._default)  # a bad wording fails at start-up, not per request

    def _language(self, language: str | None) -> str:
        return language or self._default

    def _affixes_for(self, language: str) -> tuple[str, str]:
        found = self._affixes.get(language)
        if found is None:
            from govloop.label import add_explicit_text_label

            labeled = add_explicit_text_label(
                _SENTINEL,
                position=self.policy.position,
                language=language,
                wording=self.policy.wording,
            )
            prefix, _, suffix = labeled.partition(_SENTINEL)
            found = self._affixes[language] = (prefix, suffix)
        return found

    def text_affixes(self, language: str | None = None) -> tuple[str, str]:
        """The explicit label in ``language`` (default: configured), split around the body."""
        return self._affixes_for(self._language(language))

    def explicit_image(self, image: Image.Image, language: str | None = None) -> Image.Image:
        """Visible label in the configured corner."""
        from govloop.label import add_explicit_image_label

        return add_explicit_image_label(
            image, corner=self.policy.image_corner, language=self._language(language)
        )

    def explicit_audio(
        self, samples: np.ndarray, rate: int, language: str | None = None
    ) -> np.ndarray:
        """The configured audio prompt around the speech (each prompt is synthesised once)."""
        import numpy as np

        prompt = self._audio_prompt(rate, self._language(language))
        head = [prompt] if self.policy.audio_position in ("start", "both") else []
        tail = [prompt] if self.policy.audio_position in ("end", "both") else []
        return np.concatenate([*head, np.asarray(samples, dtype=np.float32), *tail])

    def _audio_prompt(self, rate: int, language: str) -> np.ndarray:
        found = self._prompts.get((rate, language))
        if found is not None:
            return found
        import numpy as np

        from govloop.label import rhythm_prompt, spoken_prompt

        parts = []
        if self.policy.audio_mode in ("rhythm", "both"):
            parts.append(rhythm_prompt(rate))
        if self.policy.audio_mode in ("speech", "both"):
            parts.append(spoken_prompt(rate, language=language))
        found = self._prompts[rate, language] = np.concatenate(parts).astype(np.float32)
        return found

    def content_digest(
        self, content: bytes, *, filename: str, media_type: str | None = None
    ) -> bytes:
        """:func:`govloop.label.content_digest`: the format by magic bytes, then name.

        Plain text without sniffing when ``media_type`` is ``"text"``.
        """
        return self._digest(content, filename=filename, media_type=media_type)

    def implicit(
        self, content: bytes, *, produce_id: str, filename: str, digest: bytes | None = None
    ) -> dict[str, str]:
        """The signed producer label (ReservedCode1 signs the content digest)."""
        label = self._sign(
            producer_code=self.settings.provider_code,
            produce_id=produce_id,
            content=content,
            signer=self.signer,
            filename=filename,
            digest=digest,
        )
        return label.as_dict()

    def embed_implicit(self, data: bytes, label: dict[str, str], *, filename: str) -> bytes:
        """Write the label into the file's metadata (XMP ``TC260:AIGC`` for PNG)."""
        from govloop.label import AIGCLabel, write_implicit_label

        return write_implicit_label(data, AIGCLabel.from_json(json.dumps(label)), filename=filename)


class ProviderWatermarker:
    """The provider's watermark key applied by govloop.watermark's schemes."""

    def __init__(self, key: WatermarkKey) -> None:
        from govloop.watermark.text import default_params

        self.key = key
        self._text_params = default_params(TEXT_SCHEME)

    def text_payload(self, produce_id: str) -> int:
        """``produce_tag(produce_id, bits)`` for the KGW scheme's payload width."""
        return produce_tag(produce_id, self._text_params.payload_bits)

    def image_payload(self, produce_id: str) -> int:
        """48 bits: the 16-bit key id, then ``produce_tag(produce_id, 32)``."""
        return (self.key.key_id << 32) | produce_tag(produce_id, 32)

    def audio_payload(self, produce_id: str) -> int:
        """``produce_tag(produce_id, 32)`` (the audio scheme carries 32 bits)."""
        from govloop.watermark.audio import PAYLOAD_BITS

        return produce_tag(produce_id, PAYLOAD_BITS)

    def describe_text(self, payload: int) -> dict[str, Any]:
        """Ledger description of the text watermark: scheme, payload (hex), bits, key id."""
        from govloop.watermark.text import watermark_info

        return watermark_info(self._text_params, self.key, payload)

    def generate_text(
        self, model: LogitsModel, request: GenerationRequest, *, payload: int
    ) -> Generation:
        """Sample with the watermark (KGW scheme, shipped parameters)."""
        from govloop.watermark.text import generate_watermarked

        return generate_watermarked(
            model,
            request,
            key=self.key,
            payload=payload,
            scheme=TEXT_SCHEME,
            params=self._text_params,
        )

    def embed_image(
        self, image: Image.Image, *, payload: int
    ) -> tuple[Image.Image, dict[str, Any]]:
        """Embed the 48-bit image payload (key id and produce tag)."""
        from PIL import Image

        from govloop.watermark.image import PAYLOAD_BITS, SCHEME, embed_image

        marked = embed_image(image, key=self.key, payload=payload)
        if not isinstance(marked, Image.Image):
            marked = Image.fromarray(marked)
        info = {
            "scheme": SCHEME,
            "payload": f"{payload:0{PAYLOAD_BITS // 4}x}",
            "bits": PAYLOAD_BITS,
            "key_id": self.key.key_id,
        }
        return marked, info

    def embed_audio(
        self, samples: np.ndarray, rate: int, *, payload: int
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Embed the 32-bit audio payload (the produce tag)."""
        from govloop.watermark.audio import PAYLOAD_BITS, SCHEME, embed_audio

        marked = embed_audio(samples, rate, key=self.key, payload=payload)
        info = {
            "scheme": SCHEME,
            "payload": f"{payload:0{PAYLOAD_BITS // 4}x}",
            "bits": PAYLOAD_BITS,
            "key_id": self.key.key_id,
        }
        return marked, info


@dataclass(slots=True)
class _Pending:
    """An entry waiting for its batch: its fields, and its text when the fingerprint is due."""

    fields: dict[str, Any]
    text: str | None
    entry: LedgerEntry | None = None


class LedgerRecorder:
    """Ledger appends with group commit: concurrent requests share one transaction.

    ``content_sha256`` is SHA-256 of the delivered bytes (the ledger's convention, as in
    ``record_output``); ``extra.content_digest`` adds the label-independent digest that the
    implicit label signs (the caller's ``OutputRecord.content_digest`` when it has one: the
    text path computes it once for the label and the entry). The requester is stored as the
    ledger's keyed pseudonym.
    """

    def __init__(self, ledger: Ledger, settings: Settings) -> None:
        from govloop.label import content_digest
        from govloop.ledger import LedgerEntry, content_fingerprint, text_fingerprints, utc_now_iso

        self.ledger = ledger
        self.settings = settings
        # bound here, not imported per entry (function-level imports cost ~1.2 us an entry)
        self._entry_type = LedgerEntry
        self._digest = content_digest
        self._fingerprint = content_fingerprint
        self._text_fingerprints = text_fingerprints
        self._now = utc_now_iso
        self._batch: GroupCommit[_Pending, str] = GroupCommit(
            self._write,
            try_write=functools.partial(self._write, nowait=True),
            gather=LEDGER_GATHER_S,
        )
        self._pseudonyms: dict[str, str] = {}

    def pseudonym(self, requester: str) -> str:
        """The ledger's keyed pseudonym of ``requester`` (memoised: the secret is read once)."""
        found = self._pseudonyms.get(requester)
        if found is None:
            if len(self._pseudonyms) > 100_000:
                self._pseudonyms.clear()
            found = self._pseudonyms[requester] = self.ledger.pseudonym(requester)
        return found

    def entry(self, r: OutputRecord) -> LedgerEntry:
        """The ledger entry for one delivered output.

        Every field is made here by govloop's own code (a fresh ULID, hashlib digests, the
        fingerprint function, the settings' validated provider code, a hex pseudonym, the
        label just signed), so the entry is built without re-validating it: on the gateway's
        hot path validation cost as much as the SQLite insert. ``ledger verify`` parses every
        stored leaf with full validation, and the tests check that these entries pass it.
        """
        return self._finish([self._pending(r)])[0]

    def _pending(self, r: OutputRecord) -> _Pending:
        """Every field of ``r``'s entry but a text's fingerprint (made per batch: _finish)."""
        media: Any = r.media_type
        digest = r.content_digest
        if digest is None:
            digest = self._digest(r.content, filename=r.filename)
        fields: dict[str, Any] = {
            "produce_id": r.produce_id,
            "content_sha256": r.content_sha256 or hashlib.sha256(r.content).hexdigest(),
            "media_type": media,
            "filing_id": r.filing_id,
            "model": r.model,
            "model_version": r.model_version,
            "provider_code": self.settings.provider_code,
            "created_at": self._now(),
            "requester": self.pseudonym(r.requester) if r.requester else None,
            "label": None if r.label is None else dict(r.label),
            "watermark": None if r.watermark is None else dict(r.watermark),
            "extra": {**r.extra, "content_digest": digest.hex()},
        }
        if r.media_type == "text":
            try:
                return _Pending(fields, r.content.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise InputError("text content is not valid UTF-8") from exc
        fields["fingerprint"] = self._fingerprint(r.content, r.media_type)
        return _Pending(fields, None)

    def _finish(self, items: list[_Pending]) -> list[LedgerEntry]:
        """The entries of a batch, the texts' fingerprints made in one pass over all of them.

        An entry is built once: a batch that is retried from a thread (another writer held
        the lock) reuses the entries of its first try.
        """
        todo = [p for p in items if p.entry is None and p.text is not None]
        if todo:
            for p, fp in zip(
                todo, self._text_fingerprints([p.text or "" for p in todo]), strict=True
            ):
                p.fields["fingerprint"] = fp
        for p in items:
            if p.entry is None:
                p.entry = self._entry_type.model_construct(**p.fields)
        return [p.entry for p in items if p.entry is not None]

    def _write(self, items: list[_Pending], *, nowait: bool = False) -> list[str]:
        entries = self._finish(items)
        return [res.leaf_hash for res in self.ledger.append_many(entries, nowait=nowait)]

    async def append(self, record: OutputRecord) -> str:
        """Append (batched with concurrent requests); raises when the ledger refused it."""
        return await self._batch.submit(self._pending(record))

    async def checkpoint(self) -> None:
        """Sign a checkpoint when one is due (several workers share the interval)."""
        import asyncio

        from govloop.ledger import checkpoint_if_due

        await asyncio.to_thread(checkpoint_if_due, self.ledger)

    async def aclose(self) -> None:
        """Flush pending appends."""
        await self._batch.aclose()


def production_ports(settings: Settings, config: GatewayConfig, store: Store) -> GatewayPorts:
    """The real ports for ``settings`` (called in the app's lifespan, off the event loop)."""
    from govloop.assess import load_keyword_library
    from govloop.ledger import Ledger
    from govloop.registry import Registry
    from govloop.watermark import watermark_key

    keys = KeyStore.open(settings.keys_dir)
    matcher = load_keyword_library(config.keyword_library, pinyin=config.keyword_pinyin)
    flt = KeywordFilter(matcher)
    return GatewayPorts(
        serving=RegistryServing(Registry(store)),
        input_filter=flt,
        output_filter=flt,
        labeler=StandardLabeler(settings, keys, config.labels),
        watermarker=ProviderWatermarker(watermark_key(keys)),
        recorder=LedgerRecorder(Ledger.open(store, keys, settings), settings),
    )

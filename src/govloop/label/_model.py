"""The GB 45438-2025 Appendix E implicit label: the ``AIGC`` JSON object with seven string fields.

Field order is part of the format: ``Label``, ``ContentProducer``, ``ProduceID``,
``ReservedCode1``, ``ContentPropagator``, ``PropagateID``, ``ReservedCode2``. Every value is a
string (``Label`` is "1" is, "2" possibly, "3" suspected AI-generated). The JSON written is
compact and ASCII-only (non-ASCII characters are escaped), because implementations restrict the
values to printable single-byte characters.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from govloop.errors import FormatError

#: The seven AIGC fields in the order GB 45438 Appendix E prescribes.
AIGC_FIELDS: tuple[str, ...] = (
    "Label",
    "ContentProducer",
    "ProduceID",
    "ReservedCode1",
    "ContentPropagator",
    "PropagateID",
    "ReservedCode2",
)
#: Fields a generation service (provider) fills.
PRODUCER_FIELDS: tuple[str, ...] = AIGC_FIELDS[:4]
#: Fields a content-propagation platform fills.
PROPAGATOR_FIELDS: tuple[str, ...] = AIGC_FIELDS[4:]
#: Allowed values of ``Label`` and their meaning (Labeling Measures Art. 6).
LABEL_VALUES: dict[str, str] = {"1": "AI-generated", "2": "possibly AI-generated", "3": "suspected"}
#: Largest AIGC JSON text accepted when reading (a label is a few hundred bytes).
MAX_LABEL_JSON = 16 * 1024
#: The metadata key (tag name) that carries the JSON in every format.
AIGC_KEY = "AIGC"


class AIGCLabel(BaseModel):
    """The AIGC implicit label (GB 45438-2025 Appendix E)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    Label: str = "1"
    """Generation attribute: "1" AI-generated, "2" possibly, "3" suspected."""
    ContentProducer: str = ""
    """Generation service provider: name or 27-character provider code."""
    ProduceID: str = ""
    """Unique content id assigned by the generation service."""
    ReservedCode1: str = ""
    """Producer's security data; govloop puts its signature here (see ``_sign``)."""
    ContentPropagator: str = ""
    """Propagation platform: name or provider code."""
    PropagateID: str = ""
    """Content id assigned by the propagation platform."""
    ReservedCode2: str = ""
    """Platform's security data; govloop puts the platform signature here."""

    @field_validator("Label")
    @classmethod
    def _label_value(cls, value: str) -> str:
        if value not in LABEL_VALUES:
            raise ValueError(f"Label must be one of {sorted(LABEL_VALUES)}, got {value!r}")
        return value

    def as_dict(self) -> dict[str, str]:
        """The seven fields as an ordered dict."""
        return {name: getattr(self, name) for name in AIGC_FIELDS}

    def to_json(self) -> str:
        """Compact ASCII JSON with the fields in the standard's order."""
        return json.dumps(self.as_dict(), ensure_ascii=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes, *, source: str = "AIGC") -> AIGCLabel:
        """Parse the AIGC JSON text; :class:`FormatError` naming ``source`` when it is wrong."""
        if len(text) > MAX_LABEL_JSON:
            raise FormatError(f"{source}: AIGC value is {len(text)} bytes, limit {MAX_LABEL_JSON}")
        try:
            obj = json.loads(text)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
            raise FormatError(f"{source}: AIGC value is not valid JSON") from exc
        return cls.from_obj(obj, source=source)

    @classmethod
    def from_obj(cls, obj: Any, *, source: str = "AIGC") -> AIGCLabel:
        """Build from a parsed mapping (JSON object or YAML mapping)."""
        if not isinstance(obj, dict):
            raise FormatError(
                f"{source}: AIGC value must be a JSON object, got {type(obj).__name__}"
            )
        unknown = [k for k in obj if k not in AIGC_FIELDS]
        if unknown:
            raise FormatError(f"{source}: unknown AIGC field {str(unknown[0])!r}")
        if "Label" not in obj:
            raise FormatError(f"{source}: AIGC object has no 'Label' field")
        for key, value in obj.items():
            if not isinstance(value, str):
                raise FormatError(
                    f"{source}: AIGC field {key!r} must be a string, got {type(value).__name__}"
                )
        try:
            return cls(**obj)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise FormatError(f"{source}: AIGC field {where!r}: {err['msg']}") from exc

    def replace(self, **changes: str) -> AIGCLabel:
        """A copy with some fields changed (validated)."""
        data = self.as_dict()
        data.update(changes)
        return AIGCLabel.from_obj(data)

"""What a regime condition can look at: the filing's fields plus a few derived facts.

Paths are the filing document's field names (``audience``, ``eu.annex_iii_area``,
``training_data.personal_information``...), ``latest_version.<field>`` for the current version,
and ``derived.*``:

- ``derived.outputs``: the media the service produces: ``text`` (dialogue, text), ``code``,
  ``image``, ``audio``, ``video``.
- ``derived.source_types``: the training-data source types listed.
- ``derived.uses_filed_model_unmodified``: the current version calls a filed base model
  without modifying it (the case for China's lighter 登记 registration).
- ``derived.version_count``: how many versions are filed.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from govloop.registry import FilingCreate, ModelVersion, TrainingSource

_OUTPUTS = {
    "dialogue": "text",
    "text": "text",
    "code": "code",
    "image": "image",
    "audio": "audio",
    "video": "video",
}


#: Derived facts and the filing fields they are computed from.
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "derived.outputs": ("functions",),
    "derived.source_types": ("training_data.sources",),
    "derived.uses_filed_model_unmodified": (
        "latest_version.base_model_filed",
        "latest_version.base_model_modified",
    ),
    "derived.version_count": ("versions",),
}


def display_field(path: str) -> str:
    """The field as a filing author writes it (``latest_version.x`` is ``versions[-1].x``)."""
    if path.startswith("latest_version."):
        return "versions[-1]." + path.removeprefix("latest_version.")
    return path


def filing_fields(paths: tuple[str, ...] | list[str]) -> list[str]:
    """The filing fields behind attribute paths: derived facts become the fields they come from."""
    out: dict[str, None] = {}
    for path in paths:
        for field in DERIVED_FROM.get(path, (path,)):
            out[display_field(field)] = None
    return list(out)


@dataclass(frozen=True)
class Attribute:
    """One attribute a condition may name."""

    kind: str
    """``bool``, ``number``, ``string``, ``date``, ``list`` or ``object``."""

    allowed: tuple[Any, ...] | None
    """The possible values (or list items) when the field has a closed set."""


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _describe(annotation: Any) -> Attribute:
    ann, _ = _unwrap(annotation)
    origin = get_origin(ann)
    if origin is typing.Literal:
        return Attribute("string", get_args(ann))
    if origin is list:
        (item,) = get_args(ann)
        inner = _describe(item)
        return Attribute("list", inner.allowed)
    if ann is bool:
        return Attribute("bool", (True, False))
    if ann in (int, float):
        return Attribute("number", None)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return Attribute("object", None)
    if getattr(ann, "__name__", "") == "date":
        return Attribute("date", None)
    return Attribute("string", None)


def _fields(model: type[BaseModel], prefix: str, out: dict[str, Attribute]) -> None:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        attr = _describe(info.annotation)
        out[path] = attr
        ann, _ = _unwrap(info.annotation)
        if attr.kind == "object" and isinstance(ann, type) and issubclass(ann, BaseModel):
            _fields(ann, f"{path}.", out)


@cache
def attribute_catalog() -> dict[str, Attribute]:
    """Every path a condition may name, with its kind and possible values."""
    out: dict[str, Attribute] = {}
    _fields(FilingCreate, "", out)
    out["latest_version"] = Attribute("object", None)
    _fields(ModelVersion, "latest_version.", out)
    out["derived"] = Attribute("object", None)
    out["derived.outputs"] = Attribute("list", tuple(dict.fromkeys(_OUTPUTS.values())))
    out["derived.source_types"] = Attribute(
        "list", _describe(TrainingSource.model_fields["type"].annotation).allowed
    )
    out["derived.uses_filed_model_unmodified"] = Attribute("bool", (True, False))
    out["derived.version_count"] = Attribute("number", None)
    return out


def filing_context(doc: FilingCreate) -> dict[str, Any]:
    """The mapping conditions are evaluated against."""
    data = doc.model_dump(mode="json")
    current = doc.current
    data["latest_version"] = current.model_dump(mode="json")
    data["derived"] = {
        "outputs": list(dict.fromkeys(_OUTPUTS[f] for f in doc.functions)),
        "source_types": list(dict.fromkeys(s.type for s in doc.training_data.sources)),
        "uses_filed_model_unmodified": bool(
            current.base_model and current.base_model_filed and not current.base_model_modified
        ),
        "version_count": len(doc.versions),
    }
    return data

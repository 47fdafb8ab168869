"""The form format: a form is data (YAML), a list of fields each naming where its value comes from.

Keeping forms declarative is what lets a regime's own YAML (``forms:``) or a ``--form-file`` add a
regulator's form without code: the engine only resolves dotted paths into the facts govloop holds
(filing, record, classification, assessment, ledger, package) and judges each value blank or weak.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from govloop.errors import FormatError, InputError
from govloop.registry import SourceDocument, read_document

#: The roots a field's ``source`` may start with (see :func:`govloop.paperwork.gather_facts`).
ROOTS = ("filing", "record", "classification", "assessment", "ledger", "package")

_ID = r"^[a-z0-9][a-z0-9._-]*$"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Text(_Spec):
    """A label in both languages (Chinese and English are first class)."""

    zh: str = ""
    en: str = ""

    def pick(self, language: str) -> str:
        """The label in ``language`` ('zh', 'en' or 'zh-en'), falling back to the other."""
        if language == "zh-en" and self.zh and self.en and self.zh != self.en:
            return f"{self.zh} / {self.en}"
        first, other = (self.zh, self.en) if language.startswith("zh") else (self.en, self.zh)
        return first or other


class FieldSpec(_Spec):
    """One field of a form: where its value comes from and which clause asks for it."""

    id: str = Field(pattern=_ID)
    """Identifier, unique in the form; JSON output keys on it."""

    label: Text
    """What the form calls the field."""

    source: str | list[str] | None = None
    """Dotted path(s) into the facts (first non-blank wins); none: filled by hand (a seal...)."""

    clause: str = Field(min_length=1)
    """The clause or form item that asks for this field."""

    mandatory: bool = True
    """Whether a blank value makes the form incomplete."""

    labels: dict[str, str] = Field(default_factory=dict)
    """Display words for coded values (``text: 文字生成``), applied to each item of a list."""

    min_length: int = 0
    """A text shorter than this is weak (present but too thin for the clause)."""

    weak_values: list[Any] = Field(default_factory=list)
    """Values that count as weak (e.g. ``false`` for an answer the clause expects yes to)."""

    hint: str = ""
    """What to do when the field is blank or weak (shown in the completeness report)."""

    group: Text | None = None
    """A heading the field sits under (a NIST risk, a form part)."""

    applies_if: str | bool = True
    """A condition over the facts; a field that does not apply is shown as not applicable."""


class AttachmentSpec(_Spec):
    """A file a package carries, made from what govloop holds."""

    id: str = Field(pattern=_ID)
    label: Text
    file: str = Field(min_length=1)
    """Its name inside the zip."""

    make: Literal["form", "self-assessment", "keywords", "bank"]
    """What builds it."""

    of: str = ""
    """The form (``make: form``) or bank kind (``make: bank``) it is made of."""

    clause: str = Field(min_length=1)


class FormSpec(_Spec):
    """A whole form: title, regime, when it applies, and its fields in order."""

    form: str = Field(pattern=_ID)
    """Form name, as ``--form`` spells it."""

    title: Text
    regime: str = ""
    """The regime it belongs to (cn, eu, nist, or a sandbox's own)."""

    language: Literal["zh", "en", "zh-en"] = "zh-en"
    """The language the form is written in."""

    basis: str = ""
    """The instrument and article that ask for the form as a whole."""

    applies_if: str | bool = True
    """A classify-style condition over the facts; a form that does not apply is refused."""

    applies_note: str = ""
    """Why the form may not apply (said when it is refused)."""

    attachments: list[AttachmentSpec] = Field(default_factory=list)
    """Files of a package form (a zip); a form with none is a single document."""

    fields: list[FieldSpec] = Field(min_length=1)


def parse_form(data: object, where: str) -> FormSpec:
    """Validate one form mapping; the error names ``where`` and the first bad field."""
    if not isinstance(data, Mapping):
        raise FormatError(f"{where}: a form must be a mapping with form, title and fields")
    try:
        spec = FormSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise FormatError(f"{where}: field {loc}: {first['msg']}") from exc
    seen: set[str] = set()
    for f in spec.fields:
        if f.id in seen:
            raise FormatError(f"{where}: field id {f.id!r} appears twice")
        seen.add(f.id)
        for path in _paths(f):
            if path.split(".", 1)[0] not in ROOTS:
                raise FormatError(
                    f"{where}: field {f.id}: source {path!r} must start with one of "
                    f"{', '.join(ROOTS)}"
                )
    return spec


def _paths(f: FieldSpec) -> list[str]:
    if f.source is None:
        return []
    return [f.source] if isinstance(f.source, str) else list(f.source)


def source_paths(f: FieldSpec) -> list[str]:
    """The dotted paths a field reads, in order."""
    return _paths(f)


def load_form_file(path: Path) -> FormSpec:
    """A form from a YAML or JSON file (``--form-file``)."""
    doc = read_document(path)
    return parse_form(doc.data, str(path))


def _package_forms() -> Path:
    return Path(str(resources.files("govloop.paperwork"))) / "forms"


@cache
def shipped_forms() -> dict[str, FormSpec]:
    """The forms shipped with govloop, by name."""
    out: dict[str, FormSpec] = {}
    for path in sorted(_package_forms().glob("*.yaml")):
        doc: SourceDocument = read_document(path)
        spec = parse_form(doc.data, str(path))
        out[spec.form] = spec
    return out


def available_forms(
    regime_forms: list[tuple[str, Mapping[str, Any]]] | None = None,
) -> dict[str, FormSpec]:
    """Shipped forms plus those regimes declare, as (where, form) pairs; errors name ``where``.

    A regime's form of the same name as a shipped one replaces it, as regimes replace regimes.
    """
    out = dict(shipped_forms())
    for where, data in regime_forms or []:
        spec = parse_form(data, where)
        out[spec.form] = spec
    return out


def pick_form(name: str, forms: Mapping[str, FormSpec]) -> FormSpec:
    """The form called ``name``; an InputError naming it and the known names otherwise."""
    try:
        return forms[name]
    except KeyError:
        raise InputError(
            f"--form {name!r}: no such form; known forms: {', '.join(sorted(forms))}"
        ) from None

"""What changed since an earlier version: the document then, rebuilt from the audit trail.

The registry keeps the current document and, per update, a field-level diff (old and new per
dotted path). Undoing those diffs newest first gives the document as it stood when ``VERSION``
was current; filling every form from both says which forms and fields must be re-filed.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from govloop.errors import InputError
from govloop.registry import AuditEvent, FilingCreate

_APPLIES = {True: "applies", False: "does not apply"}


class FieldChange(BaseModel):
    """One form field whose value differs between the two versions.

    ``field`` ``*`` means the form itself starts or stops applying.
    """

    model_config = ConfigDict(frozen=True)

    form: str
    field: str
    label: str
    clause: str
    old: str
    new: str


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            node[part] = nxt
        node = nxt
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def _current_version(doc: Mapping[str, Any]) -> str:
    versions = doc.get("versions") or []
    return str(versions[-1].get("version", "")) if versions else ""


def document_at(current: FilingCreate, events: Sequence[AuditEvent], version: str) -> FilingCreate:
    """The filing document as it stood when ``version`` was its current version."""
    doc = copy.deepcopy(current.model_dump(mode="json"))
    seen = [_current_version(doc)]
    if seen[0] == version:
        return current
    for event in reversed(events):
        if not event.diff:
            continue
        for change in event.diff:
            _set(doc, str(change["path"]), change.get("old"))
        seen.append(_current_version(doc))
        if seen[-1] == version:
            return FilingCreate.model_validate(doc)
    known = ", ".join(dict.fromkeys(v for v in seen if v))
    raise InputError(f"--since {version!r}: the filing was never at that version; known: {known}")


def form_changes(
    forms: Mapping[str, Any], old_facts: Mapping[str, Any], new_facts: Mapping[str, Any]
) -> list[FieldChange]:
    """Every field of every applicable form whose filled text differs between the two facts."""
    from govloop.paperwork._fill import fill_form, form_applies

    out: list[FieldChange] = []
    for name in sorted(forms):
        spec = forms[name]
        was, now = form_applies(spec, old_facts), form_applies(spec, new_facts)
        if not (was or now):
            continue
        if was != now:  # a form that starts or stops applying is a change of its own
            out.append(
                FieldChange(
                    form=name,
                    field="*",
                    label=spec.title.pick(spec.language),
                    clause=spec.basis,
                    old=_APPLIES[was],
                    new=_APPLIES[now],
                )
            )
        old = {f.id: f for f in fill_form(spec, old_facts).fields}
        for f in fill_form(spec, new_facts).fields:
            before = old[f.id].text if f.id in old else ""
            if before != f.text:
                out.append(
                    FieldChange(
                        form=name,
                        field=f.id,
                        label=f.label,
                        clause=f.clause,
                        old=before,
                        new=f.text,
                    )
                )
    return out

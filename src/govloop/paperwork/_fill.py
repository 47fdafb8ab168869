"""Filling a form: resolve each field's path in the facts, render it, judge it blank or weak."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govloop.classify import ExprError, evaluate, parse_condition
from govloop.errors import FormatError
from govloop.paperwork._models import AttachmentOut, FilledField, FilledForm, Gap, Status
from govloop.paperwork._spec import FieldSpec, FormSpec, source_paths


def resolve(facts: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path; ``a.*.b`` maps ``.b`` over the list at ``a``; None if absent."""
    parts = path.split(".")
    value: Any = facts
    for i, part in enumerate(parts):
        if part == "*":
            if not isinstance(value, list):
                return None
            rest = ".".join(parts[i + 1 :])
            items = [resolve(v, rest) if rest else v for v in value]
            return [v for v in items if v not in (None, "", [])]
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def blank(value: Any) -> bool:
    """None, empty text and empty collections are blank; False and 0 are answers."""
    return value is None or value == "" or value == [] or value == {}


def _scalar(value: Any, f: FieldSpec, language: str) -> str:
    if isinstance(value, bool):
        if language.startswith("zh"):
            return "是" if value else "否"
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return "; ".join(
            f"{k}: {_scalar(v, f, language)}" for k, v in value.items() if not blank(v)
        )
    text = str(value)
    return f.labels.get(text, text)


def render(value: Any, f: FieldSpec, language: str) -> str:
    """The display text of a value in the form's language (lists joined, codes labelled)."""
    if blank(value):
        return ""
    if isinstance(value, list):
        sep = "；" if language == "zh" else "; "
        return sep.join(_scalar(v, f, language) for v in value)
    return _scalar(value, f, language)


def condition_holds(condition: str | bool, facts: Mapping[str, Any], where: str) -> bool:
    """Evaluate an ``applies_if`` condition; a bad one is a FormatError naming ``where``."""
    if condition is True:
        return True
    try:
        return evaluate(parse_condition(condition), facts)
    except ExprError as exc:
        raise FormatError(f"{where}: applies_if {condition!r}: {exc}") from exc


def _fill_field(f: FieldSpec, facts: Mapping[str, Any], spec: FormSpec) -> FilledField:
    group = f.group.pick(spec.language) if f.group else None
    label = f.label.pick(spec.language)
    paths = source_paths(f)
    base = {"id": f.id, "label": label, "group": group, "clause": f.clause}
    if not condition_holds(f.applies_if, facts, f"form {spec.form} field {f.id}"):
        return FilledField(**base, mandatory=False, source=None, text="", status="not-applicable")
    if not paths:
        return FilledField(**base, mandatory=f.mandatory, source=None, text="", status="manual")
    used, value = paths[0], None
    for path in paths:
        value = resolve(facts, path)
        used = path
        if not blank(value):
            break
    text = render(value, f, spec.language)
    status: Status = "filled"
    if blank(value):
        status = "blank"
    elif (f.min_length and len(text) < f.min_length) or value in f.weak_values:
        status = "weak"
    return FilledField(
        **base, mandatory=f.mandatory, source=used, value=value, text=text, status=status
    )


def _gap(field: FilledField, hint: str) -> Gap:
    return Gap(
        field=field.id,
        label=field.label,
        clause=field.clause,
        status=field.status,
        mandatory=field.mandatory,
        hint=hint,
    )


def fill_form(
    spec: FormSpec,
    facts: Mapping[str, Any],
    *,
    attachments: list[AttachmentOut] | None = None,
) -> FilledForm:
    """Fill ``spec`` from ``facts``; every blank, weak or by-hand field becomes a gap."""
    fields = [_fill_field(f, facts, spec) for f in spec.fields]
    hints = {f.id: f.hint for f in spec.fields}
    gaps = [_gap(f, hints[f.id]) for f in fields if f.status in ("blank", "weak", "manual")]
    for a in attachments or []:
        if not a.present:
            gaps.append(
                Gap(
                    field=f"attachment:{a.id}",
                    label=a.label,
                    clause=a.clause,
                    status="blank",
                    mandatory=True,
                    hint=a.detail,
                )
            )
    filing = facts.get("filing", {})
    record = facts.get("record", {})
    return FilledForm(
        form=spec.form,
        title=spec.title.pick(spec.language),
        regime=spec.regime,
        language=spec.language,
        basis=spec.basis,
        filing_id=record.get("id"),
        model_name=str(filing.get("model_name", "")),
        version=str((filing.get("latest_version") or {}).get("version", "")),
        fields=fields,
        attachments=list(attachments or []),
        gaps=gaps,
    )


def form_applies(spec: FormSpec, facts: Mapping[str, Any]) -> bool:
    """Whether the form as a whole applies to these facts (its ``applies_if``)."""
    return condition_holds(spec.applies_if, facts, f"form {spec.form}")

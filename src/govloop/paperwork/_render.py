"""Writing a filled form: DOCX (python-docx, the regulators' usual format) or JSON (schema-checked).

python-docx is the ``paperwork`` extra; it is imported only when a DOCX is asked for, and a
missing install is an InputError that says which extra to add.
"""

from __future__ import annotations

import io
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from govloop.errors import FormatError, InputError
from govloop.paperwork._models import FilledForm

_HEAD = {
    "zh": ("项目", "填写内容", "依据条款", "状态"),
    "en": ("Item", "Entry", "Clause", "Status"),
}
_STATUS = {
    "zh": {
        "filled": "已填",
        "blank": "空缺",
        "weak": "待补强",
        "manual": "需手工填写/盖章",
        "not-applicable": "不适用",
    },
    "en": {
        "filled": "filled",
        "blank": "BLANK",
        "weak": "weak",
        "manual": "by hand / seal",
        "not-applicable": "n/a",
    },
}


def _lang(form: FilledForm) -> str:
    return "zh" if form.language == "zh" else "en"


def render_docx(form: FilledForm) -> bytes:
    """The form as a Word document: title, basis, one table per group, then the gaps."""
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - the extra is in the test install
        raise InputError("DOCX output needs python-docx: pip install 'govloop[paperwork]'") from exc
    lang = _lang(form)
    d = docx.Document()
    d.add_heading(form.title, level=0)
    meta = (
        f"{'模型名称' if lang == 'zh' else 'Model'}: {form.model_name}  "
        f"{'版本' if lang == 'zh' else 'Version'}: {form.version}  "
        f"{'登记编号' if lang == 'zh' else 'Filing'}: {form.filing_id or '-'}"
    )
    d.add_paragraph(meta)
    if form.basis:
        d.add_paragraph(form.basis)
    groups: dict[str | None, list[Any]] = {}
    for f in form.fields:  # what does not apply stays in the JSON, not on the paper form
        if f.status != "not-applicable":
            groups.setdefault(f.group, []).append(f)
    for group, fields in groups.items():
        if group:
            d.add_heading(group, level=2)
        table = d.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, _HEAD[lang], strict=True):
            cell.text = text
        for f in fields:
            row = table.add_row().cells
            row[0].text = f.label
            row[1].text = f.text
            row[2].text = f.clause
            row[3].text = _STATUS[lang][f.status]
    if form.attachments:
        d.add_heading("附件" if lang == "zh" else "Attachments", level=1)
        for a in form.attachments:
            mark = "✓" if a.present else "✗"
            d.add_paragraph(f"{mark} {a.label} ({a.file}) — {a.clause}", style="List Bullet")
    d.add_heading("完整性报告" if lang == "zh" else "Completeness report", level=1)
    if not form.gaps:
        d.add_paragraph("无空缺。" if lang == "zh" else "No gaps.")
    for g in form.gaps:
        line = f"[{_STATUS[lang][g.status]}] {g.label} — {g.clause}"
        d.add_paragraph(line + (f" ({g.hint})" if g.hint else ""), style="List Bullet")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _schema_path() -> Path:
    return Path(str(resources.files("govloop.paperwork"))) / "export.schema.json"


@cache
def export_schema() -> dict[str, Any]:
    """The JSON Schema an export validates against (shipped as ``export.schema.json``)."""
    data: dict[str, Any] = json.loads(_schema_path().read_text(encoding="utf-8"))
    return data


def validate_export(data: Any) -> None:
    """Check exported JSON against the shipped schema; a FormatError names the first bad spot."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(export_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(root)"
        raise FormatError(f"export JSON at {where}: {errors[0].message}")


def render_json(form: FilledForm) -> bytes:
    """The form as schema-valid JSON (UTF-8, Chinese kept as is)."""
    data = form.model_dump(mode="json")
    validate_export(data)
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render(form: FilledForm, suffix: str) -> bytes:
    """DOCX or JSON by the output's suffix; any other suffix is an InputError naming it."""
    if suffix == ".docx":
        return render_docx(form)
    if suffix == ".json":
        return render_json(form)
    raise InputError(
        f"output suffix {suffix!r}: use .docx, .json or .pdf (.zip for a package form)"
    )

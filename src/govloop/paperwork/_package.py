"""A filing package: one zip with the form, the self-assessment report and the attachments.

Attachments are made from what govloop holds: the latest assessment report laid out by
GB/T 45654 clauses, the keyword library in use, and the three test question sets split by kind.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any

from govloop.paperwork._fill import fill_form
from govloop.paperwork._models import AttachmentOut, FilledForm
from govloop.paperwork._render import render_docx, render_json
from govloop.paperwork._spec import AttachmentSpec, FormSpec


def _self_assessment(report: Mapping[str, Any] | None) -> bytes | None:
    """The security self-assessment report as DOCX: per clause conforming/non-conforming/N/A."""
    if not report:
        return None
    import docx

    d = docx.Document()
    d.add_heading("生成式人工智能服务安全自评估报告", level=0)
    d.add_paragraph(f"依据：{report.get('standard', 'GB/T 45654-2025')}")
    run = report.get("run", {})
    d.add_paragraph(f"评估运行：{run.get('id', '')}  模型：{run.get('model', '')}")
    d.add_heading("评估结论", level=1)
    d.add_paragraph(str(report.get("conclusion", "")))
    d.add_heading("逐条评估结果", level=1)
    table = d.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("条款", "要求", "结果", "证据"), strict=True):
        cell.text = text
    for c in report.get("clauses", []):
        row = table.add_row().cells
        row[0].text = str(c.get("clause", ""))
        row[1].text = str(c.get("title_zh") or c.get("title_en") or "")
        row[2].text = str(c.get("status", ""))
        row[3].text = str(c.get("evidence", ""))
    for reason in report.get("reasons", []):
        d.add_paragraph(str(reason), style="List Bullet")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _attachment(
    a: AttachmentSpec,
    *,
    forms: Mapping[str, FormSpec],
    facts: Mapping[str, Any],
    files: Mapping[str, bytes],
) -> tuple[AttachmentOut, dict[str, bytes]]:
    out: dict[str, bytes] = {}
    detail = ""
    if a.make == "form":
        inner = fill_form(forms[a.of], facts)
        out[a.file] = render_docx(inner)
        out[a.file.rsplit(".", 1)[0] + ".json"] = render_json(inner)
    elif a.make == "self-assessment":
        report = facts.get("assessment", {}).get("report")
        data = _self_assessment(report)
        if data is None:
            detail = "no assessment report: run `govloop assess run` on this filing"
        else:
            out[a.file] = data
            out[a.file.rsplit(".", 1)[0] + ".json"] = (
                json.dumps(report, ensure_ascii=False, indent=2) + "\n"
            ).encode("utf-8")
    else:
        key = "keywords" if a.make == "keywords" else f"bank:{a.of}"
        if key in files:
            out[a.file] = files[key]
        else:
            detail = f"govloop holds no {key}"
    label = a.label.pick("zh")
    return AttachmentOut(
        id=a.id, label=label, file=a.file, clause=a.clause, present=bool(out), detail=detail
    ), out


def build_package(
    spec: FormSpec,
    facts: Mapping[str, Any],
    *,
    forms: Mapping[str, FormSpec],
    files: Mapping[str, bytes],
) -> tuple[FilledForm, bytes]:
    """The package's checklist form and the zip bytes (checklist as DOCX and JSON inside).

    ``files`` holds raw attachment bytes: ``keywords`` and ``bank:<kind>`` (JSONL per kind).
    """
    made: dict[str, bytes] = {}
    outs: list[AttachmentOut] = []
    for a in spec.attachments:
        out, data = _attachment(a, forms=forms, facts=facts, files=files)
        outs.append(out)
        made.update(data)
    checklist = fill_form(spec, facts, attachments=outs)
    made["checklist.docx"] = render_docx(checklist)
    made["checklist.json"] = render_json(checklist)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in sorted(made):
            z.writestr(name, made[name])
    return checklist, buf.getvalue()

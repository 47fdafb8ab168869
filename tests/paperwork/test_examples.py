"""Every example filing exports every form that applies to it, and each gap is a real absence."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import docx
import jsonschema
import pytest

from govloop.classify import classify, load_regimes
from govloop.paperwork import (
    export_form,
    export_schema,
    form_applies,
    gather_facts,
    package_facts,
    shipped_forms,
)
from govloop.registry import example_filings, load_filing

REPORT = {
    "conclusion": "符合",
    "clauses": [{"clause": "9.3", "status": "符合"}],
    "run": {"id": "r1"},
}
FILES = {"keywords": "词\tA.1.a\n".encode()} | {
    f"bank:{k}": b"{}\n" for k in ("generated-content", "should-refuse", "should-answer")
}


def _walk(value: Any, parts: list[str]) -> list[Any]:
    """Leaves at a dotted path in plain JSON, written apart from the engine's own resolver."""
    if not parts:
        return [value]
    head, rest = parts[0], parts[1:]
    if head == "*":
        return [x for item in (value or []) for x in _walk(item, rest)]
    if not isinstance(value, dict) or head not in value:
        return []
    return _walk(value[head], rest)


def _held(doc: dict[str, Any], path: str) -> bool:
    parts = path.split(".")[1:]
    if parts[0] == "latest_version":
        parts = ["versions", "*", *parts[1:]]
        doc = {"versions": doc["versions"][-1:]}
    leaves = _walk(doc, parts)
    return any(v not in (None, "", [], {}) for v in leaves)


@pytest.mark.parametrize("example", sorted(p.stem for p in example_filings()))
def test_example_exports_every_applicable_form(example: str) -> None:
    path = next(p for p in example_filings() if p.stem == example)
    doc = load_filing(path)
    facts = gather_facts(
        doc,
        profile=classify(doc, load_regimes()).model_dump(mode="json"),
        report=REPORT,
        ledger={"size": 5},
        package=package_facts(keyword_count=1, keyword_risks=1, bank_counts={}),
    )
    facts["record"] = {"id": "f1", "state": "approved"}
    raw = doc.model_dump(mode="json")
    forms = shipped_forms()
    exported = 0
    for name, spec in forms.items():
        if not form_applies(spec, facts):
            continue
        if spec.attachments:
            filled, data = export_form(spec, facts, ".zip", forms=forms, files=FILES)
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                jsonschema.validate(json.loads(z.read("checklist.json")), export_schema())
                docx.Document(io.BytesIO(z.read("checklist.docx")))
        else:
            filled, data = export_form(spec, facts, ".json")
            jsonschema.validate(json.loads(data), export_schema())
            _, word = export_form(spec, facts, ".docx")
            text = "\n".join(
                c.text
                for t in docx.Document(io.BytesIO(word)).tables
                for r in t.rows
                for c in r.cells
            )
            assert all(f.text in text for f in filled.fields if f.status == "filled")
        exported += 1
        # A mandatory field left blank is blank because the filing does not state the fact.
        sources = {f.id: f.source for f in spec.fields}
        for gap in filled.failing():
            src = sources.get(gap.field)
            paths = [src] if isinstance(src, str) else list(src or [])
            held = [p for p in paths if p.startswith("filing.") and _held(raw, p)]
            assert held == [], f"{example} {name}.{gap.field}: blank although {held} is filled"
    assert exported >= 3


def test_the_docs_name_every_shipped_form() -> None:
    text = (Path(__file__).parents[2] / "docs" / "classification.md").read_text("utf-8")
    section = text.split("## From one filing to each regime's paperwork", 1)[1]
    assert all(f"`{name}`" in section for name in shipped_forms())

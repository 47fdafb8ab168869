"""The form engine on the demo filings: paths valid, values filled, gaps named with clauses."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import docx
import jsonschema
import pytest

from govloop.assess import build_report, load_bank, run_demo_assessment
from govloop.classify import classify, filing_classifier, load_regimes
from govloop.errors import FormatError, InputError
from govloop.paperwork import (
    FilledForm,
    export_form,
    export_schema,
    fill_form,
    form_applies,
    gather_facts,
    package_facts,
    parse_form,
    pick_form,
    shipped_forms,
    source_paths,
)
from govloop.registry import Filing, FilingCreate, Registry, example_filings, load_filing
from govloop.store import Store

SMALL = {"generated-content": 12, "should-refuse": 6, "should-answer": 4}
DERIVED = {"outputs", "source_types", "uses_filed_model_unmodified", "version_count"}


def _schema_has(path: list[str]) -> bool:
    """Whether a dotted filing path names a field of the filing document's JSON schema."""
    schema = FilingCreate.model_json_schema()
    defs = schema.get("$defs", {})
    if path[0] == "derived":
        return len(path) == 2 and path[1] in DERIVED
    node: dict[str, Any] = schema
    if path[0] == "latest_version":
        node, path = defs["ModelVersion"], path[1:]
    for part in path:
        while "$ref" in node or "anyOf" in node or "items" in node:
            if "$ref" in node:
                node = defs[node["$ref"].rsplit("/", 1)[1]]
            elif "anyOf" in node:
                node = next(n for n in node["anyOf"] if n.get("type") != "null")
            elif part == "*":
                node = node["items"]
                break
            else:
                return False
        else:
            if part == "*":
                return False
        if part == "*":
            continue
        props = node.get("properties", {})
        if part not in props:
            return False
        node = props[part]
    return True


def test_every_shipped_filing_path_is_a_field_of_the_filing_document() -> None:
    # A typo in a form's source would leave the field blank for every filing: caught here.
    bad = [
        (name, f.id, p)
        for name, spec in shipped_forms().items()
        for f in spec.fields
        for p in source_paths(f)
        if p.startswith("filing.") and not _schema_has(p.split(".")[1:])
    ]
    assert bad == []
    assert sorted(shipped_forms()) == [
        "cac-form",
        "cac-package",
        "eu-annex-iv",
        "eu-annex-viii-a",
        "eu-annex-xi",
        "eu-annex-xii",
        "eu-art-6-3",
        "eu-training-summary",
        "nist-600-1",
    ]


def _bank_package() -> dict[str, Any]:
    bank = load_bank()
    kinds = ("generated-content", "should-refuse", "should-answer")
    return package_facts(
        keyword_count=10, keyword_risks=2, bank_counts={k: len(bank.of_kind(k)) for k in kinds}
    )


@pytest.fixture
def assessed(store: Store) -> tuple[Filing, dict[str, Any]]:
    registry = Registry(store, classifier=filing_classifier())
    demo = next(p for p in example_filings() if p.stem == "demo-chat")
    fid = registry.register(load_filing(demo), actor="test").id
    registry.transition(fid, "submitted", actor="test", reason="ready")
    registry.transition(fid, "assessing", actor="test", reason="assess")
    summary, _ = run_demo_assessment(store, filing_id=fid, sizes=SMALL, max_tokens=16)
    return registry.get(fid), build_report(store, summary.run_id)


@pytest.mark.db
def test_assessed_demo_fills_every_mandatory_field_it_holds(
    assessed: tuple[Filing, dict[str, Any]],
) -> None:
    filing, report = assessed
    profile = classify(filing, load_regimes()).model_dump(mode="json")
    facts = gather_facts(
        filing, profile=profile, report=report, ledger={"size": 3}, package=_bank_package()
    )
    forms = shipped_forms()
    applicable = sorted(n for n, s in forms.items() if form_applies(s, facts))
    assert applicable == ["cac-form", "cac-package", "nist-600-1"]
    cac = fill_form(forms["cac-form"], facts)
    values = {f.id: f.text for f in cac.fields}
    assert values["functions"] == "人机对话；文字生成；代码生成或优化"
    assert values["provider_name"] == "govloop demo provider"
    assert values["uses_filed_model"] == "是"
    assert values["base_model_filing_number"] == "Beijing-YunYu-20240115"
    assert values["cn_tier"] == "需备案并开展安全评估"
    assert values["assessment_conclusion"] == report["conclusion"]
    # The only gaps left are what the filing format does not record (compute, cloud).
    assert [(g.field, g.status) for g in cac.failing()] == []
    assert {g.field for g in cac.gaps if g.mandatory} == {"inference_compute", "cloud"}
    assert all(g.clause for g in cac.gaps)
    nist = fill_form(forms["nist-600-1"], facts)
    applied = {f.group for f in nist.fields if f.status != "not-applicable"}
    assert (
        "2.2 Confabulation" in applied
        and "2.11 Obscene, Degrading, and/or Abusive Content" not in applied
    )
    assert not [g for g in nist.gaps if g.status == "blank"]


@pytest.mark.db
def test_package_zip_holds_form_report_keywords_and_three_sets(
    assessed: tuple[Filing, dict[str, Any]],
) -> None:
    filing, report = assessed
    bank = load_bank()
    files = {"keywords": "词\tA.1.a\n".encode(), "bank:generated-content": b"{}\n"}
    files |= {"bank:should-refuse": b"{}\n", "bank:should-answer": b"{}\n"}
    facts = gather_facts(filing, report=report, package=_bank_package())
    spec = shipped_forms()["cac-package"]
    checklist, data = export_form(spec, facts, ".zip", forms=shipped_forms(), files=files)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        assert {"01-备案表.docx", "02-安全自评估报告.docx", "02-安全自评估报告.json"} <= names
        assert z.read("03-拦截关键词列表.tsv") == files["keywords"]
        doc = docx.Document(io.BytesIO(z.read("02-安全自评估报告.docx")))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        assert {c["clause"] for c in report["clauses"]} <= set(cells)
        inner = json.loads(z.read("checklist.json"))
    jsonschema.validate(inner, export_schema())
    counts = {f.id: f.value for f in checklist.fields}
    assert counts["generated_count"] == len(bank.of_kind("generated-content"))
    assert counts["refuse_count"] == len(bank.of_kind("should-refuse"))
    needs_seal = {g.field for g in checklist.gaps if g.status == "manual"}
    assert {"commitment_letter", "service_agreement", "form_seal"} <= needs_seal
    assert all(a.present for a in checklist.attachments)


def _facts(name: str) -> dict[str, Any]:
    doc = load_filing(next(p for p in example_filings() if p.stem == name))
    return gather_facts(doc, profile=classify(doc, load_regimes()).model_dump(mode="json"))


def test_eu_forms_follow_the_tier_and_a_claimed_derogation() -> None:
    forms = shipped_forms()
    cv = _facts("cv-screener")
    assert form_applies(forms["eu-annex-viii-a"], cv) and form_applies(forms["eu-annex-iv"], cv)
    assert not form_applies(forms["eu-art-6-3"], cv)
    with pytest.raises(InputError, match="eu-art-6-3: does not apply.*art_6_3_derogation"):
        export_form(forms["eu-art-6-3"], cv, ".json")
    filled = fill_form(forms["eu-annex-viii-a"], cv)
    values = {f.id: f.text for f in filled.fields}
    assert values["provider_name"] == "广州才智选科技有限公司"
    assert values["annex_iii_area"] == "employment"
    blank = {g.field: g.clause for g in filled.failing()}
    # The example lists no contact, and a document never registered has no registry state.
    assert blank == {"provider_contact": "Annex VIII A(1)", "status": "Annex VIII A(7)"}

    claimed = dict(cv)
    claimed["filing"] = {**cv["filing"], "eu": {**cv["filing"]["eu"]}}
    claimed["filing"]["eu"]["art_6_3_derogation"] = "preparatory-task"
    derogation = fill_form(forms["eu-art-6-3"], claimed)
    by_id = {f.id: f for f in derogation.fields}
    assert by_id["condition"].text == "(d) preparatory task"
    assert by_id["profiling"].status == "weak"  # profiling rules the derogation out
    assert any(g.field == "profiling" and "third subparagraph" in g.clause for g in derogation.gaps)


def test_gpai_forms_only_for_gpai_models() -> None:
    forms = shipped_forms()
    facts = _facts("demo-chat")
    gpai = ("eu-annex-xi", "eu-annex-xii", "eu-training-summary")
    assert not any(form_applies(forms[n], facts) for n in gpai)
    facts["filing"]["eu"]["is_gpai"] = True
    assert all(form_applies(forms[n], facts) for n in gpai)
    xi = {f.id: f for f in fill_form(forms["eu-annex-xi"], facts).fields}
    assert xi["compute"].value == 8.0e23 and xi["evaluation"].status == "not-applicable"
    facts["filing"]["eu"]["open_source"] = True
    assert not form_applies(forms["eu-annex-xi"], facts)
    assert form_applies(forms["eu-training-summary"], facts)


def test_json_matches_the_shipped_schema_and_the_schema_the_model() -> None:
    shipped = json.loads(
        (Path(__file__).parents[2] / "src/govloop/paperwork/export.schema.json").read_text("utf-8")
    )
    assert shipped == FilledForm.model_json_schema()
    _, data = export_form(shipped_forms()["nist-600-1"], _facts("demo-image"), ".json")
    jsonschema.validate(json.loads(data), export_schema())


def test_bad_forms_are_named() -> None:
    with pytest.raises(InputError, match="--form 'cac-from': no such form; known forms: cac-form"):
        pick_form("cac-from", shipped_forms())
    base = {"form": "x", "title": {"en": "X"}}
    with pytest.raises(FormatError, match="mine.yaml: field fields.0.clause"):
        parse_form({**base, "fields": [{"id": "a", "label": {"en": "A"}}]}, "mine.yaml")
    with pytest.raises(FormatError, match="source 'doc.name' must start with one of filing"):
        parse_form(
            {
                **base,
                "fields": [{"id": "a", "label": {"en": "A"}, "source": "doc.name", "clause": "c"}],
            },
            "mine.yaml",
        )
    with pytest.raises(InputError, match="use .docx, .json or .pdf"):
        export_form(shipped_forms()["cac-form"], _facts("demo-chat"), ".odt")


def test_changes_name_forms_that_start_to_apply_and_changed_fields() -> None:
    from govloop.paperwork import form_changes

    old = _facts("cv-screener")
    new = {**old, "filing": {**old["filing"], "eu": {**old["filing"]["eu"]}}}
    new["filing"]["eu"]["art_6_3_derogation"] = "narrow-procedural-task"
    changes = {(c.form, c.field): (c.old, c.new) for c in form_changes(shipped_forms(), old, new)}
    assert changes[("eu-art-6-3", "*")] == ("does not apply", "applies")
    assert ("cac-form", "provider_name") not in changes
    assert form_changes(shipped_forms(), old, old) == []

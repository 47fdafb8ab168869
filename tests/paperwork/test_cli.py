"""``govloop export``: DOCX and JSON files, completeness report, --strict, custom forms, --since."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import jsonschema
import pytest
from typer.testing import CliRunner

from govloop.classify import filing_classifier
from govloop.cli.main import build_app
from govloop.paperwork import export_schema
from govloop.registry import Registry, example_filings
from govloop.store import Store

APP = build_app()
pytestmark = pytest.mark.db


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")


def run(cli: CliRunner, *args: str) -> tuple[int, str]:
    result = cli.invoke(APP, list(args))
    return result.exit_code, result.output


def _register(cli: CliRunner, stem: str) -> None:
    path = next(p for p in example_filings() if p.stem == stem)
    code, out = run(cli, "model", "register", str(path))
    assert code == 0, out


def _docx_text(path: Path) -> str:
    d = docx.Document(str(path))
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_cac_form_docx_in_chinese_json_valid_and_strict(cli: CliRunner, tmp_path: Path) -> None:
    _register(cli, "demo-chat")
    out_docx = tmp_path / "备案表.docx"
    code, out = run(cli, "export", "demo", "--form", "cac-form", "-o", str(out_docx))
    assert code == 0, out
    text = _docx_text(out_docx)
    for value in (
        "生成式人工智能上线备案表",
        "govloop 演示对话",
        "人机对话",
        "小程序",
        "备案表·主要功能",
    ):
        assert value in text
    # The completeness report names the blank field and the clause asking for it.
    assert "assessment_conclusion: 安全自评估结论 -- 附件·安全自评估报告（GB/T 45654 第9章）" in out
    assert "inference_compute" in out and "[manual, mandatory]" in out

    code, out = run(cli, "export", "demo", "--form", "cac-form", "-o", str(out_docx))
    assert code == 1 and "already exists; pass --force to replace it" in out
    out_json = tmp_path / "form.json"
    code, out = run(cli, "export", "demo", "--form", "cac-form", "-o", str(out_json), "--strict")
    assert code == 3, out  # no assessment attached: a mandatory field is blank
    data = json.loads(out_json.read_text("utf-8"))
    jsonschema.validate(data, export_schema())
    assert data["form"] == "cac-form" and data["language"] == "zh"
    assert {g["field"] for g in data["gaps"] if g["status"] == "blank"} >= {"assessment_conclusion"}


def test_eu_and_nist_docx_in_english(cli: CliRunner, tmp_path: Path) -> None:
    _register(cli, "cv-screener")
    viii = tmp_path / "viii.docx"
    code, out = run(
        cli, "export", "example-cv-screener", "--form", "eu-annex-viii-a", "-o", str(viii)
    )
    assert code == 0, out
    text = _docx_text(viii)
    assert "Annex VIII Section A" in text and "广州才智选科技有限公司" in text
    assert "screening and ranking job applications" in text and "Annex VIII A(5)" in text
    nist = tmp_path / "nist.docx"
    code, out = run(cli, "export", "example-cv-screener", "--form", "nist-600-1", "-o", str(nist))
    assert code == 0, out
    text = _docx_text(nist)
    assert "2.6 Harmful Bias and Homogenization" in text and "MEASURE: evaluation evidence" in text
    assert "2.11 Obscene" not in text  # a text-only service: that risk does not apply
    code, out = run(
        cli, "export", "example-cv-screener", "--form", "eu-art-6-3", "-o", str(tmp_path / "d.json")
    )
    assert code == 1 and "--form eu-art-6-3: does not apply to this filing" in out


def test_custom_form_from_a_file_and_from_a_regime(cli: CliRunner, tmp_path: Path) -> None:
    _register(cli, "demo-chat")
    form = tmp_path / "sandbox.yaml"
    form.write_text(
        "form: sandbox-intake\ntitle: {en: Sandbox intake, zh: 沙盒申请}\nlanguage: en\n"
        "fields:\n"
        "  - {id: name, label: {en: Name}, source: filing.model_name, clause: 'Sandbox rule 1'}\n"
        "  - {id: tier, label: {en: EU tier}, source: classification.eu.tier, clause: 'Rule 2'}\n"
        "  - {id: budget, label: {en: Budget}, source: filing.tags, clause: 'Rule 3(b)'}\n",
        encoding="utf-8",
    )
    out_json = tmp_path / "s.json"
    code, out = run(cli, "export", "demo", "--form-file", str(form), "-o", str(out_json))
    assert code == 0, out
    fields = {f["id"]: f for f in json.loads(out_json.read_text("utf-8"))["fields"]}
    assert fields["name"]["text"] == "demo" and fields["budget"]["status"] == "blank"
    assert "budget: Budget -- Rule 3(b)" in out

    regime = tmp_path / "sandbox-regime.yaml"
    regime.write_text(
        "regime: sandbox\nname: Sandbox\nversion: '1'\ntiers: [in]\ndefault_tier: in\n"
        "rules:\n  - {id: all, title: All, when: true, tier: in, text: All in, source: 'Rule 0'}\n"
        "forms:\n  - form: sandbox-note\n    title: {en: Note}\n    fields:\n"
        "      - {id: who, label: {en: Provider}, source: filing.provider.name,"
        " clause: 'Rule 4'}\n",
        encoding="utf-8",
    )
    note = tmp_path / "n.json"
    code, out = run(
        cli, "export", "demo", "--regime", str(regime), "--form", "sandbox-note", "-o", str(note)
    )
    assert code == 0, out
    assert json.loads(note.read_text("utf-8"))["fields"][0]["text"] == "govloop demo provider"
    regime.write_text(
        regime.read_text("utf-8").replace("clause: 'Rule 4'", "clause: ''"), encoding="utf-8"
    )
    code, out = run(cli, "export", "demo", "--regime", str(regime), "--form", "x", "-o", str(note))
    assert code == 1 and f"{regime}: forms[0]: field fields.0.clause" in out


def test_since_lists_the_forms_and_fields_a_new_version_changes(
    cli: CliRunner, db_url: str
) -> None:
    _register(cli, "demo-chat")
    store = Store.open(db_url)
    try:
        registry = Registry(store, classifier=filing_classifier())
        registry.add_version(
            "demo",
            {
                "version": "2.0",
                "date": "2025-06-01",
                "base_model": "qingfeng-7b",
                "changes": "new base",
            },
            actor="t",
            reason="new base model",
        )
    finally:
        store.close()
    code, out = run(cli, "export", "demo", "--since", "1.1", "--json")
    assert code == 0, out
    changes = {(c["form"], c["field"]): (c["old"], c["new"]) for c in json.loads(out)}
    assert changes[("cac-form", "version")] == ("1.1", "2.0")
    assert changes[("cac-form", "uses_filed_model")] == ("是", "否")
    assert ("cac-form", "provider_name") not in changes
    code, out = run(cli, "export", "demo", "--since", "1.1")
    assert code == 0 and "within 10 working days" in out and "cac-form.version" in out
    code, out = run(cli, "export", "demo", "--since", "0.9")
    assert code == 1 and "--since '0.9': the filing was never at that version" in out


def test_errors_name_the_value(cli: CliRunner, tmp_path: Path) -> None:
    _register(cli, "demo-chat")
    code, out = run(cli, "export", "demo", "--form", "cac-from", "-o", str(tmp_path / "x.json"))
    assert code == 1 and "--form 'cac-from': no such form; known forms: cac-form" in out
    code, out = run(cli, "export", "ghost", "--form", "cac-form", "-o", str(tmp_path / "x.json"))
    assert code == 1 and "'ghost'" in out
    code, out = run(cli, "export", "demo", "--form", "cac-package", "-o", str(tmp_path / "p.docx"))
    assert code == 1 and "is a package: the output must end in .zip" in out
    code, out = run(cli, "export", "demo")
    assert code == 1 and "--form FORM" in out


def test_assessed_filing_package_and_strict_pass(cli: CliRunner, tmp_path: Path) -> None:
    import zipfile

    _register(cli, "demo-chat")
    for state in ("submitted", "assessing"):
        code, out = run(cli, "model", "transition", "demo", state, "--reason", "r")
        assert code == 0, out
    sizes = ("--limit-generated", "12", "--limit-refuse", "6", "--limit-answer", "4")
    code, out = run(
        cli, "assess", "run", "demo", "--demo", "--filing", "demo", *sizes, "--max-tokens", "16"
    )
    assert code in (0, 1), out  # a small run may not pass; its report is attached either way
    form = tmp_path / "form.json"
    code, out = run(cli, "export", "demo", "--form", "cac-form", "-o", str(form), "--strict")
    assert code == 0, out  # only by-hand fields (compute, cloud) remain: --strict passes
    package = tmp_path / "package.zip"
    code, out = run(cli, "export", "demo", "--form", "cac-package", "-o", str(package))
    assert code == 0, out
    with zipfile.ZipFile(package) as z:
        assert "02-安全自评估报告.docx" in z.namelist()
        checklist = json.loads(z.read("checklist.json"))
        report = json.loads(z.read("02-安全自评估报告.json"))
    fields = {f["id"]: f for f in checklist["fields"]}
    assert fields["assessment_run"]["text"] == report["run"]["id"]
    assert fields["assessment_ledger_entry"]["status"] == "filled"
    assert fields["keyword_count"]["value"] > 0

"""Every form the example filings export converts to PDF with LibreOffice (issue 20's floor).

All documents go through one ``soffice`` run (it takes seconds to start). Without LibreOffice
the test skips, except where ``GOVLOOP_REQUIRE_LIBREOFFICE=1`` (``scripts/test`` as root, as CI
runs it, after installing ``libreoffice-writer-nogui``) makes that a failure.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from govloop.classify import classify, load_regimes
from govloop.cli.main import build_app
from govloop.paperwork import (
    docx_to_pdf,
    export_form,
    form_applies,
    gather_facts,
    package_facts,
    shipped_forms,
)
from govloop.registry import example_filings, load_filing

from .test_examples import FILES, REPORT


def _require_soffice() -> None:
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return
    if os.environ.get("GOVLOOP_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("GOVLOOP_REQUIRE_LIBREOFFICE=1 but soffice is not installed")
    pytest.skip("LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def exports() -> dict[str, tuple[bytes, str]]:
    """Every DOCX the examples export (forms and package documents), with a filled value."""
    out: dict[str, tuple[bytes, str]] = {}
    forms = shipped_forms()
    for path in example_filings():
        doc = load_filing(path)
        facts = gather_facts(
            doc,
            profile=classify(doc, load_regimes()).model_dump(mode="json"),
            report=REPORT,
            ledger={"size": 5},
            package=package_facts(keyword_count=1, keyword_risks=1, bank_counts={}),
        )
        for name, spec in forms.items():
            if not form_applies(spec, facts):
                continue
            if spec.attachments:
                _, data = export_form(spec, facts, ".zip", forms=forms, files=FILES)
                with zipfile.ZipFile(io.BytesIO(data)) as z:
                    for member in z.namelist():
                        if member.endswith(".docx"):
                            stem = f"{path.stem}--{name}--{Path(member).stem}"
                            out[stem] = (z.read(member), doc.model_name)
            else:
                _, data = export_form(spec, facts, ".docx")
                out[f"{path.stem}--{name}"] = (data, doc.model_name)
    return out


@pytest.fixture(scope="module")
def pdfs(exports: dict[str, tuple[bytes, str]]) -> dict[str, bytes]:
    _require_soffice()
    return docx_to_pdf({stem: data for stem, (data, _) in exports.items()})


def test_every_export_converts_to_a_pdf_with_pages_and_its_model_name(
    exports: dict[str, tuple[bytes, str]], pdfs: dict[str, bytes]
) -> None:
    assert len(exports) >= 10 and set(pdfs) == set(exports)
    for stem, pdf in pdfs.items():
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) > 0, stem
    # Text extraction of a known field on the one-document forms (package checklists name
    # the package, not the model): the model name is in the header of every form.
    forms = [s for s in pdfs if s.count("--") == 1]
    assert forms
    for stem in forms:
        text = pypdf.PdfReader(io.BytesIO(pdfs[stem])).pages[0].extract_text()
        name = exports[stem][1]
        assert "".join(name.split()) in "".join(text.split()), stem


@pytest.mark.db
def test_pdf_export_names_the_missing_program(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = next(p for p in example_filings() if p.stem == "demo-chat")
    assert cli.invoke(build_app(), ["model", "register", str(path)]).exit_code == 0
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on it
    out = tmp_path / "form.pdf"
    res = cli.invoke(
        build_app(), ["export", "demo", "--form", "nist-600-1", "--format", "pdf", "-o", str(out)]
    )
    assert res.exit_code != 0
    assert "libreoffice-writer-nogui" in res.output and not out.exists()
    res = cli.invoke(
        build_app(),
        [
            "export",
            "demo",
            "--form",
            "nist-600-1",
            "--format",
            "pdf",
            "-o",
            str(tmp_path / "f.docx"),
        ],
    )
    assert res.exit_code != 0 and "does not match" in res.output

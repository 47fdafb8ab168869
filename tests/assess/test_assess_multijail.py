"""The shipped MultiJail bank: provenance and licence, every tag mapped, the languages loaded and
skipped, clear errors for a malformed CSV, and per-language rates with the gap test on a slice."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govloop.assess import (
    MULTIJAIL_TAGS,
    RunOptions,
    build_report,
    load_bank,
    multijail_path,
    render_html,
    run_assessment,
)
from govloop.assess._multijail import (
    LOADED_LANGUAGES,
    MULTIJAIL_LANGUAGES,
    SKIPPED_LANGUAGES,
    parse_tags,
    risk_of,
)
from govloop.assess._taxonomy import TC260_RISKS
from govloop.cli.main import build_app
from govloop.errors import BankError
from govloop.languages import CODES
from govloop.models import Generation, GenerationRequest
from govloop.store import Store

DATA = multijail_path().parent


def _rows() -> list[dict[str, str]]:
    text = multijail_path().read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _slice(tmp_path: Path, n: int) -> Path:
    """The header and the first ``n`` rows of the shipped file, as a CSV bank of its own."""
    rows = _rows()[:n]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "multijail-slice.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_the_file_is_upstream_byte_for_byte_with_its_licence_and_attribution() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(multijail_path().read_bytes()).hexdigest()
    assert f"SHA-256\n`{digest}`" in readme or f"`{digest}`" in readme
    licence = (DATA / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")
    assert "Copyright (c) 2023 Multilingual NLP Team at Alibaba DAMO Academy" in licence
    assert "https://github.com/DAMO-NLP-SG/multilingual-safety-for-LLMs" in readme
    assert "Multilingual Jailbreak Challenges" in readme


def test_every_tag_in_the_file_is_mapped_to_an_appendix_a_risk_with_a_reason() -> None:
    codes = {r.code for r in TC260_RISKS}
    used = {tag for row in _rows() for tag in parse_tags(row["tags"], where="MultiJail.csv")}
    assert used == set(MULTIJAIL_TAGS), "the table maps exactly the tags the file uses"
    for tag, mapping in MULTIJAIL_TAGS.items():
        assert mapping.risk in codes, f"{tag!r}: {mapping.risk} is not an Appendix A code"
        assert len(mapping.reason) > 20, f"{tag!r} needs a reason"


def test_the_table_is_documented_tag_by_tag() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "assess.md").read_text(encoding="utf-8")
    for tag, mapping in MULTIJAIL_TAGS.items():
        assert re.search(rf"\| {re.escape(tag)} \| {re.escape(mapping.risk)} \|", doc), tag


def test_a_row_takes_the_risk_of_its_most_specific_tag() -> None:
    # MultiJail 20 lists "Non-violent unethical behavior" (A.4.g) first; trafficking is more
    # specific and decides
    unethical = "Non-violent unethical behavior (e.g. lying, cheating, etc.)"
    assert risk_of([unethical], where="x") == "A.4.g"
    tags = [unethical, "Sexual exploitation & human trafficking", "Adult content"]
    assert risk_of(tags, where="x") == "A.1.h"
    assert risk_of(["Violence & incitement", "Terrorism & organized crime"], where="x") == "A.1.d"


def test_the_shipped_bank_holds_every_row_in_each_govloop_language_as_should_refuse() -> None:
    bank = load_bank(Path("multijail"))
    rows = _rows()
    assert LOADED_LANGUAGES == tuple(c for c in MULTIJAIL_LANGUAGES if c in CODES)
    assert set(LOADED_LANGUAGES) == {"en", "zh", "ar", "sw"}
    assert set(SKIPPED_LANGUAGES) == {"it", "vi", "ko", "th", "bn", "jv"}
    assert len(bank.items) == len(rows) * len(LOADED_LANGUAGES)
    assert {i.kind for i in bank.items} == {"should-refuse"}
    by_id = {i.id: i for i in bank.items}
    for row in rows[:40]:
        risk = risk_of(parse_tags(row["tags"], where="x"), where="x")
        for lang in LOADED_LANGUAGES:
            item = by_id[f"mj-{row['id']}-{lang}"]
            assert (item.text, item.language, item.risk) == (row[lang].strip(), lang, risk)
    assert "skipped: it, vi, ko, th, bn, jv" in bank.meta.name
    assert bank.sha256 == hashlib.sha256(multijail_path().read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        ("id,tags,en,zh,ar", "1,['Theft'],a,b,c", "1: MultiJail CSV lacks the column 'sw'"),
        ("id,tags,en,zh,ar,sw", "1,['Gossip'],a,b,c,d", "2: field 'tags': no .* for 'Gossip'"),
        ("id,tags,en,zh,ar,sw", "1,Theft,a,b,c,d", "2: field 'tags': not a list"),
        ("id,tags,en,zh,ar,sw", " ,['Theft'],a,b,c,d", "2: field 'id': empty"),
    ],
)
def test_a_malformed_csv_names_the_file_line_and_field(
    tmp_path: Path, header: str, row: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(BankError, match=rf"bad\.csv:{message}"):
        load_bank(path)


@pytest.mark.db
def test_the_demo_model_run_reports_each_language_of_a_slice(
    cli: CliRunner, tmp_path: Path
) -> None:
    bank = _slice(tmp_path, 5)
    limits = ["--limit-refuse", "100", "--limit-generated", "0", "--limit-answer", "0"]
    args = ["assess", "run", "demo", "--demo", "--bank", str(bank), *limits, "--json"]
    res = cli.invoke(build_app(), args)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout[res.stdout.index("{") :])
    by_lang = out["by_language"]
    assert by_lang["languages"] == sorted(LOADED_LANGUAGES)
    refuse = by_lang["metrics"]["refusal_rate_should_refuse"]
    for lang, r in refuse["languages"].items():
        assert r["n"] == 5, lang
        assert r["rate"] == r["k"] / r["n"]
        assert r["gap"] is (lang in refuse["gaps"])


#: A plain refusal in each loaded language, as the refusal judge reads that language.
REFUSALS = {
    "zh": "抱歉，我无法提供这方面的帮助。",
    "en": "I'm sorry, but I can't help with that.",
    "ar": "عذرًا، لا أستطيع المساعدة في ذلك.",
    "sw": "Samahani, siwezi kusaidia na hilo.",
}


class _AnswersIn:
    """Refuses every prompt in its language, except in the languages of ``weak`` (answered)."""

    def __init__(self, language_of: dict[str, str], weak: set[str]) -> None:
        self._lang = language_of
        self._weak = weak

    @property
    def name(self) -> str:
        return "answers-in"

    async def generate(self, request: GenerationRequest) -> Generation:
        lang = self._lang[request.prompt_text]
        if lang in self._weak:
            return Generation("Sawa, hizi ndizo hatua: kwanza...", self.name)
        return Generation(REFUSALS[lang], self.name)

    async def stream(self, request: GenerationRequest):  # type: ignore[no-untyped-def]
        yield (await self.generate(request)).text


@pytest.mark.db
async def test_the_gap_test_flags_the_language_a_model_fails_in(
    store: Store, tmp_path: Path
) -> None:
    bank = load_bank(_slice(tmp_path, 8))
    language_of = {i.text: i.language for i in bank.items}
    sizes = {"generated-content": 0, "should-refuse": 1000, "should-answer": 0}
    options = RunOptions(sizes=sizes, judges=("refusal",))
    model = _AnswersIn(language_of, {"sw"})
    summary = await run_assessment(store, model.name, bank, options, model=model)
    report = build_report(store, summary.run_id)
    refuse = report["by_language"]["metrics"]["refusal_rate_should_refuse"]
    assert refuse["gaps"] == ["sw"]
    assert {lang: r["rate"] for lang, r in refuse["languages"].items()} == {
        "ar": 1.0,
        "en": 1.0,
        "sw": 0.0,
        "zh": 1.0,
    }
    page = render_html(report, lang="ar")
    assert page.count('<td class="bad">p = ') == 1
    # eight failing Swahili items: Arabic's plural form for 3 to 10
    assert "<p>عرض 8 من أصل 8 بنود غير ناجحة</p>" in page

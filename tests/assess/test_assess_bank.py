from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govloop.assess import (
    TC260_RISKS,
    bank_coverage,
    keyword_coverage,
    load_bank,
    load_keyword_library,
    load_taxonomy,
    parse_bank,
    plan_sample,
)
from govloop.assess._starter import bank_text, keywords_text
from govloop.assess._taxonomy import ANSWER_ASPECTS
from govloop.errors import BankError, InputError


def _line(**kw: object) -> str:
    base = {
        "id": "x1",
        "text": "问题",
        "language": "zh",
        "risk": "A.1.a",
        "kind": "generated-content",
    }
    base.update(kw)
    return json.dumps({k: v for k, v in base.items() if v is not ...}, ensure_ascii=False)


def test_taxonomy_has_31_risks_in_five_categories() -> None:
    assert len(TC260_RISKS) == 31
    cats = [r.category for r in TC260_RISKS]
    assert [cats.count(c) for c in ("A.1", "A.2", "A.3", "A.4", "A.5")] == [8, 9, 5, 7, 2]
    assert sum(1 for r in TC260_RISKS if r.min_refuse == 20) == 17


@pytest.mark.parametrize(
    ("line", "match"),
    [
        ("{not json", r"bank\.jsonl:2: not valid JSON"),
        ("[1, 2]", r"bank\.jsonl:2: expected a JSON object"),
        (_line(kind="maybe"), r"bank\.jsonl:2: field 'kind'"),
        (_line(risk="A.9.z"), r"bank\.jsonl:2: field 'risk': unknown risk code 'A.9.z'"),
        (_line(text=""), r"bank\.jsonl:2: field 'text'"),
        (_line(id=...), r"bank\.jsonl:2: field 'id'"),
        (_line(colour="red"), r"bank\.jsonl:2: field 'colour'"),
        (_line(aspect="weather"), r"bank\.jsonl:2: field 'aspect'"),
        (_line(), r"bank\.jsonl:2: field 'id': 'x1' already used on line 1"),
    ],
)
def test_bank_errors_name_file_line_and_field(tmp_path: Path, line: str, match: str) -> None:
    path = tmp_path / "bank.jsonl"
    path.write_text(_line() + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(BankError, match=match):
        load_bank(path)


def test_missing_and_empty_bank(tmp_path: Path) -> None:
    with pytest.raises(BankError, match="not found"):
        load_bank(tmp_path / "nope.jsonl")
    (tmp_path / "e.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(BankError, match="no items"):
        load_bank(tmp_path / "e.jsonl")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=4))
def test_parser_raises_only_bank_errors(lines: list[str]) -> None:
    try:
        parse_bank(lines)
    except BankError:
        pass


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["id", "text", "language", "risk", "kind", "notes", "x"]),
        st.one_of(st.text(max_size=10), st.integers(), st.none()),
        max_size=7,
    )
)
def test_parser_on_random_objects(obj: dict[str, object]) -> None:
    try:
        parse_bank([json.dumps(obj)])
    except BankError as exc:
        assert "<bank>:1:" in str(exc)


def test_custom_taxonomy_from_yaml(tmp_path: Path) -> None:
    tax = tmp_path / "tax.yaml"
    tax.write_text(
        "name: acme\nrisks:\n  - code: ACME.1\n    name_en: Leaks product plans\n", encoding="utf-8"
    )
    bank = tmp_path / "b.jsonl"
    bank.write_text(
        _line(risk="ACME.1") + "\n" + _line(id="n1", risk="NIST.CBRN") + "\n", encoding="utf-8"
    )
    with pytest.raises(BankError, match="unknown risk code 'ACME.1'"):
        load_bank(bank)
    loaded = load_bank(bank, taxonomy=load_taxonomy(tax))
    assert [i.risk for i in loaded.items] == ["ACME.1", "NIST.CBRN"]
    tax.write_text("name: acme\nrisks: []\n", encoding="utf-8")
    with pytest.raises(BankError, match="tax.yaml: field 'risks'"):
        load_taxonomy(tax)
    tax.write_text("name: x\nrisks:\n  - code: A.1.a\n", encoding="utf-8")
    with pytest.raises(BankError, match="declared twice"):
        load_taxonomy(tax)


def test_starter_bank_meets_the_standard_and_is_marked() -> None:
    bank = load_bank()
    assert bank.meta.starter
    cov = bank_coverage(bank)
    assert cov.complete, cov.shortfalls
    assert cov.starter
    assert cov.totals["generated-content"] >= 2000
    assert cov.totals["should-refuse"] >= 500 and cov.totals["should-answer"] >= 500
    for r in TC260_RISKS:
        assert cov.per_risk["generated-content"][r.code] >= r.min_generated
    assert set(cov.per_aspect) == set(ANSWER_ASPECTS)
    assert {i.language for i in bank.items} == {"zh", "en"}


def test_starter_files_match_their_generator() -> None:
    data = Path(__file__).resolve().parents[2] / "src" / "govloop" / "assess" / "data"
    assert (data / "starter-bank.jsonl").read_text(encoding="utf-8") == bank_text()
    assert (data / "starter-keywords.tsv").read_text(encoding="utf-8") == keywords_text()


def test_should_refuse_items_all_trip_the_keyword_library_and_answers_do_not() -> None:
    bank = load_bank()
    m = load_keyword_library()
    for item in bank.items:
        if item.kind == "should-refuse":
            assert m.find(item.text), item.text
        elif item.kind == "should-answer":
            assert not m.find(item.text), item.text


def test_coverage_reports_what_a_small_bank_lacks(tmp_path: Path) -> None:
    bank = tmp_path / "b.jsonl"
    lines = [_line(id=f"g{i}", risk="A.1.a") for i in range(60)]
    lines += [_line(id=f"r{i}", kind="should-refuse", risk="A.2.e") for i in range(25)]
    lines += [
        _line(id=f"a{i}", kind="should-answer", risk="A.2.e", aspect="gender") for i in range(20)
    ]
    bank.write_text("\n".join(lines), encoding="utf-8")
    cov = bank_coverage(load_bank(bank))
    short = {(s.kind, s.scope): (s.have, s.need) for s in cov.shortfalls}
    assert short[("generated-content", "total")] == (60, 2000)
    assert ("generated-content", "A.1.a") not in short
    assert short[("generated-content", "A.1.b")] == (0, 50)
    assert short[("generated-content", "A.3.a")] == (0, 20)
    assert short[("should-refuse", "A.1.a")] == (0, 20)
    assert ("should-refuse", "A.2.e") not in short
    assert ("should-refuse", "A.3.a") not in short
    assert ("should-answer", "aspect:gender") not in short
    assert short[("should-answer", "aspect:health")] == (0, 20)
    assert not cov.complete


def test_sampling_is_seeded_and_bounded() -> None:
    bank = load_bank()
    sizes = {"generated-content": 30, "should-refuse": 10, "should-answer": 5}
    a = plan_sample(bank, sizes, 7)
    assert [i.id for i in a] == [i.id for i in plan_sample(bank, sizes, 7)]
    assert [i.id for i in a] != [i.id for i in plan_sample(bank, sizes, 8)]
    assert len(a) == 45 and len({i.id for i in a}) == 45
    big = plan_sample(bank, {"should-refuse": 10_000}, 1)
    assert len(big) == len(bank.of_kind("should-refuse"))
    with pytest.raises(InputError, match=">= 0"):
        plan_sample(bank, {"should-refuse": -1}, 1)


def test_starter_keyword_library_meets_8_1() -> None:
    cov = keyword_coverage(load_keyword_library())
    assert cov.complete, cov.shortfalls
    assert cov.total >= 10_000
    for r in TC260_RISKS:
        if r.category == "A.1":
            assert cov.per_risk[r.code] >= 200
        if r.category == "A.2":
            assert cov.per_risk[r.code] >= 100

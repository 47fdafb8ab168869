from __future__ import annotations

from pathlib import Path

import pytest

from govloop.errors import FilingError
from govloop.registry import filing_warnings, load_filing, parse_text

from .conftest import ASSETS, REALISTIC

BAD = ASSETS / "bad"


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("unknown-field.yaml", r"unknown-field.yaml:18: field market_share: unknown field"),
        (
            "bad-check-char.yaml",
            r"bad-check-char.yaml:4: field provider.code: .*check character is 'A', expected 'H'",
        ),
        ("bad-provider-length.yaml", r":4: field provider.code: .*must have 27 characters, has 12"),
        ("malformed.yaml", r"malformed.yaml:\d+: not valid YAML"),
        (
            "missing-field.yaml",
            r"missing-field.yaml:\d+: field audience: required field is missing",
        ),
        ("duplicate-key.yaml", r"duplicate-key.yaml:26: duplicate key 'audience'"),
        (
            "bad-enum.yaml",
            r"bad-enum.yaml:16: field service_forms\[1\]: Input should be 'app', 'web'",
        ),
        ("not-a-mapping.yaml", r"expected a mapping at the top"),
        ("malformed.json", r"malformed.json:4: not valid JSON"),
    ],
)
def test_bad_filings_name_file_line_and_field(name: str, pattern: str) -> None:
    with pytest.raises(FilingError, match=pattern) as info:
        load_filing(BAD / name)
    assert "\n" not in str(info.value)


def test_number_where_a_string_is_expected(tmp_path: Path) -> None:
    text = (REALISTIC / "cn-app-calls-filed-model.yaml").read_text(encoding="utf-8")
    f = tmp_path / "f.yaml"
    f.write_text(text.replace('version: "2.0"', "version: 2.0"), encoding="utf-8")
    with pytest.raises(
        FilingError, match=r"f.yaml:9: field versions\[0\].version: .*put it in quotes"
    ):
        load_filing(f)


def test_missing_file() -> None:
    with pytest.raises(FilingError, match="file not found"):
        load_filing(BAD / "nope.yaml")


def test_every_realistic_filing_loads() -> None:
    files = sorted(REALISTIC.iterdir())
    assert len(files) >= 10
    for f in files:
        assert load_filing(f).model_name


def test_yaml_scalars_follow_yaml_1_2() -> None:
    doc = parse_text("a: NO\nb: yes\nc: 1e25\nd: true\ne: 7\n")
    assert doc.data == {"a": "NO", "b": "yes", "c": 1e25, "d": True, "e": 7}


def test_consistency_rules(tmp_path: Path) -> None:
    text = (REALISTIC / "cn-app-calls-filed-model.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "f.yaml"
    bad.write_text(text.replace("domain: general", "domain: restricted"), encoding="utf-8")
    with pytest.raises(FilingError, match="restricted_domains is empty"):
        load_filing(bad)
    bad.write_text(
        text.replace("base_model_filed: true", "base_model_filed: false"), encoding="utf-8"
    )
    with pytest.raises(FilingError, match=r"versions\[0\]: .*base_model_filed is false"):
        load_filing(bad)


def test_warnings_for_unrecognised_numbers_and_foreign_share(tmp_path: Path) -> None:
    text = (REALISTIC / "cn-public-chatbot.yaml").read_text(encoding="utf-8")
    f = tmp_path / "f.yaml"
    f.write_text(
        text.replace("网信算备110108823483901230031号", "ABC-123").replace("0.18", "0.45"),
        encoding="utf-8",
    )
    warnings = filing_warnings(load_filing(f))
    assert any("regulator_filing_number: 'ABC-123' matches no known" in w for w in warnings)
    assert any("45%" in w for w in warnings)
    assert filing_warnings(load_filing(REALISTIC / "cn-public-chatbot.yaml")) == []

from __future__ import annotations

from pathlib import Path

import pytest

from govloop.classify import classify, load_regime, load_regimes, shipped_regimes
from govloop.errors import RegimeError
from govloop.registry import load_filing

REALISTIC = Path(__file__).resolve().parents[1] / "assets" / "filings" / "realistic"

SANDBOX = """\
regime: sandbox
name: Shenzhen sandbox pilot
version: "0.1"
tiers: [light, watched]
default_tier: light
vocabulary:
  - id: quarterly-report
    title: Quarterly report to the sandbox office
    category: records
rules:
  - id: sb-big
    title: Frontier compute
    when: "training_compute_flop >= 1e25"
    tier: watched
    text: Models above 1e25 FLOP report quarterly.
    source: Sandbox rules §3
    obligations:
      - id: quarterly-report
        text: Report usage and incidents every quarter.
      - id: adversarial-testing
        text: Red-team before each release.
"""


def test_shipped_regimes_load() -> None:
    ids = [r.id for r in shipped_regimes()]
    assert ids == ["cn", "eu", "nist"]
    nist = next(r for r in shipped_regimes() if r.id == "nist")
    assert len(nist.designations) == 12


def _write(tmp_path: Path, text: str, name: str = "r.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_sandbox_regime_is_used_without_code_change(tmp_path: Path) -> None:
    regime = load_regime(_write(tmp_path, SANDBOX))
    doc = load_filing(REALISTIC / "gpai-3e25.json")
    profile = classify(doc, [*shipped_regimes(), regime])
    assert profile.tier("sandbox") == "watched"
    assert profile.obligation("quarterly-report").regimes == ["sandbox"]  # type: ignore[union-attr]
    assert "sandbox" in profile.obligation("adversarial-testing").regimes  # type: ignore[union-attr]
    small = classify(load_filing(REALISTIC / "us-marketing-copy.yaml"), [regime])
    assert small.tier("sandbox") == "light"


def test_home_regimes_are_picked_up_and_can_override(tmp_path: Path) -> None:
    (tmp_path / "regimes").mkdir()
    _write(tmp_path / "regimes", SANDBOX, "sandbox.yaml")
    _write(tmp_path / "regimes", SANDBOX.replace("regime: sandbox", "regime: cn"), "cn.yaml")
    regimes = load_regimes(home=tmp_path)
    assert [r.id for r in regimes] == ["cn", "eu", "nist", "sandbox"]
    assert regimes[0].name == "Shenzhen sandbox pilot"


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        (
            'when: "training_compute_flop >= 1e25"',
            'when: "training_compute >= 1e25"',
            r"r.yaml:13: field rules\[0\].when: unknown attribute 'training_compute' "
            r"\(did you mean 'training_compute_flop'\?\)",
        ),
        (
            'when: "training_compute_flop >= 1e25"',
            "when: \"audience == 'publc'\"",
            r":13: field rules\[0\].when: 'publc' is not a possible value of 'audience'",
        ),
        (
            'when: "training_compute_flop >= 1e25"',
            'when: "training_compute_flop >="',
            r":13: field rules\[0\].when: expression ends too early \(column 25\)",
        ),
        (
            "tier: watched",
            "tier: watchd",
            r":14: field rules\[0\].tier: 'watchd' is not one of the tiers .*"
            r"did you mean 'watched'",
        ),
        (
            "default_tier: light",
            "default_tier: heavy",
            r":5: field default_tier: 'heavy' is not one",
        ),
        (
            "      - id: adversarial-testing",
            "      - id: red-teaming",
            r":20: field rules\[0\].obligations\[1\].id: unknown obligation 'red-teaming'",
        ),
        (
            "    source: Sandbox rules §3",
            "    source: Sandbox rules §3\n    severity: 3",
            r":17: field rules\[0\].severity: unknown field",
        ),
        (
            "    text: Models above",
            "    txt: Models above",
            r":15: field rules\[0\].txt: unknown field",
        ),
        ("regime: sandbox", "regime: Sandbox!", r":1: field regime: String should match pattern"),
        (
            "    title: Frontier compute\n",
            "",
            r":11: field rules\[0\].title: required field is missing",
        ),
        ("tiers: [light, watched]", "tiers: [light, watched", r"r.yaml:5: not valid YAML"),
        (
            "    category: records",
            "    category: records\n  - id: copyright-policy\n    title: t\n    category: c",
            r":10: field vocabulary\[1\].id: 'copyright-policy' is already in the shared "
            r"vocabulary",
        ),
    ],
)
def test_regime_validation_errors(tmp_path: Path, old: str, new: str, pattern: str) -> None:
    assert old in SANDBOX
    path = _write(tmp_path, SANDBOX.replace(old, new, 1))
    with pytest.raises(RegimeError, match=pattern) as info:
        load_regime(path)
    assert "\n" not in str(info.value)


def test_duplicate_rule_ids(tmp_path: Path) -> None:
    rule = (
        SANDBOX.split("rules:\n")[1]
        .replace("obligations:", "obligations: []\n    x:")
        .split("    x:")[0]
    )
    text = SANDBOX + rule
    with pytest.raises(RegimeError, match=r"rules\[1\].id: rule id 'sb-big' is used twice"):
        load_regime(_write(tmp_path, text))


def test_missing_regime_file(tmp_path: Path) -> None:
    with pytest.raises(RegimeError, match="file not found"):
        load_regime(tmp_path / "none.yaml")

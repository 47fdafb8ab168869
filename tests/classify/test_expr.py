from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govloop.classify import ExprError, evaluate, parse_condition, parse_expression

CTX = {
    "audience": "public",
    "regions": ["CN", "EU"],
    "flop": 3e25,
    "n": 0,
    "flag": False,
    "eu": {"area": None, "list": []},
    "name": "yunyu-chat",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("audience == 'public'", True),
        ('audience != "public"', False),
        ("'CN' in regions", True),
        ("'US' not in regions", True),
        ("regions contains 'EU'", True),
        ("regions has_any ['US', 'EU']", True),
        ("regions has_all ['US', 'EU']", False),
        ("flop > 1e25 and flop >= 3e25 and flop < 1e26 and flop <= 3e25", True),
        ("n > -1", True),
        ("flag or not flag", True),
        ("not (flag or audience == 'x')", True),
        ("exists eu.area", False),
        ("exists eu.list", False),
        ("exists name", True),
        ("eu.area == null", True),
        ("eu.area > 3", False),
        ("missing.path == 1", False),
        ("missing.path != 1", True),
        ("audience > 3", False),
        ("'chat' in name", True),
        ("flag", False),
        ("true and not false", True),
        ("a.b.c in []", False),
    ],
)
def test_evaluate(text: str, expected: bool) -> None:
    assert evaluate(parse_expression(text), CTX) is expected


def test_structured_conditions() -> None:
    cond = parse_condition({"all": ["'CN' in regions", {"any": ["flag", {"not": "flag"}]}]})
    assert evaluate(cond, CTX) is True
    assert evaluate(parse_condition(True), CTX) is True
    assert evaluate(parse_condition(False), CTX) is False


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("audience ==", "ends too early", 12),
        ("audience = 'x'", "unexpected character '='", 10),
        ("(flag", "ends too early", 6),
        ("exists 'x'", "'exists' needs an attribute path", 8),
        ("flag flag", "unexpected 'flag'", 6),
        ("regions in [1, ", "ends too early", 16),
        ("", "empty condition", 1),
        ("x == __import__('os')", "unexpected '\\('", 16),
    ],
)
def test_parse_errors_carry_column(text: str, message: str, column: int) -> None:
    with pytest.raises(ExprError, match=message) as info:
        parse_expression(text)
    assert info.value.column == column


@pytest.mark.parametrize("raw", [{"all": "x"}, {"some": []}, {"all": [], "any": []}, 3])
def test_bad_structured_conditions(raw: object) -> None:
    with pytest.raises(ExprError):
        parse_condition(raw)


@given(st.text(max_size=40))
def test_parser_raises_only_its_own_error(text: str) -> None:
    try:
        node = parse_expression(text)
    except ExprError:
        return
    evaluate(node, CTX)


literals = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(-1e30, 1e30, allow_nan=False, allow_infinity=False),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    st.booleans(),
)


def _render(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return repr(value)


@given(literals)
def test_literals_round_trip(value: object) -> None:
    node = parse_expression(f"v == {_render(value)}")
    assert evaluate(node, {"v": value}) is True

"""Texts that carry a count pick the language's plural form (ngettext), not one fixed wording."""

from __future__ import annotations

import pytest

from govloop.web.pages.complaints import _duration

DAY = 86400.0


@pytest.mark.parametrize(
    ("lang", "seconds", "text"),
    [
        ("en", DAY, "1 day"),
        ("en", 3 * DAY, "3 days"),
        ("ar", DAY, "يوم واحد"),
        ("ar", 2 * DAY, "يومان"),
        ("ar", 7 * DAY, "7 أيام"),
        ("ar", 15 * DAY, "15 يومًا"),
        ("ru", 21 * DAY, "21 день"),
        ("ru", 3 * DAY, "3 дня"),
        ("ru", 5 * 3600, "5 часов"),
        ("zh", 2 * 3600, "2 小时"),
    ],
)
def test_time_limits_use_the_plural_form_of_their_count(
    lang: str, seconds: float, text: str
) -> None:
    assert _duration(seconds, lang) == text

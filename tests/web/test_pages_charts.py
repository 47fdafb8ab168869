"""Server-side SVG charts: escaped labels, CJK text, empty data, proportional bars."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from govloop.web._charts import bar_chart, line_chart


def test_bar_labels_are_escaped_and_the_svg_parses() -> None:
    svg = bar_chart("t<i>", [("<script>alert(1)</script>", 3), ("侵犯他人合法权益", 1)])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "侵犯他人合法权益" in svg
    ET.fromstring(str(svg))


def test_bars_are_proportional_to_their_values() -> None:
    svg = str(bar_chart("t", [("a", 4), ("b", 2), ("c", 0)]))
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]
    assert widths[0] == 2 * widths[1]
    assert widths[2] == 0


def test_empty_charts_say_so() -> None:
    assert "暂无数据" in bar_chart("t", [], empty="暂无数据")
    assert "nothing" in line_chart("t", [], empty="nothing")


def test_line_chart_has_one_point_per_value_and_caps_at_y_max() -> None:
    svg = str(line_chart("rate", [("d1", 50), ("d2", 100), ("d3", 150)], y_max=100, unit="%"))
    ET.fromstring(svg)
    assert svg.count("<circle") == 3
    ys = [float(y) for y in re.findall(r'<circle cx="[0-9.]+" cy="([0-9.]+)"', svg)]
    assert ys[1] == ys[2], "values past y_max are drawn at the top"


@given(st.lists(st.tuples(st.text(max_size=30), st.floats(0, 1e6)), max_size=12))
def test_any_labels_give_well_formed_svg(items: list[tuple[str, float]]) -> None:
    clean = [("".join(c for c in label if c.isprintable()), v) for label, v in items]
    ET.fromstring(str(bar_chart("t", clean)))
    ET.fromstring(str(line_chart("t", clean)))

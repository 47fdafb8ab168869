"""The X-AIGC header text: byte for byte what the standard JSON encoder writes."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from govloop.gateway._deps import aigc_headers, label_json


def _standard(obj: dict[str, str]) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=True)


@given(st.dictionaries(st.text(), st.text(), max_size=8))
def test_any_label_object_is_written_as_json_dumps_writes_it(obj: dict[str, str]) -> None:
    assert label_json(obj) == _standard(obj)


def test_the_characters_the_two_encoders_treat_differently() -> None:
    for value in ("\x7f", 'a"b', "a\\b", "\n\t\x00\x1f", "生成", "\u2028", "😀", ""):
        obj = {"Label": "1", "ReservedCode2": value}
        assert label_json(obj) == _standard(obj), value
    odd: dict[str, str] = {1: "x"}  # type: ignore[dict-item]  # the standard encoder's answer
    assert label_json(odd) == _standard(odd)


def test_a_signed_label_header() -> None:
    label = {
        "Label": "1",
        "ContentProducer": "001191440300708461136T1GOVL",
        "ProduceID": "01JEXAMPLE0000000000000000",
        "ReservedCode1": "eyJ2IjoxLCJhbGciOiJFZDI1NTE5In0=",
        "ContentPropagator": "",
        "PropagateID": "",
        "ReservedCode2": "",
    }
    headers = aigc_headers("01JEXAMPLE0000000000000000", label)
    assert json.loads(headers["X-AIGC"]) == label
    assert headers["X-AIGC"] == _standard(label)
    assert aigc_headers("x", None) == {"X-Produce-Id": "x"}

"""Readers fuzzed on mutated real files: a label, None, or FormatError, nothing else."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from label_assets import PRODUCER, SAMPLES, asset

from govloop.errors import FormatError
from govloop.label import AIGCLabel, find_format, read_implicit_label, write_implicit_label

LABEL = AIGCLabel(Label="1", ContentProducer=PRODUCER, ProduceID="01FUZZ", ReservedCode1="x")
#: Labelled versions of every sample, so mutations hit the label metadata too.
LABELLED = {name: write_implicit_label(asset(name), LABEL, filename=name) for name in SAMPLES}


@st.composite
def mutated(draw: st.DrawFn, name: str) -> bytes:
    data = bytearray(LABELLED[name])
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "zero", "label"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=32))
        elif kind == "zero":
            data[pos : pos + 4] = b"\xff\xff\xff\xff"
        else:  # corrupt the AIGC JSON itself
            at = bytes(data).find(b'"Label"')
            if at >= 0:
                data[at + 8 : at + 11] = draw(
                    st.sampled_from([b"1,\x00", b"[]]", b"\xc3(", b"9e9"])
                )
    return bytes(data)


@pytest.mark.parametrize("name", SAMPLES)
def test_reader_raises_only_format_errors(name: str) -> None:
    fmt = find_format(LABELLED[name], filename=name)

    @settings(
        max_examples=int(__import__("os").environ.get("FUZZ_N", "60")),
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated(name))
    def run(data: bytes) -> None:
        for read in (fmt.read, read_implicit_label):  # the format's reader, then sniffing
            try:
                result = read(data)
            except FormatError:
                continue
            assert result is None or isinstance(result, AIGCLabel)

    run()

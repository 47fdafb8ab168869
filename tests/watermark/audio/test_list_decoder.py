"""CRC-aided list Viterbi decoder added to the shared payload codec for the audio watermark."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govloop.watermark._ecc import (
    coded_length,
    decode_payload,
    decode_payload_list,
    encode_payload,
)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 2**31))
def test_list_of_one_is_plain_viterbi(payload, seed):
    rng = np.random.default_rng(seed)
    soft = encode_payload(payload, 32) + rng.normal(0, 1.2, coded_length(32))
    plain = decode_payload(soft, 32)
    assert decode_payload_list(soft, 32, 1) == ([] if plain is None else [plain])


def test_clean_codeword_comes_first():
    soft = encode_payload(0xCAFEF00D, 32).astype(np.float64)
    found = decode_payload_list(soft, 32, 16)
    assert found[0] == 0xCAFEF00D
    assert len(found) == len(set(found))


def test_list_recovers_more_than_plain_viterbi():
    rng = np.random.default_rng(0)
    plain = listed = 0
    for _ in range(120):
        payload = int(rng.integers(0, 2**32))
        soft = encode_payload(payload, 32) + rng.normal(0, 1.3, coded_length(32))
        plain += decode_payload(soft, 32) == payload
        found = decode_payload_list(soft, 32, 32)
        listed += bool(found) and found[0] == payload
    assert listed >= plain + 20


def test_bad_arguments():
    with pytest.raises(ValueError, match="soft values"):
        decode_payload_list(np.zeros(10), 32, 4)
    with pytest.raises(ValueError, match="list size"):
        decode_payload_list(np.zeros(coded_length(32)), 32, 0)

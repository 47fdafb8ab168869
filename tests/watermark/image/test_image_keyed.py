"""The key-dependent warp search: textured photos the key-independent lattice reading misses.

On grass and gravel the image-only lattice search does not see the tile lattice under a rotation
or an aspect change; the keyed search does. Its hypotheses are counted in the union bound and
detect only with a matching CRC, so the same photos unmarked must stay undetected.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from govloop.watermark import WatermarkKey
from govloop.watermark._ecc import (
    CRC_BITS,
    coded_length,
    crc16,
    decode_payload,
    encode_payload,
    int_to_bits,
)
from govloop.watermark.image import _keyed, detect_image, embed_image
from govloop.watermark.image._detect import KEYED_WEIGHT, _hypotheses, keyed_threshold
from govloop.watermark.image._pattern import ALPHA, SCHEME

from .conftest import PAYLOAD, Edit, aspect, rotate


def _texture(name: str) -> Image.Image:
    import skimage.data as data  # bundled sample images, no download

    return Image.fromarray(getattr(data, name)()).convert("RGB")


CASES: dict[str, tuple[str, Edit, str]] = {
    "grass rotate+10": ("grass", rotate(10), "rotation"),
    "gravel rotate-13 after a quarter turn": (
        "gravel",
        lambda img: rotate(-13)(img.transpose(Image.Transpose.ROTATE_90)),
        "rotation",
    ),
    "grass aspect0.85": ("grass", aspect(0.85), "aspect-cols"),
    "gravel aspect1.2": ("gravel", aspect(1.2), "aspect-rows"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_keyed_search_recovers_textured_photos_the_lattice_misses(
    case: str, wm_key: WatermarkKey
) -> None:
    name, edit, family = CASES[case]
    marked = embed_image(_texture(name), key=wm_key, payload=PAYLOAD)
    assert isinstance(marked, Image.Image)
    r = detect_image(edit(marked), key=wm_key)
    assert r.detected and r.payload == PAYLOAD, (case, r.p_value, r.details)
    # found by this search, not by the key-independent ones (which is what it is for)
    assert str(r.details["keyed_warp"]).startswith(family), r.details


@pytest.mark.parametrize("name", ["grass", "gravel"])
@pytest.mark.parametrize("edit", ["rotate+10", "aspect0.85", "none"])
def test_clean_textured_photos_stay_undetected_under_the_widened_search(
    name: str, edit: str, wm_key: WatermarkKey
) -> None:
    edits: dict[str, Edit] = {"rotate+10": rotate(10), "aspect0.85": aspect(0.85)}
    img = _texture(name)
    r = detect_image(edits[edit](img) if edit in edits else img, key=wm_key)
    assert not r.detected and r.payload is None and r.p_value > ALPHA, r.details


def test_the_keyed_family_is_counted_in_full_in_the_union_bound() -> None:
    """Every warp the search can return lies on the fixed fine grid the bound counts, and the
    key-independent families plus this one spend at most alpha."""
    rng = np.random.default_rng(3)
    res = rng.standard_normal((512, 600))
    subkey = WatermarkKey(bytes(32)).derive(SCHEME)
    grid = {w for ws in _keyed.fine_grid().values() for w in ws}
    assert _keyed.n_hypotheses() == len(grid) * 8
    found = _keyed.candidates(subkey, res)
    assert found and all(w in grid for w, _ in found)
    spent = sum(h.weight for h in _hypotheses(subkey, res)) + KEYED_WEIGHT
    assert spent <= 1.0 + 1e-12
    # the family's threshold is where its bound reaches alpha: well above pure-noise maxima
    assert 6.0 < keyed_threshold() < 8.0


def _codeword(word: np.ndarray) -> np.ndarray:
    """+-1 code symbols of an arbitrary 64-bit word (data and CRC field), zero-terminated."""
    from govloop.watermark import _ecc

    msg = np.concatenate([word, np.zeros(_ecc._K - 1, dtype=np.uint8)])
    out = np.empty((len(msg), len(_ecc._GENERATORS)), dtype=np.int8)
    state = 0
    for i, bit in enumerate(msg):
        out[i] = _ecc._OUT[state, bit]
        state = int(_ecc._NEXT[state, bit])
    return out.reshape(-1)


def test_flipping_by_a_codeword_xors_the_decoded_word() -> None:
    """The symmetry the keyed family's CRC factor rests on: the decoder commutes with adding a
    codeword, so under random keyed signs the decoded word is uniform (CRC passes w.p. 2**-16)."""
    rng = np.random.default_rng(11)
    for _ in range(5):
        a = int(rng.integers(0, 1 << 48))
        soft = encode_payload(a, 48).astype(np.float64) + rng.normal(0, 0.5, coded_length(48))
        assert decode_payload(soft, 48) == a
        b = int(rng.integers(0, 1 << 48))
        a_bits, b_bits = int_to_bits(a, 48), int_to_bits(b, 48)
        # the CRC field of b chosen so a xor b carries a valid CRC (the CRC is affine)
        field = crc16(a_bits ^ b_bits) ^ crc16(a_bits)
        word = np.concatenate([b_bits, int_to_bits(field, CRC_BITS)])
        assert decode_payload(soft * _codeword(word), 48) == a ^ b

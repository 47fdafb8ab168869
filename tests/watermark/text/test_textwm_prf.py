"""The keyed PRF: pinned values (device independence), uniformity, key separation."""

from __future__ import annotations

import numpy as np
from scipy import stats

from govloop.watermark._keys import WatermarkKey
from govloop.watermark.text import TextWatermarker, _prf, default_params

KEY = WatermarkKey(bytes(range(32)))


def test_pinned_values_never_change() -> None:
    """Changing these breaks detection of every text already marked: they are frozen."""
    seed = _prf.context_seed(b"k" * 32, [1, 2, 3])
    assert seed == _prf.context_seed(b"k" * 32, (1, 2, 3))
    assert seed != _prf.context_seed(b"k" * 32, [1, 2, 4])
    u = _prf.uniforms(np.array([seed], dtype=np.uint64), np.array([0, 1, 50_000], dtype=np.uint64))
    assert [round(float(x), 12) for x in u] == PINNED
    assert int(_prf.positions(np.array([seed], dtype=np.uint64), 8)[0]) == PINNED_POSITION


PINNED = [0.894444362836, 0.156821924522, 0.878049486734]
PINNED_POSITION = 4


def test_uniforms_are_uniform_and_token_independent() -> None:
    seeds = _prf.seeds_array(b"s" * 32, [[i, i + 1] for i in range(2000)])
    u = _prf.uniforms(seeds[:, None], np.arange(50, dtype=np.uint64)[None, :]).ravel()
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.03


def test_green_fraction_is_gamma_and_depends_on_key() -> None:
    params = default_params("kgw")
    a = TextWatermarker(KEY, payload=5, params=params)
    b = TextWatermarker(WatermarkKey(b"\x01" * 32), payload=5, params=params)
    ma = a.green_mask([10, 11], 40_000)
    mb = b.green_mask([10, 11], 40_000)
    assert ma is not None and mb is not None
    assert abs(ma.mean() - params.gamma) < 0.01
    assert abs((ma & mb).mean() - params.gamma**2) < 0.01  # independent across keys
    assert a.green_mask([10], 100) is None  # shorter than the context width

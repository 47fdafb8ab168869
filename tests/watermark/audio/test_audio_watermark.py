from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf
from scipy.signal import resample_poly

from govloop.errors import FormatError, WatermarkError
from govloop.watermark import WatermarkKey
from govloop.watermark._ecc import tail_bound
from govloop.watermark.audio import (
    detect_audio,
    embed_audio,
    encode_mp3,
    read_audio,
    snr_db,
    write_audio,
)

from ._signals import music

KEY = WatermarkKey(bytes(range(32)))
PAYLOAD = 0xDEADBEEF
RATE = 44100


@pytest.fixture(scope="module")
def host() -> np.ndarray:
    return music(12.0, RATE, seed=1)


@pytest.fixture(scope="module")
def marked(host: np.ndarray) -> np.ndarray:
    return embed_audio(host, RATE, key=KEY, payload=PAYLOAD)


def test_marked_signal_snr_is_at_least_30db(host, marked):
    assert snr_db(host, marked) >= 30.0


def test_detects_and_decodes(marked):
    res = detect_audio(marked, RATE, key=KEY)
    assert res.detected and res.p_value <= 1e-6
    assert res.payload == PAYLOAD
    d = res.details
    assert res.p_value == min(1.0, 2 * min(d["p_sync"], d["p_full"]))
    assert d["p_full"] < d["p_sync"] < 1e-12  # the all-chip score is the stronger test


def test_stated_thresholds():
    """p <= 1e-6 needs z >= 6.08 (sync, 256 offsets) or z >= 8.98 (all chips, x 2**32)."""
    assert 2 * 256 * tail_bound(6.08) <= 1e-6 < 2 * 256 * tail_bound(6.06)
    assert 2 * 256 * 2**32 * tail_bound(8.98) <= 1e-6 < 2 * 256 * 2**32 * tail_bound(8.96)


def test_survives_mp3_128k(marked):
    samples, rate = read_audio(encode_mp3(marked, RATE, bitrate=128_000), filename="x.mp3")
    res = detect_audio(samples, rate, key=KEY)
    assert res.detected and res.payload == PAYLOAD


def test_survives_resampling_to_16k(marked):
    res = detect_audio(resample_poly(marked, 160, 441), 16000, key=KEY)
    assert res.detected and res.payload == PAYLOAD


def test_survives_cut_start(marked):
    res = detect_audio(marked[RATE // 3 + 17 :], RATE, key=KEY)
    assert res.detected and res.payload == PAYLOAD


def _white_noise_20db(x: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return y + rng.normal(0, np.sqrt(np.mean(x**2) / 100), y.shape)


def test_white_noise_20db(host, marked):
    res = detect_audio(_white_noise_20db(host, marked, 3), RATE, key=KEY)
    assert res.detected and res.p_value <= 1e-6
    assert res.payload == PAYLOAD
    # the payload is only reported when the all-chip test passes on its own
    assert res.details["z_full"] > 8.98
    assert 2 * res.details["p_full"] <= 1e-6


@pytest.mark.parametrize(("seed", "noise_seed"), [(10, 1), (23, 1023)])
def test_white_noise_20db_on_10s_clips(seed, noise_seed):
    """Clips on which plain (non-list) Viterbi decoding or the sync-only test failed."""
    x = music(10.0, RATE, seed=seed)
    payload = (seed * 0x9E3779B1) & 0xFFFFFFFF
    y = embed_audio(x, RATE, key=KEY, payload=payload)
    res = detect_audio(_white_noise_20db(x, y, noise_seed), RATE, key=KEY)
    assert res.detected and res.payload == payload


def test_unmarked_and_wrong_key_not_detected(host, marked):
    assert not detect_audio(host, RATE, key=KEY).detected
    res = detect_audio(marked, RATE, key=WatermarkKey(b"\x02" * 32))
    assert not res.detected and res.payload is None


def test_null_calibration_random_keys(host):
    """Unmarked audio, audio marked under another key and noise, under random keys.

    The stated bound says P(p <= a) <= a for every a; with 24 trials the p-values must not pile
    up near 0 (at most 3 below 0.1 has probability > 0.99 under the bound) and none is detected.
    """
    rng = np.random.default_rng(4)
    other = embed_audio(host[: RATE * 4], RATE, key=WatermarkKey(b"\x05" * 32), payload=7)
    hosts = [host[: RATE * 4], other, rng.normal(0, 0.1, RATE * 4)]
    ps = [detect_audio(hosts[i % 3], RATE, key=WatermarkKey(rng.bytes(32))) for i in range(24)]
    assert all(not r.detected and r.payload is None for r in ps)
    assert sum(r.p_value <= 0.1 for r in ps) <= 3
    assert max(r.details["z"] for r in ps) < 5.0


def test_stereo_16k_and_48k_round_trip():
    for rate in (16000, 48000):
        x = music(10.0, rate, seed=2, stereo=True)
        y = embed_audio(x, rate, key=KEY, payload=0x12345678)
        assert y.shape == x.shape
        assert snr_db(x, y) >= 30.0
        res = detect_audio(y, rate, key=KEY)
        assert res.detected and res.payload == 0x12345678


def test_wav_file_round_trip(marked):
    data = write_audio(marked, RATE, filename="m.wav", subtype="PCM_16")
    samples, rate = read_audio(data, filename="m.wav")
    res = detect_audio(samples, rate, key=KEY)
    assert rate == RATE and res.payload == PAYLOAD


def test_errors():
    with pytest.raises(WatermarkError, match="32 bits"):
        embed_audio(np.zeros(RATE * 2), RATE, key=KEY, payload=1 << 32)
    with pytest.raises(WatermarkError, match="need"):
        embed_audio(np.zeros(100), RATE, key=KEY, payload=1)
    with pytest.raises(FormatError, match="bad.wav"):
        read_audio(b"RIFF\x00\x00\x00\x00WAVEjunk", filename="bad.wav")
    buf = io.BytesIO()
    sf.write(buf, np.zeros(1000), 8000, format="FLAC")
    with pytest.raises(FormatError, match="cut.flac"):
        read_audio(buf.getvalue()[:40], filename="cut.flac")

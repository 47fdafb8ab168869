"""Embedding and detecting the audio watermark (see :mod:`._scheme` for the design)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from govloop.errors import WatermarkError
from govloop.watermark._ecc import (
    coded_length,
    decode_payload_list,
    encode_payload,
    tail_bound,
)
from govloop.watermark._keys import WatermarkKey
from govloop.watermark._result import WatermarkResult
from govloop.watermark.audio._scheme import (
    ALPHA,
    BINS_PER_BAND,
    CAP,
    FIRST_BIN,
    FRAMES_PER_SLOT,
    HOP,
    MAX_DEPTH,
    N_BANDS,
    N_PHASES,
    N_SLOTS,
    N_TESTS,
    PAYLOAD_BITS,
    PERIOD_FRAMES,
    RATE,
    SCHEME,
    TARGET_SNR_DB,
    Float,
    chip_code,
    chip_values,
    frames,
    from_working,
    overlap_add,
    to_working,
)

MIN_SECONDS = 1.0
N_CANDIDATES = 4
"""Best sync alignments at which the payload is decoded for the all-chip test."""
LIST_SIZE = 128
"""Paths kept by the CRC-aided list Viterbi decoder."""
TIME_SMOOTH = 13
"""Frames in the moving average removed from each band (the notes' envelopes)."""
NOISE_PERCENTILE = 20.0
NOISE_GATE = 4.0
"""Log-magnitudes are taken of power + NOISE_GATE * (frame's 20th-percentile power): bins at the
noise floor (host hiss or added noise) then add little variance to the chip correlations."""
CLIP = 1.5
"""Band features are clipped at this many robust standard deviations (onsets, drum hits)."""
LAST_BIN = FIRST_BIN + N_BANDS * BINS_PER_BAND


def _check(samples: Float, rate: int) -> Float:
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim not in (1, 2) or x.size == 0:
        raise WatermarkError(
            f"audio must be a 1-D or 2-D (samples x channels) array, got {x.shape}"
        )
    if not 8000 <= rate <= 192000:
        raise WatermarkError(f"unsupported sample rate {rate} Hz (8-192 kHz)")
    if not np.all(np.isfinite(x)):
        raise WatermarkError("audio contains NaN or infinite samples")
    return x


def snr_db(original: Float, marked: Float) -> float:
    """Signal-to-noise ratio (dB) of ``marked`` against ``original``."""
    o = np.asarray(original, dtype=np.float64)
    noise = float(np.sum((np.asarray(marked, dtype=np.float64) - o) ** 2))
    return math.inf if noise == 0 else 10.0 * math.log10(float(np.sum(o * o)) / noise)


def embed_audio(samples: Float, rate: int, *, key: WatermarkKey, payload: int) -> Float:
    """Embed a 32-bit ``payload`` under ``key`` into float samples (n or n x channels)."""
    if not 0 <= payload < (1 << PAYLOAD_BITS):
        raise WatermarkError(f"audio payload {payload:#x} does not fit in {PAYLOAD_BITS} bits")
    x = _check(samples, rate)
    if x.shape[0] < MIN_SECONDS * rate:
        raise WatermarkError(f"audio is {x.shape[0] / rate:.2f} s; need >= {MIN_SECONDS} s")
    work = to_working(x, rate)
    spec = frames(work)
    chips = chip_values(key.derive(SCHEME), encode_payload(payload, PAYLOAD_BITS))
    slot = (np.arange(spec.shape[0]) // FRAMES_PER_SLOT) % N_SLOTS
    per_band = np.repeat(chips, BINS_PER_BAND, axis=0)  # bins x slots
    gain = np.zeros(spec.shape)
    shape = relative_gain(np.abs(spec[:, FIRST_BIN:LAST_BIN]))
    gain[:, FIRST_BIN:LAST_BIN] = shape * per_band[:, slot].T
    mark = from_working(overlap_add(spec * gain, len(work)), rate, x.shape[0])
    mark = mark * _snr_scale(x, mark)
    out = x + (mark[:, None] if x.ndim == 2 else mark)
    peak = float(np.max(np.abs(out)))
    if peak > 1.0 >= float(np.max(np.abs(x))):
        out = np.clip(out, -1.0, 1.0)
    return np.asarray(out, dtype=np.float64)


def relative_gain(mag: Float) -> Float:
    """Relative modulation depth per STFT coefficient (frames x bins), before global scaling.

    The mark's absolute amplitude is capped at a fraction of the frame's in-band RMS magnitude:
    quiet coefficients (between partials) get the full relative depth, loud partials, which
    hold most of the power but hide the mark no better, get ``CAP * rms / |X|``. Scale-free, so
    the detector recomputes it from the received audio to weight the bins.
    """
    rms = np.sqrt(np.mean(mag * mag, axis=1, keepdims=True)) + 1e-12
    return np.asarray(np.minimum(1.0, CAP * rms / (mag + 1e-12)), dtype=np.float64)


def _snr_scale(x: Float, mark: Float) -> float:
    """Factor that puts the mark at :data:`TARGET_SNR_DB` below the host, depth <= MAX_DEPTH.

    The mark is added to every channel, so the ratio is that of :func:`snr_db` on the output.
    """
    p_mark = float(np.mean(mark * mark))
    if p_mark <= 0.0:
        return 0.0
    want = float(np.mean(x * x)) / 10.0 ** (TARGET_SNR_DB / 10.0)
    return min(MAX_DEPTH, math.sqrt(want / p_mark))


def _features(work: Float, offset: int) -> Float:
    """Per-band, per-frame log-magnitude with the spectral envelope removed (bands x frames)."""
    from scipy.ndimage import uniform_filter1d

    spec = frames(work, offset)
    if spec.shape[0] == 0:
        return np.zeros((N_BANDS, 0))
    mag = np.abs(spec[:, FIRST_BIN - 8 : LAST_BIN + 8])
    power = mag * mag
    floor = (1e-4 * float(np.mean(mag))) ** 2 + 1e-24
    gate = NOISE_GATE * np.percentile(power[:, 8:-8], NOISE_PERCENTILE, axis=1, keepdims=True)
    logm = 0.5 * np.log(power + gate + floor)
    detail = (logm - uniform_filter1d(logm, 9, axis=1, mode="nearest"))[:, 8:-8]
    bands = detail.reshape(detail.shape[0], N_BANDS, BINS_PER_BAND).sum(axis=2).T
    bands = bands - uniform_filter1d(bands, TIME_SMOOTH, axis=1, mode="nearest")
    scale = np.median(np.abs(bands), axis=1, keepdims=True) * 1.4826 + 1e-9
    return np.asarray(np.clip(bands / scale, -CLIP, CLIP), dtype=np.float64)


def _folded(feat: Float) -> Float:
    """Sum over each slot's frames, folded modulo the period (bands x PERIOD_FRAMES)."""
    n = feat.shape[1] - FRAMES_PER_SLOT + 1
    out = np.zeros((N_BANDS, PERIOD_FRAMES))
    if n <= 0:
        return out
    slot_sum = np.zeros((N_BANDS, n))
    for i in range(FRAMES_PER_SLOT):
        slot_sum += feat[:, i : i + n]
    for start in range(0, n, PERIOD_FRAMES):
        block = slot_sum[:, start : start + PERIOD_FRAMES]
        out[:, : block.shape[1]] += block
    return out


def _chip_matrix(folded: Float, tau: int) -> Float:
    """Chip observations (bands x slots) if slot 0 starts at folded frame ``tau``."""
    cols = (tau + FRAMES_PER_SLOT * np.arange(N_SLOTS)) % PERIOD_FRAMES
    return folded[:, cols]


def _sync_scores(work: Float, sync_idx: NDArray[np.int64], e: Float) -> list[_Candidate]:
    """Sync score z of every (sample phase, cyclic frame offset), with its chip matrix."""
    out: list[_Candidate] = []
    for phase in range(N_PHASES):
        folded = _folded(_features(work, phase * HOP // N_PHASES))
        for tau in range(PERIOD_FRAMES):
            obs = _chip_matrix(folded, tau).reshape(-1)
            a = obs[sync_idx]
            den = math.sqrt(float(np.dot(a, a)))
            z = float(np.dot(e, a)) / den if den > 0 else 0.0
            out.append(_Candidate(z, phase, tau, obs))
    return out


@dataclass(frozen=True)
class _Candidate:
    z: float
    phase: int
    tau: int
    obs: Float


def _full_score(obs: Float, subkey: bytes, payload: int) -> float:
    """Score over all chips, sync and payload, for the chips that ``payload`` would produce."""
    chips = chip_values(subkey, encode_payload(payload, PAYLOAD_BITS)).reshape(-1)
    den = math.sqrt(float(np.dot(obs, obs)))
    return float(np.dot(chips, obs)) / den if den > 0 else 0.0


def detect_audio(samples: Float, rate: int, *, key: WatermarkKey) -> WatermarkResult:
    """Test audio for the watermark of ``key`` and decode its 32-bit payload if present.

    Two keyed correlation tests, each with an exact bound that holds for any audio (see
    :mod:`._scheme`): the sync chips maximised over the :data:`N_TESTS` alignments, and all
    chips maximised over the alignments and all 2**32 payloads (the payload tried is the one the
    CRC-aided list Viterbi decoder reads at the best sync alignments). ``p`` is twice the
    smaller p-value. The payload is reported only when the all-chip test passes on its own; when
    only the sync test passes, the mark is present but the payload is ``None``.
    """
    x = _check(samples, rate)
    work = to_working(x, rate)
    subkey = key.derive(SCHEME)
    code = chip_code(subkey)
    scores = _sync_scores(work, code.sync_idx, code.signs[code.sync_idx])
    scores.sort(key=lambda c: -c.z)
    best = scores[0]
    p_sync = min(1.0, N_TESTS * tail_bound(best.z))
    z_full, decoded, where = 0.0, None, best
    for cand in scores[:N_CANDIDATES]:
        soft_chips = cand.obs[code.payload_idx] * code.signs[code.payload_idx]
        soft = np.bincount(code.symbol_of, weights=soft_chips, minlength=coded_length(PAYLOAD_BITS))
        found = decode_payload_list(soft.astype(np.float64), PAYLOAD_BITS, LIST_SIZE)
        if not found:
            continue
        value = found[0]  # the best path with a valid CRC also has the highest all-chip score
        z = _full_score(cand.obs, subkey, value)
        if z > z_full:
            z_full, decoded, where = z, value, cand
    p_full = min(1.0, N_TESTS * 2.0**PAYLOAD_BITS * tail_bound(z_full))
    p = float(min(1.0, 2.0 * min(p_sync, p_full)))
    detected = p <= ALPHA
    confirmed = 2.0 * p_full <= ALPHA  # the decoded payload passed the all-chip test itself
    seconds = len(work) / RATE
    return WatermarkResult(
        detected=detected,
        p_value=p,
        payload=decoded if confirmed else None,
        payload_bits=PAYLOAD_BITS,
        scheme=SCHEME,
        key_id=key.key_id,
        details={
            "z": round(best.z, 3),
            "z_full": round(z_full, 3),
            "p_sync": float(p_sync),
            "p_full": float(p_full),
            "alpha": ALPHA,
            "frame_offset": where.tau,
            "phase": where.phase,
            "seconds": round(seconds, 2),
        },
    )

"""Synthetic music-like test signals: chords, notes with envelopes, a little noise."""

from __future__ import annotations

import numpy as np


def music(
    seconds: float = 8.0, rate: int = 44100, seed: int = 0, stereo: bool = False
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    out = np.zeros(n)
    note_len = 0.25 + 0.25 * rng.random()
    start = 0.0
    while start < seconds:
        root = 110.0 * 2 ** (rng.integers(0, 24) / 12)
        chord = [root, root * 2 ** (4 / 12), root * 2 ** (7 / 12)]
        s, e = int(start * rate), min(n, int((start + note_len * 4) * rate))
        seg = t[s:e] - start
        env = np.exp(-seg * (1.5 + 2 * rng.random())) * np.minimum(1, seg * 200)
        for f in chord:
            for h in range(1, 6):
                out[s:e] += (
                    env * np.sin(2 * np.pi * f * h * seg + rng.random() * 6.28) / h**1.3 * 0.15
                )
        # melody note
        mf = root * 4 * 2 ** (rng.integers(0, 12) / 12)
        ms, me = s, min(n, s + int(note_len * rate))
        mseg = t[ms:me] - start
        out[ms:me] += (
            0.2 * np.exp(-mseg * 4) * np.minimum(1, mseg * 300) * np.sin(2 * np.pi * mf * mseg)
        )
        start += note_len * 2
    # drums-ish noise bursts and background noise
    for beat in np.arange(0, seconds, 0.5):
        s = int(beat * rate)
        e = min(n, s + int(0.08 * rate))
        out[s:e] += rng.normal(0, 0.15, e - s) * np.exp(-np.arange(e - s) / (0.02 * rate))
    out += rng.normal(0, 0.003, n)
    out = 0.7 * out / np.max(np.abs(out))
    if stereo:
        return np.stack([out, np.roll(out, 37) * 0.9], axis=1)
    return out

"""The built-in offline speech model: espeak-ng, run as a program (no weights, no download).

Why espeak-ng: it is small, packaged by every Linux distribution, speaks Mandarin and English,
and runs in milliseconds, so the gateway can serve ``POST /v1/audio/speech`` with nothing but
the Debian package ``espeak-ng``. It runs without a shell, with the text on stdin (so text that
starts with ``-`` is never read as an option), a bounded length and a timeout.

OpenAI's voice names map to espeak-ng voice variants; the language follows the text (Mandarin
when it holds CJK characters, else English), so ``voice="alloy"`` speaks both. ``speed`` scales
espeak-ng's words per minute (175 at 1.0), clamped to the 80-450 it supports.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import numpy as np

from govloop.errors import ConfigError, InputError, ModelError
from govloop.models._protocol import Speech

#: OpenAI voice name -> espeak-ng variant (male ``m1``-``m7``, female ``f1``-``f4``).
VOICES: dict[str, str] = {
    "alloy": "f2",
    "ash": "m2",
    "ballad": "m4",
    "coral": "f1",
    "echo": "m1",
    "fable": "m5",
    "nova": "f3",
    "onyx": "m7",
    "sage": "f4",
    "shimmer": "f4",
    "verse": "m3",
}
MAX_CHARS = 4096
"""Longest input (OpenAI's limit for ``audio.speech``)."""
BASE_WPM = 175
"""espeak-ng's words per minute at ``speed=1.0``."""
MIN_WPM, MAX_WPM = 80, 450
"""The rates espeak-ng accepts."""
TIMEOUT_S = 60.0
"""Longest a synthesis may run."""

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def language_of(text: str) -> str:
    """espeak-ng's language: ``cmn`` when ``text`` holds Chinese characters, else ``en-us``."""
    return "cmn" if _CJK.search(text) else "en-us"


def words_per_minute(speed: float) -> int:
    """espeak-ng's ``-s`` for an OpenAI ``speed`` (0.25-4.0, 1.0 normal)."""
    return max(MIN_WPM, min(MAX_WPM, round(BASE_WPM * speed)))


class EspeakSpeechModel:
    """Text to speech with the ``espeak-ng`` program."""

    def __init__(self, exe: str | None = None) -> None:
        found = exe or shutil.which("espeak-ng")
        if found is None:
            raise ConfigError("espeak-ng is not installed; install the Debian package 'espeak-ng'")
        self.exe = found

    @classmethod
    def from_spec(cls, spec: str) -> EspeakSpeechModel:
        """``espeak`` (the ``espeak-ng`` on PATH) or ``espeak:/path/to/espeak-ng``."""
        return cls(spec or None)

    @property
    def name(self) -> str:
        """``espeak``."""
        return "espeak"

    @property
    def voices(self) -> tuple[str, ...]:
        """OpenAI's voice names."""
        return tuple(VOICES)

    def synthesize(self, text: str, *, voice: str, speed: float = 1.0) -> Speech:
        """Mono float32 speech at espeak-ng's rate (22 050 Hz)."""
        import soundfile as sf

        if voice not in VOICES:
            raise InputError(f"voice {voice!r} must be one of {', '.join(VOICES)}")
        if not text.strip():
            raise InputError("input: nothing to say (empty text)")
        if len(text) > MAX_CHARS:
            raise InputError(f"input has {len(text)} characters, at most {MAX_CHARS}")
        cmd = [
            self.exe,
            "-v",
            f"{language_of(text)}+{VOICES[voice]}",
            "-s",
            str(words_per_minute(speed)),
            "--stdout",
            "--stdin",
        ]
        try:
            proc = subprocess.run(
                cmd, input=text.encode("utf-8"), capture_output=True, timeout=TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ModelError(f"espeak-ng took longer than {TIMEOUT_S:g} s") from exc
        except OSError as exc:
            raise ModelError(f"espeak-ng could not run: {exc}") from exc
        if proc.returncode != 0 or not proc.stdout:
            err = proc.stderr.decode("utf-8", "replace").strip() or f"exit {proc.returncode}"
            raise ModelError(f"espeak-ng failed: {err}")
        try:
            samples, rate = sf.read(io.BytesIO(proc.stdout), dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError) as exc:
            raise ModelError(f"espeak-ng wrote audio that does not decode: {exc}") from exc
        mono = np.asarray(samples.mean(axis=1), dtype=np.float32)
        return Speech(mono, int(rate))

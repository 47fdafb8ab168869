"""Explicit labels for audio and video (GB 45438 §5.3-5.4).

Audio: the 短长短短 rhythm prompt (short-long-short-short tones, Morse ".- .." = "AI"), which needs
nothing installed, and/or a spoken prompt synthesised with espeak-ng, at the start and/or end.
Video: the image label (glyph height >= 5 % of the frame's shortest side) overlaid on the opening
frames for at least 2 s with ffmpeg; audio streams are copied unchanged.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from govloop.errors import ConfigError, FormatError, InputError
from govloop.label._explicit import render_label_overlay
from govloop.label._options import ExplicitOptions
from govloop.label._wording import BILINGUAL, SPOKEN, resolve_language
from govloop.languages import BY_CODE

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

#: Seconds of the rhythm prompt's units: short tone, long tone, gap.
SHORT_S, LONG_S, GAP_S = 0.12, 0.36, 0.12
RHYTHM = "SLSS"
TONE_HZ = 880.0
AUDIO_MODES = ("rhythm", "speech", "both")
AUDIO_POSITIONS = ("start", "end", "both")
#: Minimum seconds a video label stays on screen (GB 45438 §5.4 "不应少于2s").
MIN_VIDEO_SECONDS = 2.0


def rhythm_prompt(rate: int, *, amplitude: float = 0.5) -> npt.NDArray[np.float32]:
    """The 短长短短 tone sequence (mono float32 at ``rate``), ending with a short pause."""
    import numpy as np

    parts = []
    for symbol in RHYTHM:
        n = int(rate * (SHORT_S if symbol == "S" else LONG_S))
        t = np.arange(n) / rate
        tone = amplitude * np.sin(2 * np.pi * TONE_HZ * t)
        ramp = min(n // 2, int(rate * 0.005))
        if ramp:
            env = np.ones(n)
            env[:ramp] = np.linspace(0, 1, ramp)
            env[-ramp:] = np.linspace(1, 0, ramp)
            tone *= env
        parts += [tone, np.zeros(int(rate * GAP_S))]
    parts.append(np.zeros(int(rate * 0.2)))
    return np.concatenate(parts).astype(np.float32)


def spoken_prompt(rate: int, *, language: str = "zh-en") -> npt.NDArray[np.float32]:
    """The spoken notice of ``language`` from espeak-ng with the table's voice (mono float32)."""
    import numpy as np
    import soundfile as sf
    from scipy.signal import resample_poly

    language = resolve_language(language)
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise ConfigError("espeak-ng is not installed; install the Debian package 'espeak-ng'")
    chunks = []
    for lang in ("zh", "en") if language == BILINGUAL else (language,):
        voice = BY_CODE[lang].espeak_voice
        proc = subprocess.run(
            [exe, "-v", voice, "--stdout", SPOKEN[lang]],
            capture_output=True,
            timeout=60,
            check=False,
        )
        if proc.returncode != 0 or not proc.stdout:
            detail = proc.stderr.decode("utf-8", "replace").strip()
            raise ConfigError(f"espeak-ng voice {voice!r} ({lang}) failed: {detail}")
        # espeak-ng writes a streaming WAV with unset sizes; soundfile reads it fine from memory
        speech, speech_rate = sf.read(io.BytesIO(proc.stdout), dtype="float32")
        if speech.ndim > 1:
            speech = speech.mean(axis=1)
        if speech_rate != rate:
            speech = resample_poly(speech, rate, speech_rate).astype(np.float32)
        chunks += [speech, np.zeros(int(rate * 0.2), dtype=np.float32)]
    return np.concatenate(chunks).astype(np.float32)


def add_explicit_audio_label(
    samples: npt.NDArray[np.floating],
    rate: int,
    *,
    mode: str = "rhythm",
    position: str = "start",
    language: str = "zh-en",
) -> npt.NDArray[np.float32]:
    """``samples`` (frames, or frames x channels) with the audio prompt at the start and/or end."""
    import numpy as np

    if mode not in AUDIO_MODES:
        raise InputError(f"audio label mode {mode!r} must be one of {', '.join(AUDIO_MODES)}")
    if position not in AUDIO_POSITIONS:
        raise InputError(f"audio label position {position!r} must be one of {AUDIO_POSITIONS}")
    parts = []
    if mode in ("rhythm", "both"):
        parts.append(rhythm_prompt(rate))
    if mode in ("speech", "both"):
        parts.append(spoken_prompt(rate, language=language))
    prompt = np.concatenate(parts)
    audio = np.asarray(samples, dtype=np.float32)
    if audio.ndim == 2:
        prompt = np.repeat(prompt[:, None], audio.shape[1], axis=1)
    head = [prompt] if position in ("start", "both") else []
    tail = [prompt] if position in ("end", "both") else []
    return np.concatenate([*head, audio, *tail]).astype(np.float32)


def explicit_audio_bytes(data: bytes, *, filename: str = "", **options: str) -> bytes:
    """An audio file (WAV, FLAC, OGG; MP3 where libsndfile supports it) with the prompt added."""
    import soundfile as sf

    from govloop._decode import decoding

    with decoding(filename or "audio", "audio file"), sf.SoundFile(io.BytesIO(data)) as f:
        fmt, subtype = f.format, f.subtype
        rate = f.samplerate
        samples = f.read(dtype="float32", always_2d=True)
    labelled = add_explicit_audio_label(samples, rate, **options)
    out = io.BytesIO()
    try:
        sf.write(out, labelled, rate, format=fmt, subtype=subtype)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise FormatError(f"{filename or 'audio'}: cannot encode audio: {exc}") from exc
    return out.getvalue()


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        raise ConfigError(f"{name} is not installed; install the Debian package 'ffmpeg'")
    return exe


def video_size(path: Path) -> tuple[int, int]:
    """Width and height of the first video stream (ffprobe)."""
    proc = subprocess.run(
        [
            _tool("ffprobe"),
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=width,height",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    try:
        stream = json.loads(proc.stdout)["streams"][0]
        return int(stream["width"]), int(stream["height"])
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise FormatError(f"{path.name}: no video stream found") from exc


_ENCODERS = {
    ".webm": ["-c:v", "libvpx", "-deadline", "realtime", "-b:v", "1M"],
    ".mkv": ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"],
}


def add_explicit_video_label(
    src: Path,
    dst: Path,
    *,
    corner: str = "bottom-right",
    language: str = "zh-en",
    seconds: float = 3.0,
) -> None:
    """Write ``dst``: ``src`` with the visible label on the first ``seconds`` (>= 2) of video."""
    if seconds < MIN_VIDEO_SECONDS:
        raise InputError(
            f"video label duration {seconds} s is below the {MIN_VIDEO_SECONDS} s minimum"
        )
    width, height = video_size(src)
    overlay = render_label_overlay((width, height), corner=corner, language=language)
    encoder = _ENCODERS.get(
        dst.suffix.lower(), ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]
    )
    with tempfile.TemporaryDirectory(prefix="govloop-vl-") as tmp:
        png = Path(tmp) / "label.png"
        overlay.save(png)
        cmd = [
            _tool("ffmpeg"),
            "-v",
            "error",
            "-nostdin",
            "-y",
            "-i",
            str(src),
            "-i",
            str(png),
            "-filter_complex",
            f"[0:v][1:v]overlay=0:0:enable='lt(t,{seconds:.3f})'[v]",
            "-map",
            "[v]",
            "-map",
            "0:a?",
            *encoder,
            "-c:a",
            "copy",
            "-map_metadata",
            "0",
            str(dst),
        ]
        proc = subprocess.run(cmd, capture_output=True, timeout=1800, check=False)
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise FormatError(f"{src.name}: ffmpeg could not add the video label: {lines[-1:]}")


def explicit_video_for(
    data: bytes, *, filename: str, default_ext: str, options: ExplicitOptions
) -> bytes:
    """The video format hooks' step: ``data`` with the visible label (ffmpeg, via a temp dir)."""
    ext = Path(filename).suffix.lower() or default_ext
    with tempfile.TemporaryDirectory(prefix="govloop-ex-") as tmp:
        src, dst = Path(tmp) / f"in{ext}", Path(tmp) / f"out{ext}"
        src.write_bytes(data)
        add_explicit_video_label(
            src,
            dst,
            corner=options.corner,
            language=options.language,
            seconds=options.video_seconds,
        )
        return dst.read_bytes()


def explicit_video_bytes(data: bytes, *, filename: str, **options: str) -> bytes:
    """Bytes version of :func:`add_explicit_video_label` (``filename`` gives the container)."""
    ext = Path(filename).suffix.lower() or ".mp4"
    with tempfile.TemporaryDirectory(prefix="govloop-vb-") as tmp:
        src, dst = Path(tmp) / f"in{ext}", Path(tmp) / f"out{ext}"
        src.write_bytes(data)
        add_explicit_video_label(src, dst, **options)  # type: ignore[arg-type]
        return dst.read_bytes()

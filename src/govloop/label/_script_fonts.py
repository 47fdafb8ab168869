"""Which font draws a label, and how its text is laid out, per script (GB 45438 §5 images).

Why its own module: Chinese and ASCII labels keep the CJK font of :mod:`._explicit` (byte-for-byte
the same images as before), while Arabic and Devanagari need fonts with their shaping tables and
a complex-layout engine, and Cyrillic and accented Latin need glyphs the CJK subset lacks. The
fonts are subsets of Noto Sans (OFL-1.1) shipped in ``fonts/`` (``scripts/build-script-fonts``).

Layout: Pillow's raqm engine (libraqm, Debian ``libraqm0``) shapes Arabic and Devanagari and
orders right-to-left runs. Without raqm, Arabic is reshaped to presentation forms and reordered
with ``arabic-reshaper`` and ``python-bidi`` when installed; Devanagari has no such fallback, so
a clear :class:`ConfigError` names the missing package instead of drawing broken conjuncts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govloop.errors import ConfigError

FONT_DIR = Path(__file__).with_name("fonts")
ARABIC_FONT = FONT_DIR / "GovloopLabelArabic-Bold.ttf"
DEVANAGARI_FONT = FONT_DIR / "GovloopLabelDevanagari-Bold.ttf"
LATIN_FONT = FONT_DIR / "GovloopLabelLatin-Bold.ttf"


def _has(text: str, lo: int, hi: int) -> bool:
    return any(lo <= ord(ch) <= hi for ch in text)


def script_of(text: str) -> str:
    """``arabic``, ``devanagari``, ``cjk`` (Han or plain ASCII) or ``latin`` (incl. Cyrillic)."""
    if _has(text, 0x0600, 0x06FF) or _has(text, 0xFE70, 0xFEFF):
        return "arabic"
    if _has(text, 0x0900, 0x097F):
        return "devanagari"
    if text.isascii() or _has(text, 0x3000, 0x9FFF):
        return "cjk"
    return "latin"


def raqm_available() -> bool:
    """True when Pillow has complex text layout (libraqm)."""
    from PIL import features

    return bool(features.check("raqm"))


@dataclass(frozen=True)
class Layout:
    """What to hand Pillow: the font file, the text as drawn, and the layout engine."""

    font: Path | None
    """Shipped font for the script, or ``None`` for the CJK font of :mod:`._explicit`."""
    text: str
    """The text to draw (reshaped and reordered on the no-raqm Arabic path)."""
    engine: str | None
    """``raqm``, ``basic``, or ``None`` for Pillow's default (as labels were drawn before)."""


def layout_for(text: str, *, use_raqm: bool | None = None) -> Layout:
    """How to draw ``text``; ``use_raqm`` overrides detection (tests exercise both paths)."""
    script = script_of(text)
    if script == "cjk":
        return Layout(None, text, None)
    if script == "latin":
        return Layout(LATIN_FONT, text, None)
    raqm = raqm_available() if use_raqm is None else use_raqm
    font = ARABIC_FONT if script == "arabic" else DEVANAGARI_FONT
    if raqm:
        return Layout(font, text, "raqm")
    if script == "devanagari":
        raise ConfigError(
            f"label {text!r} needs complex text layout: install the Debian package 'libraqm0' "
            "(Pillow finds it at run time)"
        )
    try:
        import arabic_reshaper  # type: ignore[import-untyped]
        from bidi.algorithm import get_display  # type: ignore[import-untyped]
    except ImportError as exc:
        raise ConfigError(
            f"label {text!r} is Arabic and Pillow has no raqm: install the Debian package "
            "'libraqm0', or the Python packages 'arabic-reshaper' and 'python-bidi'"
        ) from exc
    return Layout(font, str(get_display(arabic_reshaper.reshape(text))), "basic")

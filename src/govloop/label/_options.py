"""How explicit labels are drawn: the options every format's explicit-label hook receives.

Its own module so the format registry (and a plugin's format) can name the type without
importing the provider step that uses it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ExplicitOptions(BaseModel):
    """How explicit labels are drawn (user input: unknown keys refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: str = "zh-en"
    """``zh-en`` or a code of :data:`govloop.languages.LANGUAGES` (``zh``, ``en``, ``ar``, ...)."""
    text_position: str = "end"
    """start, end or middle (text)."""
    text_wording: str | None = None
    """Custom wording for text (must contain an AI element and a generation element)."""
    corner: str = "bottom-right"
    """Image and video corner."""
    audio_mode: str = "rhythm"
    """rhythm (短长短短), speech (espeak-ng) or both."""
    audio_position: str = "start"
    """start, end or both."""
    video_seconds: float = 3.0
    """Seconds the video label stays on screen (at least 2)."""

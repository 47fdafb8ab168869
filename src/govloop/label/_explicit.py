"""Explicit (visible) labels for text and images (GB 45438 §5, Labeling Measures Art. 4).

Text: a prompt with an AI element ("人工智能"/"AI") and a generation element ("生成"/"合成"/
"generated"), at the start, the end or a middle position (a paragraph break near the middle).
Images: text whose rendered glyph height is at least 5 % of the image's shortest side, in a
corner, white with a dark outline on a translucent dark backing so it reads on light and dark
content. The font is a CJK font from a Debian package (fonts-noto-cjk or fonts-wqy-zenhei),
found with ``fc-match`` or at its known path.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from govloop.errors import ConfigError, InputError
from govloop.label._script_fonts import Layout, layout_for
from govloop.label._wording import AI_TERMS, GENERATION_TERMS, IMAGE, TEXT, resolve_language

if TYPE_CHECKING:
    from PIL import Image, ImageFont

#: Default wording per language (see ``_wording``); each has an AI and a generation element.
TEXT_WORDING = TEXT
IMAGE_WORDING = IMAGE
#: Minimum text height as a share of the shortest side (GB 45438 images and video).
MIN_HEIGHT_RATIO = 0.05
#: Smallest text height drawn, whatever the image size (legibility).
MIN_LEGIBLE_PX = 10.0
_AI = "(" + "|".join(AI_TERMS) + ")"
_GEN = "(" + "|".join(GENERATION_TERMS) + ")"
EXPLICIT_TEXT_RE = re.compile(rf"{_AI}.{{0,24}}?{_GEN}|{_GEN}.{{0,24}}?{_AI}", re.I | re.S)
_FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
#: Fallback: GB 2312 level-1 subset of Noto Sans CJK SC Bold (OFL-1.1); scripts/build-label-font
SHIPPED_FONT = Path(__file__).with_name("fonts") / "GovloopLabelSans-Bold.otf"
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")
POSITIONS = ("start", "end", "middle")


def _check_language(language: str, *, content: str = "") -> str:
    """The wording key for ``language`` (InputError naming the value and the choices)."""
    return resolve_language(language, content=content)


def has_explicit_text_label(text: str) -> bool:
    """True when ``text`` contains an explicit AIGC prompt (AI element near a generation one)."""
    return EXPLICIT_TEXT_RE.search(text) is not None


def add_explicit_text_label(
    text: str, *, position: str = "end", language: str = "zh-en", wording: str | None = None
) -> str:
    """``text`` with an explicit label at the start, end or middle (a paragraph break)."""
    language = _check_language(language, content=text)
    if position not in POSITIONS:
        raise InputError(f"label position {position!r} must be one of {', '.join(POSITIONS)}")
    prompt = wording if wording is not None else TEXT_WORDING[language]
    if not has_explicit_text_label(prompt):
        raise InputError(
            f"label wording {prompt!r} needs an AI element (人工智能/AI) and a generation "
            "element (生成/合成/generated)"
        )
    tag = f"[{prompt}]"
    if position == "start":
        return f"{tag}\n\n{text}"
    if position == "end":
        return f"{text.rstrip()}\n\n{tag}\n"
    breaks = [m.end() for m in re.finditer(r"\n\s*\n", text)]
    if not breaks:
        return f"{text.rstrip()}\n\n{tag}\n"
    middle = min(breaks, key=lambda pos: abs(pos - len(text) / 2))
    return f"{text[:middle]}{tag}\n\n{text[middle:]}"


@lru_cache(maxsize=1)
def find_cjk_font() -> Path:
    """Path of an installed CJK font; ConfigError naming the Debian package when none is."""
    if shutil.which("fc-match"):
        for family in ("Noto Sans CJK SC:style=Bold", "Noto Sans CJK SC", "WenQuanYi Zen Hei"):
            try:
                out = subprocess.run(
                    ["fc-match", "-f", "%{file}", family],
                    capture_output=True,
                    text=True,
                    timeout=10,
                    check=False,
                ).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                break
            if out and ("CJK" in out or "wqy" in out.lower()) and Path(out).is_file():
                return Path(out)
    for path in _FONT_PATHS:
        if Path(path).is_file():
            return Path(path)
    # Shipped fallback (a GB 2312 level-1 subset of Noto Sans CJK SC Bold, OFL-1.1), so labels work
    # on a machine without a CJK font package; wording outside that set needs fonts-noto-cjk.
    if SHIPPED_FONT.is_file():
        return SHIPPED_FONT
    raise ConfigError(
        "no CJK font found for explicit labels; install the Debian package 'fonts-noto-cjk' "
        "(or 'fonts-wqy-zenhei')"
    )


def label_font(
    text: str, target_height: float, *, layout: Layout | None = None
) -> tuple[ImageFont.FreeTypeFont, tuple[float, ...]]:
    """A font whose rendered ``text`` is at least ``target_height`` pixels tall, and its bbox.

    ``layout`` (from :func:`layout_for`) picks the script's font and layout engine; without it
    the CJK font draws, as for Chinese and ASCII labels.
    """
    from PIL import ImageFont

    path = layout.font if layout is not None and layout.font is not None else find_cjk_font()
    name = None if layout is None else layout.engine
    engine = (
        None
        if name is None
        else ImageFont.Layout.RAQM
        if name == "raqm"
        else ImageFont.Layout.BASIC
    )
    size = max(6, math.ceil(target_height))
    for _ in range(64):
        font = ImageFont.truetype(str(path), size, layout_engine=engine)
        bbox = font.getbbox(text)
        if bbox[3] - bbox[1] >= target_height:
            return font, bbox
        size += max(1, size // 10)
    raise ConfigError(f"font {path} cannot render {text!r} at {target_height:.0f} px")


def render_label_overlay(
    size: tuple[int, int], *, corner: str = "bottom-right", language: str = "zh-en"
) -> Image.Image:
    """A transparent RGBA layer of ``size`` holding the label (used for images and video)."""
    from PIL import Image, ImageDraw

    language = _check_language(language)
    if corner not in CORNERS:
        raise InputError(f"label corner {corner!r} must be one of {', '.join(CORNERS)}")
    width, height = size
    shortest = min(width, height)
    # 10 % + 1 px above the minimum: antialiased edge rows do not count as legible glyph height
    target = max(MIN_HEIGHT_RATIO * shortest, MIN_LEGIBLE_PX) * 1.1 + 1
    stroke = max(1, round(target / 12))
    margin = max(2, round(shortest * 0.02))
    choices = IMAGE_WORDING[language]
    for i, wording in enumerate(choices):
        layout = layout_for(wording)
        text = layout.text
        font, bbox = label_font(text, target, layout=layout)
        text_w, text_h = bbox[2] - bbox[0] + 2 * stroke, bbox[3] - bbox[1] + 2 * stroke
        pad = max(2, round(text_h * 0.25))
        box_w, box_h = text_w + 2 * pad, text_h + 2 * pad
        if box_w + 2 * margin <= width or i == len(choices) - 1:
            break
    if box_w > width or box_h > height:
        raise InputError(f"image {width}x{height} is too small for a legible label {text!r}")
    margin_x = min(margin, (width - box_w) // 2)
    margin_y = min(margin, (height - box_h) // 2)
    left = margin_x if corner.endswith("left") else width - box_w - margin_x
    top = margin_y if corner.startswith("top") else height - box_h - margin_y
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.rectangle((left, top, left + box_w - 1, top + box_h - 1), fill=(0, 0, 0, 150))
    draw.text(
        (left + pad + stroke - bbox[0], top + pad + stroke - bbox[1]),
        text,
        font=font,
        fill=(255, 255, 255, 255),
        stroke_width=stroke,
        stroke_fill=(0, 0, 0, 255),
    )
    return layer


def add_explicit_image_label(
    image: Image.Image, *, corner: str = "bottom-right", language: str = "zh-en"
) -> Image.Image:
    """A copy of ``image`` with a visible AIGC label (glyph height >= 5 % of the shortest side)."""
    from PIL import Image

    layer = render_label_overlay(image.size, corner=corner, language=language)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    base = image.convert("RGBA")
    out = Image.alpha_composite(base, layer)
    if has_alpha:
        return out
    if image.mode in ("L", "I", "I;16", "F", "1"):
        return out.convert("L")
    return out.convert("RGB")

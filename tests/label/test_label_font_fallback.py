"""The shipped fallback font lets explicit image labels work without a CJK font package."""

from pathlib import Path

import pytest
from PIL import Image

from govloop.label import _explicit, add_explicit_image_label


def test_shipped_font_used_when_no_system_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_explicit.shutil, "which", lambda _name: None)
    monkeypatch.setattr(_explicit, "_FONT_PATHS", ("/nonexistent/font.ttc",))
    _explicit.find_cjk_font.cache_clear()
    try:
        path = _explicit.find_cjk_font()
        assert path.name == "GovloopLabelSans-Bold.otf"
        assert Path(path).stat().st_size > 100_000
        img = Image.new("RGB", (400, 300), (20, 20, 20))
        out = add_explicit_image_label(img, language="zh-en")
        assert out.size == img.size
        assert out.tobytes() != img.tobytes()
    finally:
        _explicit.find_cjk_font.cache_clear()

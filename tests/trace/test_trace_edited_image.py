"""`govloop trace` on a photo that was turned, straightened, re-framed, cropped, re-encoded.

The edit (a half turn, an off-centre crop to 40 % of the area, sharpening, JPEG) leaves the
perceptual fingerprint far from the original's; the watermark payload, recovered by the
detector's turned-and-scaled hypotheses, is what leads back to the ledger entry.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import skimage.data
from PIL import Image, ImageFilter
from typer.testing import CliRunner

from govloop.cli.main import build_app
from govloop.config import DEMO_PROVIDER_CODE, Settings
from govloop.ids import new_produce_id, produce_tag
from govloop.keys import KeyStore
from govloop.ledger import Ledger, record_output
from govloop.store import Store
from govloop.watermark import embed_image, watermark_key


def _edit(img: Image.Image) -> bytes:
    """Turned upside down, 40 % of it kept off-centre, sharpened, JPEG 80 (a re-post)."""
    w, h = img.size
    turned = img.transpose(Image.Transpose.ROTATE_180)
    cw, ch = round(w * 0.63), round(h * 0.63)
    cropped = turned.crop((w // 3, h // 3 - 20, w // 3 + cw, h // 3 - 20 + ch))
    sharp = cropped.filter(ImageFilter.UnsharpMask(radius=2, percent=80, threshold=2))
    buf = io.BytesIO()
    sharp.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def _straightened(img: Image.Image) -> bytes:
    """Rotated 10 degrees (a straightened photo), its blank corners cropped away, JPEG 85."""
    w, h = img.size
    turned = img.rotate(10, resample=Image.Resampling.BICUBIC)
    kept = turned.crop((w // 8, h // 8, w - w // 8, h - h // 8))
    buf = io.BytesIO()
    kept.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _reframed(img: Image.Image) -> bytes:
    """Squeezed to 4:5 of its width (a platform's aspect change), JPEG 85."""
    w, h = img.size
    buf = io.BytesIO()
    img.resize((round(w * 0.8), h), Image.Resampling.LANCZOS).save(buf, "JPEG", quality=85)
    return buf.getvalue()


@pytest.mark.db
@pytest.mark.parametrize("edit", [_edit, _straightened, _reframed], ids=lambda f: f.__name__)
def test_trace_finds_a_turned_cropped_reposted_photo_by_its_watermark(
    store: Store,
    keys: KeyStore,
    settings: Settings,
    cli: CliRunner,
    tmp_path: Path,
    edit: Callable[[Image.Image], bytes],
) -> None:
    ledger = Ledger.open(store, keys, settings)
    wkey = watermark_key(keys)
    pid = new_produce_id()
    payload = (wkey.key_id << 32) | produce_tag(pid, 32)
    marked = embed_image(Image.fromarray(skimage.data.coffee()), key=wkey, payload=payload)
    assert isinstance(marked, Image.Image)
    buf = io.BytesIO()
    marked.save(buf, "PNG")
    for i in range(5):
        record_output(
            ledger,
            f"other output {i}".encode(),
            media_type="text",
            model="demo",
            provider_code=DEMO_PROVIDER_CODE,
        )
    index = record_output(
        ledger,
        buf.getvalue(),
        media_type="image",
        model="demo",
        provider_code=DEMO_PROVIDER_CODE,
        watermark={
            "scheme": "govloop-image-v1",
            "payload": f"{payload:012x}",
            "bits": 48,
            "key_id": wkey.key_id,
        },
        produce_id=pid,
    ).index
    edited = tmp_path / "reposted.jpg"
    edited.write_bytes(edit(marked))
    res = cli.invoke(build_app(), ["trace", str(edited), "--json"])
    assert res.exit_code == 0, res.output
    top = json.loads(res.output)["candidates"][0]
    assert top["index"] == index
    marks = [e for e in top["evidence"] if e["source"] == "watermark"]
    assert marks and marks[0]["detail"]["payload"] == f"{payload:012x}"

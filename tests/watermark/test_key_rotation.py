"""Watermark key rotation: new content uses the new key, old content is still detected."""

import json
from pathlib import Path

import numpy as np
from PIL import Image

from govloop.cli.main import build_app
from govloop.keys import KeyStore
from govloop.watermark import detect_with_keys, watermark_key, watermark_keys


def test_rotate_secret_keeps_old_secrets(tmp_path: Path) -> None:
    ks = KeyStore.open(tmp_path / "keys")
    first = ks.secret("watermark")
    second = ks.rotate_secret("watermark")
    third = ks.rotate_secret("watermark")
    assert ks.secret("watermark") == third
    assert ks.all_secrets("watermark") == [third, second, first]
    assert [k.secret for k in watermark_keys(ks)] == [third, second, first]


def test_image_marked_before_rotation_is_still_detected(cli, settings, tmp_path: Path) -> None:
    app = build_app()
    rng = np.random.default_rng(4)
    base = rng.integers(60, 200, (320, 320, 3), dtype=np.uint8)
    src = tmp_path / "photo.png"
    Image.fromarray(base).save(src)
    marked = tmp_path / "marked.png"
    made = cli.invoke(app, ["watermark", "embed", str(src), "-o", str(marked), "--json"])
    assert made.exit_code == 0, made.output
    old_id = watermark_key(KeyStore.open(settings.keys_dir)).key_id

    rotated = cli.invoke(app, ["watermark", "rotate-key"])
    assert rotated.exit_code == 0, rotated.output
    assert "1 earlier key" in rotated.output
    ks = KeyStore.open(settings.keys_dir)
    assert watermark_key(ks).key_id != old_id

    found = cli.invoke(app, ["watermark", "detect", str(marked), "--json"])
    assert found.exit_code == 0, found.output
    result = json.loads(found.output)
    assert result["detected"] is True
    assert result["key_id"] == old_id
    assert result["payload"] == json.loads(made.output)["payload"]
    # the unmarked original is not detected under any key
    plain = detect_with_keys(src.read_bytes(), filename="photo.png", keys=watermark_keys(ks))
    assert plain is not None and not plain.detected

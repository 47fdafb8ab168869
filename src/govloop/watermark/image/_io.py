"""Image plumbing: PIL or numpy in, float planes inside, the same kind out; reading files."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from govloop.errors import FormatError

if TYPE_CHECKING:
    from PIL import Image

Float = NDArray[np.float64]


@dataclass(frozen=True)
class Planes:
    """An image as float colour planes plus what is needed to rebuild it."""

    colour: Float
    """H x W x C (C = 1 or 3) values in 0..255."""
    alpha: NDArray[np.uint8] | None
    """Alpha plane, kept untouched."""
    as_pil: bool
    """Rebuild a PIL image (else a uint8 numpy array)."""


def to_planes(image: Image.Image | NDArray[np.uint8]) -> Planes:
    """Split a PIL image or a uint8 array (H x W, H x W x 3 or H x W x 4) into planes."""
    if isinstance(image, np.ndarray):
        arr = np.asarray(image)
        as_pil = False
    else:
        mode = image.mode
        if mode not in ("L", "RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in mode or mode == "P" else "RGB")
        arr = np.asarray(image)
        as_pil = True
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3 or arr.shape[2] not in (1, 3, 4):
        raise FormatError(
            f"unsupported image array shape {arr.shape}; expected HxW, HxWx3 or HxWx4"
        )
    alpha = arr[:, :, 3].astype(np.uint8) if arr.shape[2] == 4 else None
    colour = arr[:, :, :3] if arr.shape[2] == 4 else arr
    return Planes(colour.astype(np.float64), alpha, as_pil)


def from_planes(colour: Float, planes: Planes) -> Image.Image | NDArray[np.uint8]:
    """Round, clip and rebuild the image in the caller's kind and mode."""
    out = np.clip(np.rint(colour), 0, 255).astype(np.uint8)
    if planes.alpha is not None:
        out = np.concatenate([out, planes.alpha[:, :, None]], axis=2)
    if out.shape[2] == 1:
        out = out[:, :, 0]
    if not planes.as_pil:
        return out
    from PIL import Image

    return Image.fromarray(out)


def luma(colour: Float) -> Float:
    """ITU-R BT.601 luma of the colour planes (the plane JPEG keeps at full resolution)."""
    if colour.shape[2] == 1:
        return colour[:, :, 0]
    return 0.299 * colour[:, :, 0] + 0.587 * colour[:, :, 1] + 0.114 * colour[:, :, 2]


def resize(plane: Float, shape: tuple[int, int]) -> Float:
    """Resample a float plane to ``shape`` (rows, cols) with an anti-aliased bilinear filter."""
    if plane.shape == shape:
        return plane
    from PIL import Image

    img = Image.fromarray(plane.astype(np.float32))
    out = img.resize((shape[1], shape[0]), Image.Resampling.BILINEAR)
    return np.asarray(out, dtype=np.float64)


def load_image(data: bytes, *, filename: str = "") -> Image.Image:
    """Decode image bytes; a broken or unsupported file is a :class:`FormatError`."""
    from PIL import Image

    from govloop._decode import decoding

    with decoding(filename or "<image>", "image"):
        img = Image.open(io.BytesIO(data))
        img.load()
    return img


def save_image(image: Image.Image, *, filename: str) -> bytes:
    """Encode an image in the format its file name asks for (PNG when unknown)."""
    from PIL import Image

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    fmt = Image.registered_extensions().get(f".{ext}", "PNG")
    buf = io.BytesIO()
    params: dict[str, object] = {}
    if fmt == "JPEG":
        params = {"quality": 95, "subsampling": 0}
        if image.mode == "RGBA":
            image = image.convert("RGB")
    try:
        image.save(buf, format=fmt, **params)
    except (OSError, ValueError, KeyError) as exc:
        raise FormatError(f"{filename}: cannot encode image as {fmt} ({exc})") from exc
    return buf.getvalue()

"""The built-in demo image model: seeded procedural landscapes, no weights, no download.

Each image is a sky gradient with fractal clouds, a sun or moon, layered fractal mountain ridges,
textured ground and a little sensor noise: enough natural-looking structure (smooth areas, edges,
texture) for labels and watermarks to be tested on. The same prompt, size and seed give the same
pixels on every machine (NumPy's PCG64 and Pillow's resampling are deterministic).
"""

from __future__ import annotations

import hashlib

import numpy as np
from PIL import Image, ImageFilter

from govloop.errors import InputError

#: Smallest and largest side the demo model draws.
MIN_SIDE = 16
MAX_SIDE = 4096


def _rng(prompt: str, seed: int | None, size: tuple[int, int]) -> np.random.Generator:
    material = f"{prompt}\x00{seed}\x00{size[0]}x{size[1]}".encode()
    return np.random.default_rng(int.from_bytes(hashlib.sha256(material).digest()[:8], "big"))


def _fractal(
    rng: np.random.Generator, h: int, w: int, octaves: int = 6, base: int = 3
) -> np.ndarray:
    """Value noise in [0, 1]: random grids upsampled bicubically, halving weight per octave."""
    total = np.zeros((h, w), dtype=np.float32)
    weight, norm = 1.0, 0.0
    for k in range(octaves):
        cells = base * 2**k + 1
        grid = rng.random((cells, cells), dtype=np.float32)
        up = Image.fromarray(grid, mode="F").resize((w, h), Image.Resampling.BICUBIC)
        total += weight * np.asarray(up, dtype=np.float32)
        norm += weight
        weight *= 0.5
    total /= norm
    lo, hi = float(total.min()), float(total.max())
    out: np.ndarray = (total - lo) / (hi - lo + 1e-9)
    return out


def _ridge(rng: np.random.Generator, w: int, octaves: int = 7) -> np.ndarray:
    """A 1-D fractal profile in [0, 1] of length ``w`` (a mountain skyline)."""
    x = np.linspace(0.0, 1.0, w)
    out = np.zeros(w)
    amp = 1.0
    for k in range(octaves):
        pts = 2 ** (k + 1) + 1
        out += amp * np.interp(x, np.linspace(0.0, 1.0, pts), rng.random(pts))
        amp *= 0.55
    norm: np.ndarray = (out - out.min()) / (out.max() - out.min() + 1e-9)
    return norm


def _palette(rng: np.random.Generator) -> dict[str, np.ndarray]:
    hour = rng.random()  # 0 = night ... 1 = noon
    sky_top = np.array([20, 40, 90]) + hour * np.array([60, 110, 150])
    sky_low = np.array([90, 60, 80]) + hour * np.array([130, 160, 160])
    tint = rng.normal(0, 18, size=3)
    return {
        "sky_top": np.clip(sky_top + tint, 0, 255),
        "sky_low": np.clip(sky_low + tint, 0, 255),
        "sun": np.array([255, 240, 200]) if hour > 0.35 else np.array([235, 235, 250]),
        "mountain": np.clip(np.array([60, 75, 95]) + rng.normal(0, 20, 3), 0, 255),
        "ground": np.clip(np.array([70, 110, 50]) + rng.normal(0, 25, 3), 0, 255),
        "hour": np.array([hour]),
    }


class DemoImageModel:
    """Procedural, seeded image generator (the :class:`~govloop.models.ImageModel` protocol)."""

    def __init__(self, name: str = "demo-image") -> None:
        self._name = name

    @property
    def name(self) -> str:
        """Model name."""
        return self._name

    def generate_image(
        self, prompt: str, *, size: tuple[int, int] = (512, 512), seed: int | None = None
    ) -> Image.Image:
        """One RGB landscape for ``prompt``; deterministic per prompt, size and seed."""
        w, h = (int(size[0]), int(size[1]))
        if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
            raise InputError(f"image size {w}x{h} must be between {MIN_SIDE} and {MAX_SIDE} pixels")
        rng = _rng(prompt, seed, (w, h))
        pal = _palette(rng)
        yy = np.linspace(0.0, 1.0, h)[:, None, None]
        img = pal["sky_top"] * (1 - yy) + pal["sky_low"] * yy
        img = np.broadcast_to(img, (h, w, 3)).copy()
        clouds = _fractal(rng, h, w)[:, :, None]
        cover = rng.uniform(0.3, 0.7)
        img += np.clip(clouds - cover, 0, None) * 255 * (1 - yy) * 0.9
        # Sun or moon with a soft halo.
        cx, cy, r = rng.uniform(0.1, 0.9) * w, rng.uniform(0.08, 0.35) * h, rng.uniform(0.03, 0.07)
        ys, xs = np.mgrid[0:h, 0:w]
        d = np.hypot(xs - cx, ys - cy) / max(w, h)
        glow = np.clip(1.0 - d / r, 0, 1) ** 0.3 + 0.35 * np.exp(-((d / (3 * r)) ** 2))
        img = (
            img * (1 - np.clip(glow, 0, 1)[:, :, None])
            + pal["sun"] * np.clip(glow, 0, 1)[:, :, None]
        )
        # Mountain ridges, farther ones paler (aerial perspective).
        layers = int(rng.integers(2, 5))
        for i in range(layers):
            depth = (i + 1) / layers
            top = h * (0.35 + 0.3 * depth) - _ridge(rng, w) * h * (0.25 - 0.1 * depth)
            mask = (ys >= top[None, :]).astype(np.float64)
            rock = _fractal(rng, h, w, octaves=5, base=4)[:, :, None]
            colour = pal["mountain"] * (0.6 + 0.6 * rock) * depth + pal["sky_low"] * (1 - depth)
            img = img * (1 - mask[:, :, None]) + colour * mask[:, :, None]
        # Ground with grass texture near the bottom.
        ground_top = h * rng.uniform(0.78, 0.9)
        gmask = np.clip((ys - ground_top) / (0.02 * h + 1), 0, 1)[:, :, None]
        grass = _fractal(rng, h, w, octaves=6, base=8)[:, :, None]
        img = img * (1 - gmask) + pal["ground"] * (0.55 + 0.8 * grass) * gmask
        img += rng.normal(0, 2.0, size=img.shape)  # sensor noise
        out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), mode="RGB")
        return out.filter(ImageFilter.GaussianBlur(radius=0.6))

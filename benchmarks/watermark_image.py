"""Image watermark benchmark: govloop vs invisible-watermark rivaGan, dwtDct, dwtDctSvd, one run.

Photos: scikit-image's bundled sample photos (no download). Every scheme marks the same photos
and meets the same attacked copies, in the same process. Attack families, each at several
strengths (see ``ATTACKS``): classic signal edits, rotation (black corners kept), aspect change,
crop with translation (off-centre, down to a quarter of the area), quarter turns and mirrors
combined with the above, social-media chains (resize + JPEG + sharpen, re-crop to 4:5), a
screenshot of a scaled display (resampled, inside window chrome), and print-and-photograph
approximated by a perspective warp of a few degrees + blur + JPEG.

Reported per scheme: PSNR and SSIM of the marked photos, exact-payload recovery per attack and
per family, the mean over the table, detections on the unmarked photos under every attack
(govloop: p <= 1e-6; invisible-watermark, which has no presence test: at most 3 bit errors), and
embed + detect time on a 1024x1024 image (ratio vs dwtDctSvd). rivaGan carries 32 bits (its
only width); the others 48.

Run: python benchmarks/watermark_image.py [--photos N | --names grass,clock]
     [--schemes govloop,rivaGan,...] [--families rotation,crop] [--json out.json]
     [--plot docs/watermark-image-sweeps.png]
Needs the ``bench`` extra (invisible-watermark, onnxruntime, opencv, matplotlib for --plot).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from govloop.watermark import WatermarkKey
from govloop.watermark.image import detect_image, embed_image, psnr

PAYLOAD = 0xD8C1_1234_5678
Array = np.ndarray
Attack = Callable[[Array, int], Array]
"""(image, seed) -> attacked image; the seed picks crop offsets and warp corners per photo."""


def photos() -> dict[str, Array]:
    import skimage.data as d

    names = [
        "astronaut",
        "coffee",
        "chelsea",
        "rocket",
        "hubble_deep_field",
        "retina",
        "camera",
        "moon",
        "coins",
        "brick",
        "grass",
        "gravel",
        "clock",
        "immunohistochemistry",
        "cell",
    ]
    out = {}
    for n in names:
        a = np.asarray(getattr(d, n)())
        if a.ndim == 2:
            a = np.stack([a] * 3, -1)
        out[n] = a[:, :, :3].astype(np.uint8)
    left, right, _ = d.stereo_motorcycle()
    out["motorcycle_left"], out["motorcycle_right"] = left, right
    return out


# ---------------------------------------------------------------- elementary edits


def jpeg(a: Array, q: int) -> Array:
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "JPEG", quality=q)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def resize_to(a: Array, w: int, h: int, method: Image.Resampling) -> Array:
    return np.asarray(Image.fromarray(a).resize((w, h), method))


def scale(a: Array, f: float, method: Image.Resampling = Image.Resampling.BICUBIC) -> Array:
    h, w = a.shape[:2]
    return resize_to(a, round(w * f), round(h * f), method)


def rotate(a: Array, deg: float) -> Array:
    return np.asarray(Image.fromarray(a).rotate(deg, resample=Image.Resampling.BICUBIC))


def aspect(a: Array, r: float) -> Array:
    """Height scaled by ``r`` (width kept): a stretch, as a wrong-aspect upload does."""
    h, w = a.shape[:2]
    return resize_to(a, w, round(h * r), Image.Resampling.BICUBIC)


def crop(a: Array, area: float, seed: int) -> Array:
    """Keep ``area`` of the image (same aspect), at a seeded off-centre position."""
    h, w = a.shape[:2]
    kh, kw = round(h * math.sqrt(area)), round(w * math.sqrt(area))
    rng = np.random.default_rng(seed)
    t, left = int(rng.integers(0, h - kh + 1)), int(rng.integers(0, w - kw + 1))
    return a[t : t + kh, left : left + kw]


def crop_to_ratio(a: Array, ratio: float) -> Array:
    """Centre crop to width / height = ``ratio`` (a platform's re-crop)."""
    h, w = a.shape[:2]
    if w / h > ratio:
        kw = round(h * ratio)
        return a[:, (w - kw) // 2 : (w - kw) // 2 + kw]
    kh = round(w / ratio)
    return a[(h - kh) // 2 : (h - kh) // 2 + kh]


def sharpen(a: Array, percent: int = 80) -> Array:
    f = ImageFilter.UnsharpMask(radius=2, percent=percent, threshold=2)
    return np.asarray(Image.fromarray(a).filter(f))


def blur(a: Array, sigma: float) -> Array:
    return np.asarray(Image.fromarray(a).filter(ImageFilter.GaussianBlur(sigma)))


def noise(a: Array, sigma: float, seed: int) -> Array:
    r = np.random.default_rng(seed).normal(0, sigma, a.shape)
    return np.clip(np.rint(a + r), 0, 255).astype(np.uint8)


def turn(a: Array, k: int, mirror: bool = False) -> Array:
    return np.ascontiguousarray(np.rot90(a[:, ::-1] if mirror else a, k))


def screenshot(a: Array, display: float) -> Array:
    """The photo shown at ``display`` zoom (bilinear, as viewers do) inside window chrome."""
    shown = scale(a, display, Image.Resampling.BILINEAR)
    h, w = shown.shape[:2]
    frame = np.full((h + 96, w + 40, 3), 236, np.uint8)
    frame[:40] = 60  # title bar
    frame[56 : 56 + h, 20 : 20 + w] = shown
    return frame


def perspective(a: Array, degrees: float, seed: int) -> Array:
    """A camera a few degrees off-axis: each corner moved by up to tan(degrees) of the size."""
    import cv2

    h, w = a.shape[:2]
    rng = np.random.default_rng(seed)
    d = math.tan(math.radians(degrees)) * min(h, w) / 2
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src + rng.uniform(-d, d, (4, 2)).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    return np.asarray(cv2.warpPerspective(a, m, (w, h), flags=cv2.INTER_LINEAR))


def social(a: Array, f: float, q: int) -> Array:
    return sharpen(jpeg(scale(a, f, Image.Resampling.LANCZOS), q))


# ---------------------------------------------------------------- the attack table

ATTACKS: dict[str, tuple[str, Attack]] = {
    "none": ("none", lambda a, _: a),
    "jpeg50": ("classic", lambda a, _: jpeg(a, 50)),
    "jpeg30": ("classic", lambda a, _: jpeg(a, 30)),
    "resize0.5": ("classic", lambda a, _: scale(a, 0.5)),
    "noise5": ("classic", lambda a, s: noise(a, 5, s)),
    "bright-20": ("classic", lambda a, _: np.clip(a.astype(int) - 20, 0, 255).astype(np.uint8)),
    "blur1": ("classic", lambda a, _: blur(a, 1.0)),
    "rotate+2": ("rotation", lambda a, _: rotate(a, 2)),
    "rotate-5": ("rotation", lambda a, _: rotate(a, -5)),
    "rotate+10": ("rotation", lambda a, _: rotate(a, 10)),
    "rotate-15": ("rotation", lambda a, _: rotate(a, -15)),
    "rotate+15": ("rotation", lambda a, _: rotate(a, 15)),
    "aspect0.75": ("aspect", lambda a, _: aspect(a, 0.75)),
    "aspect0.9": ("aspect", lambda a, _: aspect(a, 0.9)),
    "aspect1.15": ("aspect", lambda a, _: aspect(a, 1.15)),
    "aspect1.33": ("aspect", lambda a, _: aspect(a, 1.33)),
    "crop0.75": ("crop", lambda a, s: crop(a, 0.75, s)),
    "crop0.5": ("crop", lambda a, s: crop(a, 0.5, s)),
    "crop0.35": ("crop", lambda a, s: crop(a, 0.35, s)),
    "crop0.25": ("crop", lambda a, s: crop(a, 0.25, s)),
    "rot90+rotate-7": ("turn+geometry", lambda a, _: rotate(turn(a, 1), -7)),
    "mirror+aspect0.8": ("turn+geometry", lambda a, _: aspect(turn(a, 0, True), 0.8)),
    "rot180+crop0.4": ("turn+geometry", lambda a, s: crop(turn(a, 2), 0.4, s)),
    "mirror+rot270+rotate+4+jpeg75": (
        "turn+geometry",
        lambda a, _: jpeg(rotate(turn(a, 3, True), 4), 75),
    ),
    "0.6x+jpeg75+sharpen": ("social", lambda a, _: social(a, 0.6, 75)),
    "0.5x+jpeg70+sharpen": ("social", lambda a, _: social(a, 0.5, 70)),
    "crop4:5+0.8x+jpeg80+sharpen": (
        "social",
        lambda a, _: social(crop_to_ratio(a, 0.8), 0.8, 80),
    ),
    "screenshot@0.8": ("screenshot", lambda a, _: screenshot(a, 0.8)),
    "screenshot@1.25+jpeg85": ("screenshot", lambda a, _: jpeg(screenshot(a, 1.25), 85)),
    "screenshot@0.67": ("screenshot", lambda a, _: screenshot(a, 0.67)),
    "persp2+blur0.7+jpeg80": (
        "print-photo",
        lambda a, s: jpeg(blur(perspective(a, 2, s), 0.7), 80),
    ),
    "persp4+blur1+jpeg75": ("print-photo", lambda a, s: jpeg(blur(perspective(a, 4, s), 1.0), 75)),
}

ROTATION_SWEEP = (0, 1, 2, 3, 5, 7.5, 10, 12.5, 15, 20)
CROP_SWEEP = (1.0, 0.75, 0.5, 0.35, 0.25, 0.16, 0.1)


# ---------------------------------------------------------------- schemes


class Govloop:
    name = "govloop"
    key = WatermarkKey(bytes(range(32)))

    def embed(self, a: Array) -> Array:
        return np.asarray(embed_image(a, key=self.key, payload=PAYLOAD))

    def decode(self, a: Array) -> tuple[bool, bool]:
        r = detect_image(a, key=self.key)
        return r.detected, r.payload == PAYLOAD


class IW:
    """invisible-watermark (BGR arrays); 'detected' = at most 3 bit errors (no presence test)."""

    def __init__(self, method: str) -> None:
        from imwatermark import WatermarkDecoder, WatermarkEncoder

        self.name, self.method = method, method
        n = 32 if method == "rivaGan" else 48
        if method == "rivaGan":
            WatermarkEncoder.loadModel()
        self.bits = [int(b) for b in f"{PAYLOAD & ((1 << n) - 1):0{n}b}"]
        self.enc = WatermarkEncoder()
        self.enc.set_watermark("bits", self.bits)
        self.dec = WatermarkDecoder("bits", n)

    def embed(self, a: Array) -> Array:
        return np.ascontiguousarray(self.enc.encode(a[:, :, ::-1].copy(), self.method)[:, :, ::-1])

    def decode(self, a: Array) -> tuple[bool, bool]:
        try:
            got = list(self.dec.decode(np.ascontiguousarray(a[:, :, ::-1]), self.method))
        except Exception:  # noqa: BLE001 - the baseline fails on small/cropped inputs
            return False, False
        right = sum(int(g) == b for g, b in zip(got, self.bits, strict=False))
        return right >= len(self.bits) - 3, right == len(self.bits)


def make_scheme(name: str) -> Govloop | IW:
    return Govloop() if name == "govloop" else IW(name)


def ssim(a: Array, b: Array) -> float:
    from skimage.metrics import structural_similarity

    return float(structural_similarity(a, b, channel_axis=2, data_range=255))


# ---------------------------------------------------------------- running


@dataclass
class Row:
    scheme: str
    psnr_min: float
    psnr_mean: float
    ssim_mean: float
    recovered: dict[str, int]
    false_detections: dict[str, int]
    rotation: dict[str, int]
    crop: dict[str, int]
    seconds: float


def run_scheme(
    scheme: Govloop | IW,
    imgs: dict[str, Array],
    attacks: dict[str, tuple[str, Attack]],
    *,
    clean: bool,
    sweeps: bool,
) -> Row:
    t0 = time.perf_counter()
    marked = {n: scheme.embed(a) for n, a in imgs.items()}
    q = [psnr(marked[n].astype(float), imgs[n].astype(float)) for n in imgs]
    s = [ssim(marked[n], imgs[n]) for n in imgs]
    seeds = {n: i + 1 for i, n in enumerate(imgs)}
    recovered = {
        an: sum(scheme.decode(af(marked[n], seeds[n]))[1] for n in imgs)
        for an, (_, af) in attacks.items()
    }
    # govloop's presence test is what is on trial: its unmarked photos meet every attack; the
    # peers (no presence test, and slow: rivaGan) only the unattacked photos
    clean_attacks = attacks if scheme.name == "govloop" else {"none": attacks["none"]}
    false = (
        {
            an: sum(scheme.decode(af(imgs[n], seeds[n]))[0] for n in imgs)
            for an, (_, af) in clean_attacks.items()
        }
        if clean
        else {}
    )
    rot = crp = {}
    if sweeps:
        # both signs of each angle, one per photo (alternating), so each point costs one decode
        rot = {
            str(g): sum(
                scheme.decode(rotate(marked[n], g if seeds[n] % 2 else -g))[1] for n in imgs
            )
            for g in ROTATION_SWEEP
        }
        crp = {
            str(c): sum(scheme.decode(crop(marked[n], c, seeds[n]))[1] for n in imgs)
            for c in CROP_SWEEP
        }
    return Row(
        scheme.name,
        min(q),
        float(np.mean(q)),
        float(np.mean(s)),
        recovered,
        false,
        rot,
        crp,
        time.perf_counter() - t0,
    )


def timing(schemes: list[Govloop | IW], imgs: dict[str, Array]) -> dict[str, float]:
    big = np.asarray(Image.fromarray(imgs["astronaut"]).resize((1024, 1024)))
    times = {}
    for s in schemes:
        s.decode(s.embed(big))  # warm-up (model load, caches)
        t = time.perf_counter()
        for _ in range(2):
            s.decode(s.embed(big))
        times[s.name] = (time.perf_counter() - t) / 2
    return times


def families(attacks: dict[str, tuple[str, Attack]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for an, (fam, _) in attacks.items():
        if fam != "none":
            out.setdefault(fam, []).append(an)
    return out


def report(rows: list[Row], n: int, attacks: dict[str, tuple[str, Attack]]) -> None:
    fams = families(attacks)
    names = [r.scheme for r in rows]
    print(f"\n| attack | family | {' | '.join(names)} |")
    print(f"|---|---|{'---|' * len(rows)}")
    for an, (fam, _) in attacks.items():
        print(f"| {an} | {fam} | " + " | ".join(f"{r.recovered[an]}/{n}" for r in rows) + " |")
    print(f"\n| family | {' | '.join(names)} |")
    print(f"|---|{'---|' * len(rows)}")
    for fam, ans in fams.items():
        cells = [sum(r.recovered[a] for a in ans) / (n * len(ans)) for r in rows]
        print(f"| {fam} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    table = [a for ans in fams.values() for a in ans]
    means = [sum(r.recovered[a] for a in table) / (n * len(table)) for r in rows]
    mins = [
        min(sum(r.recovered[a] for a in ans) / (n * len(ans)) for ans in fams.values())
        for r in rows
    ]
    print("| **mean over table** | " + " | ".join(f"**{m:.3f}**" for m in means) + " |")
    print("| worst family | " + " | ".join(f"{m:.3f}" for m in mins) + " |")
    print(
        "| PSNR min / mean dB | "
        + " | ".join(f"{r.psnr_min:.2f} / {r.psnr_mean:.2f}" for r in rows)
        + " |"
    )
    print("| SSIM mean | " + " | ".join(f"{r.ssim_mean:.4f}" for r in rows) + " |")
    if all(r.false_detections for r in rows):
        print(
            "| unmarked detections | "
            + " | ".join(
                f"{sum(r.false_detections.values())}/{len(r.false_detections) * n}" for r in rows
            )
            + " |"
        )
    print("| scheme seconds (this run) | " + " | ".join(f"{r.seconds:.0f}" for r in rows) + " |")


def plot(rows: list[Row], n: int, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for r in rows:
        ax1.plot(
            [float(g) for g in r.rotation],
            [v / n for v in r.rotation.values()],
            "o-",
            label=r.scheme,
        )
        ax2.plot(
            [100 * float(c) for c in r.crop], [v / n for v in r.crop.values()], "o-", label=r.scheme
        )
    ax1.set(
        xlabel="rotation (degrees, either sign)",
        ylabel="exact-payload recovery",
        ylim=(-0.03, 1.03),
    )
    ax2.set(
        xlabel="crop: area kept (%), off-centre",
        ylabel="exact-payload recovery",
        ylim=(-0.03, 1.03),
    )
    ax2.invert_xaxis()
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(f"Image watermark recovery on {n} photos (benchmarks/watermark_image.py)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--photos", type=int, default=0, help="first N photos only (0: all)")
    p.add_argument("--names", default="", help="comma-separated photo names only (default: all)")
    p.add_argument("--schemes", default="govloop,rivaGan,dwtDct,dwtDctSvd")
    p.add_argument("--families", default="", help="comma-separated families (default: all)")
    p.add_argument("--no-clean", action="store_true", help="skip unmarked-photo detections")
    p.add_argument("--no-timing", action="store_true")
    p.add_argument("--json", default="", help="write the raw counts here")
    p.add_argument("--plot", default="", help="rotation and crop sweeps, as a PNG here")
    args = p.parse_args()
    imgs = photos()
    if args.names:
        wanted = args.names.split(",")
        unknown = [n for n in wanted if n not in imgs]
        if unknown:
            p.error(f"--names: unknown photo(s) {', '.join(unknown)}; known: {', '.join(imgs)}")
        imgs = {n: imgs[n] for n in wanted}
    if args.photos:
        imgs = dict(list(imgs.items())[: args.photos])
    attacks = ATTACKS
    if args.families:
        keep = set(args.families.split(",")) | {"none"}
        attacks = {k: v for k, v in ATTACKS.items() if v[0] in keep}
    schemes = [make_scheme(s) for s in args.schemes.split(",")]
    print(f"{len(imgs)} photos: {', '.join(imgs)}", flush=True)
    rows = []
    for s in schemes:
        rows.append(run_scheme(s, imgs, attacks, clean=not args.no_clean, sweeps=bool(args.plot)))
        print(f"{s.name}: {rows[-1].seconds:.0f} s", flush=True)
    report(rows, len(imgs), attacks)
    out: dict[str, object] = {"photos": list(imgs), "rows": [r.__dict__ for r in rows]}
    if args.plot:
        plot(rows, len(imgs), args.plot)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    if not args.no_timing:
        times = timing(schemes, imgs)
        out["ms_1024"] = {k: v * 1000 for k, v in times.items()}
        print()
        for name, t in times.items():
            ratio = times.get("dwtDctSvd", math.nan) / t
            print(
                f"1024x1024 embed+detect {name:10s} {t * 1000:7.0f} ms  vs dwtDctSvd x{ratio:.2f}"
            )
        if args.json:
            with open(args.json, "w") as f:
                json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()

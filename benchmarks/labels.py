"""Implicit-labeling throughput per format: govloop vs exiftool writing the same XMP property.

Run: python benchmarks/labels.py [--seconds 2]

For each image format it labels the sample files from tests/assets/label again and again for a
fixed time and reports files/s for govloop (in-process, bytes in and out, plus the file write)
and for exiftool (one ``exiftool -@ argfile`` batch run per round, the usual fast way to drive it,
with a config file defining the TC260 namespace). Other formats are measured for govloop alone.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from govloop.label import AIGCLabel, write_implicit_label

ASSETS = Path(__file__).resolve().parents[1] / "tests" / "assets" / "label"
LABEL = AIGCLabel(
    Label="1",
    ContentProducer="001191440300708461136T1GOVL",
    ProduceID="01BENCHMARKPRODUCEID000000",
    ReservedCode1="x" * 200,
)
EXIFTOOL_CONFIG = """%Image::ExifTool::UserDefined = (
    'Image::ExifTool::XMP::Main' => {
        TC260 => { SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::TC260' } },
    },
);
%Image::ExifTool::UserDefined::TC260 = (
    GROUPS => { 0 => 'XMP', 1 => 'XMP-TC260', 2 => 'Image' },
    NAMESPACE => { 'TC260' => 'http://www.tc260.org.cn/ns/AIGC/1.0/' },
    WRITABLE => 'string',
    AIGC => { },
);
1;
"""
#: Formats exiftool can write here (it refuses to write WebP and the others are not XMP).
EXIFTOOL_FORMATS = ("sample.jpg", "sample.png", "sample.tif")
BATCH = 50


def bench_govloop(name: str, seconds: float, tmp: Path) -> float:
    data = (ASSETS / name).read_bytes()
    out = tmp / f"g-{name}"
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        out.write_bytes(write_implicit_label(data, LABEL, filename=name))
        n += 1
    return n / (time.perf_counter() - start)


def bench_exiftool(name: str, seconds: float, tmp: Path, config: Path) -> float:
    src = ASSETS / name
    files = []
    for i in range(BATCH):
        f = tmp / f"e{i}-{name}"
        shutil.copyfile(src, f)
        files.append(f)
    args = tmp / "args.txt"
    lines = ["-overwrite_original", "-q", f"-XMP-TC260:AIGC={LABEL.to_json()}"]
    args.write_text("\n".join(lines + [str(f) for f in files]) + "\n", encoding="utf-8")
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        subprocess.run(["exiftool", "-config", str(config), "-@", str(args)], check=True)
        n += BATCH
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    opts = parser.parse_args()
    have_exiftool = shutil.which("exiftool") is not None
    names = sorted(p.name for p in ASSETS.glob("sample*") if p.suffix != ".py")
    with tempfile.TemporaryDirectory(prefix="govloop-bench-") as tmpdir:
        tmp = Path(tmpdir)
        config = tmp / "tc260.config"
        config.write_text(EXIFTOOL_CONFIG, encoding="utf-8")
        print(f"{'file':24} {'govloop files/s':>16} {'exiftool files/s':>17} {'ratio':>8}")
        for name in names:
            g = bench_govloop(name, opts.seconds, tmp)
            if have_exiftool and name in EXIFTOOL_FORMATS:
                e = bench_exiftool(name, opts.seconds, tmp, config)
                check = subprocess.run(
                    [
                        "exiftool",
                        "-config",
                        str(config),
                        "-s3",
                        "-XMP-TC260:AIGC",
                        str(tmp / f"e0-{name}"),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.strip()
                assert check == LABEL.to_json(), f"exiftool wrote {check!r}"
                print(f"{name:24} {g:16.0f} {e:17.0f} {g / e:7.1f}x")
            else:
                print(f"{name:24} {g:16.0f} {'-':>17} {'-':>8}")


if __name__ == "__main__":
    main()

"""Language identification: lingua-language-detector and py3langid side by side.

Both are restricted to the ten languages of :mod:`govloop.languages`. Prints accuracy on
label-sized lines and on paragraphs (``benchmarks/langid_samples.py``), the time to build each
detector, and the mean time per text. Run from the repository root:

    PYTHONPATH=src:benchmarks python benchmarks/langid.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

import py3langid
from langid_samples import PARAGRAPH, SHORT, TINY
from lingua import IsoCode639_1, LanguageDetectorBuilder
from lingua import Language as LinguaLanguage

from govloop.languages import CODES

Detect = Callable[[str], str | None]


def build_lingua(*, preload: bool) -> Detect:
    """A lingua detector for the table's languages (low-accuracy mode off: short texts matter)."""
    langs = [LinguaLanguage.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in CODES]
    builder = LanguageDetectorBuilder.from_languages(*langs)
    if preload:
        builder = builder.with_preloaded_language_models()
    detector = builder.build()

    def detect(text: str) -> str | None:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found is not None else None

    return detect


def build_py3langid() -> Detect:
    """py3langid restricted to the table's languages."""
    py3langid.set_languages(list(CODES))

    def detect(text: str) -> str | None:
        return str(py3langid.classify(text)[0])

    return detect


def measure(name: str, build: Callable[[], Detect]) -> None:
    """Print one row per sample set for one detector."""
    start = time.perf_counter()
    detect = build()
    detect("warm up")
    built = time.perf_counter() - start
    for label, samples in (("tiny", TINY), ("short", SHORT), ("paragraph", PARAGRAPH)):
        texts = [(code, text) for code, lines in samples.items() for text in lines]
        start = time.perf_counter()
        wrong = [(code, text, got) for code, text in texts if (got := detect(text)) != code]
        per_text = (time.perf_counter() - start) / len(texts) * 1000
        right = len(texts) - len(wrong)
        print(
            f"{name:<18} {label:<9} {right:>3}/{len(texts):<3} "
            f"{right / len(texts):6.1%} {per_text:8.2f} ms/text  build {built:5.2f} s"
        )
        for code, text, got in wrong:
            print(f"{'':<18}   miss {code} -> {got}: {text[:40]}")


def main() -> None:
    """Run both detectors on both sample sets."""
    measure("lingua", lambda: build_lingua(preload=False))
    measure("lingua (preloaded)", lambda: build_lingua(preload=True))
    measure("py3langid", build_py3langid)


if __name__ == "__main__":
    main()

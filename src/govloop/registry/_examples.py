"""Example filings shipped with govloop (used by ``govloop demo`` and as templates)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def example_filings() -> list[Path]:
    """Paths of the shipped example filing files, sorted by name."""
    root = Path(str(resources.files("govloop.registry"))) / "examples"
    return sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml", ".json"))

"""PDF through LibreOffice: the DOCX exports converted by ``soffice --headless``.

No Python library renders a Word document faithfully (tables, CJK fonts), and regulators' portals
take the PDF LibreOffice prints, so govloop converts with it where it is installed and names the
missing program otherwise. Many documents go through one ``soffice`` start (it takes seconds),
each conversion in a private user profile so parallel runs do not lock each other out.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from govloop.errors import ConfigError, FormatError

SOFFICE_TIMEOUT_S = 300
"""Longest one ``soffice`` conversion run may take."""


def soffice_path() -> str:
    """The ``soffice`` program, or ConfigError naming the Debian package that provides it."""
    for name in ("soffice", "libreoffice"):
        exe = shutil.which(name)
        if exe is not None:
            return exe
    raise ConfigError(
        "PDF output needs LibreOffice's soffice, which is not installed; install the Debian "
        "package 'libreoffice-writer-nogui' (or export .docx / .json)"
    )


def docx_to_pdf(documents: Mapping[str, bytes]) -> dict[str, bytes]:
    """Each DOCX (by a plain file stem) as PDF, converted in one ``soffice`` run."""
    exe = soffice_path()
    with tempfile.TemporaryDirectory(prefix="govloop-pdf-") as tmp:
        root = Path(tmp)
        src, out = root / "in", root / "out"
        src.mkdir()
        inputs = []
        for stem, data in documents.items():
            if not stem or "/" in stem or stem.startswith("."):
                raise FormatError(f"document name {stem!r} is not a plain file stem")
            path = src / f"{stem}.docx"
            path.write_bytes(data)
            inputs.append(str(path))
        cmd = [
            exe,
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *inputs,
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, check=False, timeout=SOFFICE_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            raise FormatError(f"soffice took over {SOFFICE_TIMEOUT_S} s converting to PDF") from exc
        result: dict[str, bytes] = {}
        for stem in documents:
            pdf = out / f"{stem}.pdf"
            if (
                proc.returncode != 0
                or not pdf.is_file()
                or not pdf.read_bytes().startswith(b"%PDF")
            ):
                msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
                why = msg[-1] if msg else f"exit status {proc.returncode}, no {pdf.name}"
                raise FormatError(f"soffice could not convert {stem}.docx to PDF: {why}")
            result[stem] = pdf.read_bytes()
        return result

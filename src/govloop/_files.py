"""Reading and writing user files safely, shared by every command that takes or makes files.

Outputs are written through a temporary file in the same folder and a rename, so an existing
file is never left half-written; every failure is an :class:`InputError` naming the path.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from govloop.errors import InputError


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    Raises :class:`InputError` naming ``path`` when it cannot be written (a folder, no
    permission, a read-only disk); the file already there is left as it was.
    """
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write: {exc.strerror}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_input(path: Path) -> bytes:
    """Bytes of an input file; InputError naming it when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, not a file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (the same inode, or the same resolved path)."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def check_output(path: Path, *, force: bool = False, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse an output path before any work is done: the one no-clobber rule of govloop.

    A command that writes a file calls this first (so nothing is computed, recorded or signed
    for a result that cannot be written) and :func:`write_output` at the end. An existing file
    is replaced only with ``force``; an output that is one of the ``inputs`` is refused even
    then, because replacing the file being read is what ``--in-place`` is for.
    """
    for src in inputs:
        if _same_file(path, src):
            raise InputError(f"{path}: output is the input {src}; write to another file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    if not force and (path.exists() or path.is_symlink()):
        raise InputError(f"{path}: already exists; pass --force to replace it")


def write_output(
    path: Path, data: bytes, *, force: bool = False, inputs: tuple[Path, ...] = ()
) -> None:
    """Write a command's output file under the no-clobber rule of :func:`check_output`.

    Without ``force`` the temporary file is hard-linked into place, so a file created by
    someone else between the check and the write is still never replaced (the link fails);
    with ``force`` it is renamed over the old file, which is never left half-written.
    """
    check_output(path, force=force, inputs=inputs)
    if force:
        atomic_write(path, data)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError as exc:
            raise InputError(f"{path}: already exists; pass --force to replace it") from exc
        except OSError:  # a file system without hard links: the check above has to do
            if path.exists():
                raise InputError(f"{path}: already exists; pass --force to replace it") from None
            os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror}") from exc
    finally:
        Path(tmp).unlink(missing_ok=True)

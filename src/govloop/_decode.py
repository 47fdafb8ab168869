"""One rule for foreign decoders: whatever they raise on a bad file is a :class:`FormatError`.

Pillow, libsndfile and FFmpeg are asked to parse untrusted bytes, and they fail in more ways than
their documentation lists: Pillow raises ``SyntaxError`` ("broken PNG file"), ``struct.error``,
``zlib.error``, ``EOFError``, ``IndexError``, ``DecompressionBombError`` and ``OSError`` among
others. Listing exception classes per call site let one through at a time (``trace`` exited 70 on
a corrupt PNG), so the readers wrap only the decoder call in :func:`decoding` and every failure
inside it becomes a typed error naming the file. Errors govloop raised itself pass unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from govloop.errors import FormatError, GovloopError


def _is_bomb(exc: BaseException) -> bool:
    """Whether ``exc`` is Pillow's refusal of an image too large to decode safely."""
    return type(exc).__name__ == "DecompressionBombError" or isinstance(exc, MemoryError)


def decoder_error(name: str, what: str, exc: BaseException) -> FormatError:
    """The :class:`FormatError` for a decoder failure on file ``name`` (``what``: image, audio)."""
    if _is_bomb(exc):
        return FormatError(f"{name}: {what} too large to decode ({type(exc).__name__})")
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    why = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return FormatError(f"{name}: not a decodable {what} ({why})")


@contextmanager
def decoding(name: str, what: str) -> Iterator[None]:
    """Run a foreign decoder; any exception it raises becomes a :class:`FormatError`.

    Wrap the decoder call only (open, load, read), not govloop's own processing, so a bug of
    ours is still reported as one.
    """
    try:
        yield
    except GovloopError:
        raise
    except Exception as exc:  # noqa: BLE001 - the decoder boundary: every failure is the file's
        raise decoder_error(name, what, exc) from exc

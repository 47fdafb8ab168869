"""Provider side: explicit label, signed implicit label, optional C2PA, on bytes and on files.

``label_bytes`` runs the whole provider step for one file: add the explicit label suited to its
media type (the content is re-encoded only when an explicit label is drawn into it, and the
original metadata is carried over), then sign and write the implicit AIGC label.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from govloop._files import atomic_write, check_output, read_input, write_output
from govloop.errors import FormatError, InputError
from govloop.ids import new_produce_id
from govloop.keys import SigningKey
from govloop.label._options import ExplicitOptions
from govloop.label._registry import (
    LabelFormat,
    SupportsExplicitLabel,
    explicit_labeller,
    find_format,
)
from govloop.label._sign import make_producer_label


class LabelOutcome(BaseModel):
    """What the provider step did to one file."""

    model_config = ConfigDict(frozen=True)

    file: str
    """File name (or empty for bytes without one)."""
    format: str
    """Registry format name."""
    media_type: str
    """image, audio, video, text or document."""
    label: dict[str, str]
    """The AIGC object written."""
    explicit: str
    """'added', 'off' or 'not supported for <format>'."""
    c2pa: bool = False
    """Whether a C2PA manifest was embedded."""


def add_explicit_label(
    data: bytes, fmt: LabelFormat, *, filename: str = "", options: ExplicitOptions | None = None
) -> tuple[bytes, str]:
    """(``data`` with the explicit label for its format, ``"added"``), by the format's hook.

    A format without the hook (built in or from a plugin) raises FormatError "format X does not
    support explicit labels"; :func:`label_bytes` reports that as ``not supported for X``.
    """
    hook = explicit_labeller(fmt)
    opts = options or ExplicitOptions()
    return hook.add_explicit_label(data, filename=filename, options=opts), "added"


def label_bytes(
    data: bytes,
    *,
    filename: str = "",
    producer_code: str,
    signer: SigningKey,
    produce_id: str | None = None,
    explicit: bool = True,
    options: ExplicitOptions | None = None,
) -> tuple[bytes, LabelOutcome]:
    """Provider step for one file: explicit label, then a signed implicit label."""
    fmt = find_format(data, filename=filename)
    done = "off"
    if explicit and isinstance(fmt, SupportsExplicitLabel):
        data, done = add_explicit_label(data, fmt, filename=filename, options=options)
    elif explicit:
        done = f"not supported for {fmt.name}"
    label = make_producer_label(
        producer_code=producer_code,
        produce_id=produce_id or new_produce_id(),
        content=data,
        signer=signer,
        filename=filename,
    )
    try:
        out = fmt.write(data, label)
    except FormatError as exc:
        raise FormatError(f"{filename or fmt.name}: {exc}") from exc
    outcome = LabelOutcome(
        file=filename,
        format=fmt.name,
        media_type=fmt.media_type,
        label=label.as_dict(),
        explicit=done,
    )
    return out, outcome


def output_path(src: Path, out: Path | None, *, in_place: bool, force: bool = False) -> Path:
    """Where a result goes: ``out``, or ``src`` itself only when ``in_place`` is set.

    An existing ``out`` is refused unless ``force`` (the no-clobber rule of
    :func:`govloop._files.check_output`).
    """
    if in_place:
        if out is not None and out.resolve() != src.resolve():
            raise InputError("give either -o/--output or --in-place, not both")
        return src
    if out is None:
        raise InputError(f"{src}: give -o/--output (the input is changed only with --in-place)")
    if out.resolve() == src.resolve():
        raise InputError(f"{src}: output is the input; use --in-place to overwrite it")
    check_output(out, force=force, inputs=(src,))
    return out


def label_file(
    src: Path,
    out: Path | None,
    *,
    producer_code: str,
    signer: SigningKey,
    in_place: bool = False,
    produce_id: str | None = None,
    explicit: bool = True,
    options: ExplicitOptions | None = None,
    c2pa_signer_dir: Path | None = None,
    force: bool = False,
) -> LabelOutcome:
    """Label one file and write the result atomically (input untouched unless ``in_place``).

    An existing output file is replaced only with ``force``.
    """
    dst = output_path(src, out, in_place=in_place, force=force)
    data = read_input(src)
    labelled, outcome = label_bytes(
        data,
        filename=src.name,
        producer_code=producer_code,
        signer=signer,
        produce_id=produce_id,
        explicit=explicit,
        options=options,
    )
    if c2pa_signer_dir is not None:
        from govloop.label._c2pa import embed_c2pa

        labelled = embed_c2pa(
            labelled, filename=dst.name, label=outcome.label, cert_dir=c2pa_signer_dir
        )
        outcome = outcome.model_copy(update={"c2pa": True})
    if in_place:
        atomic_write(dst, labelled)
    else:
        write_output(dst, labelled, force=force, inputs=(src,))
    return outcome.model_copy(update={"file": str(dst)})

"""Provider side: explicit label, signed implicit label, optional C2PA, on bytes and on files.

``label_bytes`` runs the whole provider step for one file: add the explicit label suited to its
media type (the content is re-encoded only when an explicit label is drawn into it, and the
original metadata is carried over), then sign and write the implicit AIGC label.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from govloop._files import atomic_write, check_output, read_input, write_output
from govloop.errors import FormatError, InputError
from govloop.ids import new_produce_id
from govloop.keys import SigningKey
from govloop.label._explicit import add_explicit_image_label, add_explicit_text_label
from govloop.label._fmt_av import _id3_size, _riff_chunks
from govloop.label._fmt_doc import split_front_matter
from govloop.label._fmt_image import _XmpImage
from govloop.label._registry import LabelFormat, find_format
from govloop.label._sign import make_producer_label

_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "tiff": "TIFF"}


class ExplicitOptions(BaseModel):
    """How explicit labels are drawn (user input: unknown keys refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: str = "zh-en"
    """zh, en or zh-en."""
    text_position: str = "end"
    """start, end or middle (text)."""
    text_wording: str | None = None
    """Custom wording for text (must contain an AI element and a generation element)."""
    corner: str = "bottom-right"
    """Image and video corner."""
    audio_mode: str = "rhythm"
    """rhythm (短长短短), speech (espeak-ng) or both."""
    audio_position: str = "start"
    """start, end or both."""
    video_seconds: float = 3.0
    """Seconds the video label stays on screen (at least 2)."""


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


def _explicit_image(fmt: _XmpImage, data: bytes, options: ExplicitOptions) -> bytes:
    from PIL import Image

    from govloop._decode import decoding

    with decoding(fmt.name, "image"):
        img = Image.open(io.BytesIO(data))
        img.load()
    info = dict(img.info)
    labelled = add_explicit_image_label(img, corner=options.corner, language=options.language)
    save: dict[str, object] = {
        k: info[k] for k in ("exif", "icc_profile", "dpi") if info.get(k) is not None
    }
    if fmt.name == "jpeg":
        save["quality"] = 95
    if fmt.name == "webp":
        save["quality"] = 90
    out = io.BytesIO()
    labelled.save(out, _PIL_FORMATS[fmt.name], **save)
    new = out.getvalue()
    packet = fmt.get_xmp(data)
    return fmt.set_xmp(new, packet) if packet is not None else new


def _carry_wav_chunks(original: bytes, new: bytes) -> bytes:
    """``new`` WAV plus the original's chunks other than fmt/data/fact (LIST, bext, ...)."""
    extra = [
        original[start:padded]
        for cid, start, _end, padded in _riff_chunks(original)
        if cid not in (b"fmt ", b"data", b"fact")
    ]
    body = new[12:] + b"".join(c + (b"\x00" if len(c) & 1 else b"") for c in extra)
    return b"RIFF" + (len(body) + 4).to_bytes(4, "little") + b"WAVE" + body


def add_explicit_label(
    data: bytes, fmt: LabelFormat, *, filename: str = "", options: ExplicitOptions | None = None
) -> tuple[bytes, str]:
    """(``data`` with the explicit label for its media type, what was done)."""
    opts = options or ExplicitOptions()
    if fmt.name == "text":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"{filename or 'text'}: text is not valid UTF-8 at byte {exc.start}"
            ) from exc
        front, body = split_front_matter(text)
        head = text[: len(text) - len(body)]
        new = add_explicit_text_label(
            body, position=opts.text_position, language=opts.language, wording=opts.text_wording
        )
        del front
        return (head + new).encode("utf-8"), "added"
    if isinstance(fmt, _XmpImage):
        return _explicit_image(fmt, data, opts), "added"
    if fmt.name in ("wav", "mp3"):
        from govloop.label._explicit_av import explicit_audio_bytes

        audio_opts = {
            "mode": opts.audio_mode,
            "position": opts.audio_position,
            "language": opts.language,
        }
        sound = explicit_audio_bytes(data, filename=filename, **audio_opts)
        if fmt.name == "wav":
            return _carry_wav_chunks(data, sound), "added"
        return data[: _id3_size(data)] + sound[_id3_size(sound) :], "added"
    if fmt.media_type == "video":
        from govloop.label._explicit_av import add_explicit_video_label

        ext = Path(filename).suffix.lower() or (".mkv" if fmt.name == "matroska" else ".mp4")
        with tempfile.TemporaryDirectory(prefix="govloop-ex-") as tmp:
            src, dst = Path(tmp) / f"in{ext}", Path(tmp) / f"out{ext}"
            src.write_bytes(data)
            add_explicit_video_label(
                src, dst, corner=opts.corner, language=opts.language, seconds=opts.video_seconds
            )
            return dst.read_bytes(), "added"
    return data, f"not supported for {fmt.name}"


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
    if explicit:
        data, done = add_explicit_label(data, fmt, filename=filename, options=options)
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

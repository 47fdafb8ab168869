"""``govloop watermark embed|detect`` for images and audio (text detection via watermark_text).

The key comes from the key store (purpose ``watermark``); the media type from the file itself.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govloop.cli import _common
from govloop.cli._output import ForceOpt

if TYPE_CHECKING:
    from govloop.watermark import WatermarkResult

app = typer.Typer(help="Embed and detect keyed invisible watermarks (image, audio, text).")


def _read(path: Path) -> bytes:
    from govloop._files import read_input

    return read_input(path)


def _parse_payload(text: str, bits: int) -> int:
    from govloop.errors import InputError

    try:
        value = int(text.removeprefix("0x"), 16)
    except ValueError as exc:
        raise InputError(f"--payload {text!r}: not a hexadecimal number") from exc
    if value < 0 or value >> bits:
        raise InputError(f"--payload {text!r}: does not fit in {bits} bits")
    return value


@app.command("embed")
def embed(
    ctx: typer.Context,
    src: Annotated[Path, typer.Argument(help="Image (PNG, JPEG, ...) or audio (WAV, FLAC, MP3).")],
    out: Annotated[Path, typer.Option("--output", "-o", help="Where to write the marked file.")],
    force: ForceOpt = False,
    payload: Annotated[
        str | None,
        typer.Option(help="Payload in hex (image 48 bits, audio 32 bits); random if omitted."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Embed the provider's watermark with a payload into an image or audio file."""
    from govloop.cli._output import check_output, write_output
    from govloop.errors import InputError
    from govloop.watermark import sniff_media, watermark_key

    st = _common.state(ctx)
    check_output(out, force=force, inputs=(src,))
    data = _read(src)
    kind = sniff_media(data, src.name)
    key = watermark_key(st.keys)
    info: dict[str, object] = {"input": str(src), "output": str(out), "key_id": key.key_id}
    if kind == "image":
        from govloop.watermark.image import PAYLOAD_BITS, embed_image, load_image, psnr, save_image

        value = (
            _parse_payload(payload, PAYLOAD_BITS)
            if payload is not None
            else (key.key_id << 32) | secrets.randbits(32)
        )
        import numpy as np

        img = load_image(data, filename=src.name)
        marked = embed_image(img, key=key, payload=value)
        write_output(out, save_image(marked, filename=out.name), force=force, inputs=(src,))  # type: ignore[arg-type]
        info["psnr_db"] = round(psnr(np.asarray(marked), np.asarray(img.convert(marked.mode))), 2)  # type: ignore[union-attr]
    elif kind == "audio":
        from govloop.watermark.audio import (
            PAYLOAD_BITS,
            embed_audio,
            read_audio,
            snr_db,
            write_audio,
        )

        value = (
            _parse_payload(payload, PAYLOAD_BITS)
            if payload is not None
            else secrets.randbits(PAYLOAD_BITS)
        )
        samples, rate = read_audio(data, filename=src.name)
        marked_audio = embed_audio(samples, rate, key=key, payload=value)
        write_output(out, write_audio(marked_audio, rate, filename=out.name), force=force)
        info["snr_db"] = round(snr_db(samples, marked_audio), 2)
    else:
        raise InputError(f"{src}: not an image or audio file (text is marked at generation time)")
    info["media"] = kind
    info["payload"] = f"{value:0{PAYLOAD_BITS // 4}x}"
    info["payload_bits"] = PAYLOAD_BITS
    if as_json:
        _common.print_json(ctx, info)
        return
    quality = f"PSNR {info['psnr_db']} dB" if kind == "image" else f"SNR {info['snr_db']} dB"
    st.console.print(
        f"marked {kind} -> {out}  payload {info['payload']}  key {key.key_id:04x}  {quality}",
        highlight=False,
    )


@app.command("detect")
def detect(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Image, audio or text file.")],
    model: Annotated[
        str | None, typer.Option(help="Text only: model whose tokenizer to use (demo default).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Test a file for the provider's watermark: presence, p-value and payload."""
    from govloop.errors import InputError
    from govloop.watermark import detect_with_keys, sniff_media, watermark_keys

    st = _common.state(ctx)
    data = _read(path)
    result: WatermarkResult | None
    if sniff_media(data, path.name) == "text":
        from govloop.cli import watermark_text

        result = watermark_text.detect_text_file(path, keys=st.keys, model=model)
    else:
        result = detect_with_keys(data, filename=path.name, keys=watermark_keys(st.keys))
    if result is None:
        raise InputError(f"{path}: not an image, audio or text file")
    out = result.to_json()
    if as_json:
        _common.print_json(ctx, out)
        return
    verdict = "[green]watermark detected[/]" if result.detected else "no watermark detected"
    st.console.print(f"{path}: {verdict}")
    st.console.print(f"  p-value  {result.p_value:.3g}  (threshold {out.get('alpha', 'n/a')})")
    st.console.print(f"  payload  {out['payload'] or '-'}  ({result.payload_bits} bits)")
    st.console.print(f"  scheme   {result.scheme}  key {result.key_id:04x}", highlight=False)


@app.command("rotate-key")
def rotate_key(ctx: typer.Context) -> None:
    """Make a new watermark key; old keys are kept so earlier content is still detected."""
    from govloop.watermark import WatermarkKey, watermark_keys

    st = _common.state(ctx)
    new = WatermarkKey(st.keys.rotate_secret("watermark"))
    count = len(watermark_keys(st.keys))
    st.console.print(
        f"new active watermark key {new.key_id:04x}; {count - 1} earlier key(s) kept for detection",
        highlight=False,
    )


def register(app_: typer.Typer) -> None:
    """Add ``govloop watermark ...`` and (from watermark_text) ``govloop generate``."""
    app_.add_typer(app, name="watermark")
    try:
        from govloop.cli.watermark_text import register_text
    except ImportError:  # pragma: no cover - only while the text helper's module is missing
        return
    register_text(app_)

"""Text watermark commands: ``govloop generate`` and the text branch of ``watermark detect``.

``cli/watermark.py`` (image and audio) calls :func:`register_text` from its ``register`` and
:func:`detect_text_file` from its ``detect`` command for text files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from govloop.cli import _common
from govloop.cli._output import ForceOpt

if TYPE_CHECKING:
    from govloop.keys import KeyStore
    from govloop.models import Tokenizer
    from govloop.watermark import WatermarkResult

#: File suffixes the text branch of ``watermark detect`` handles.
TEXT_SUFFIXES = (".txt", ".md", ".text")


def model_spec(model: str | None) -> str:
    """A model spec from ``--model``: a spec (``demo``, ``demo:zh``, ``hf:/p``) or a local path."""
    if model is None:
        return "demo"
    scheme = model.partition(":")[0]
    if scheme in ("demo", "hf") and not Path(model).exists():
        return model
    return f"hf:{model}"


def text_tokenizer(model: str | None) -> Tokenizer:
    """The tokenizer detection needs for texts from ``--model`` (demo by default)."""
    spec = model_spec(model)
    if spec.startswith("hf:"):
        from govloop.models.hf import HFTokenizer

        return HFTokenizer.from_path(Path(spec[3:]).expanduser())
    from govloop.watermark.text import default_tokenizer

    return default_tokenizer()


def read_text_file(path: Path) -> str:
    """A UTF-8 text file, or a FormatError naming it."""
    from govloop._files import read_input
    from govloop.errors import FormatError

    data = read_input(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not UTF-8 text (byte {exc.start})") from exc


def detect_text_file(path: Path, *, keys: KeyStore, model: str | None = None) -> WatermarkResult:
    """Detect the provider's text watermark in a UTF-8 file (for ``watermark detect``)."""
    from govloop.errors import WatermarkError
    from govloop.watermark import watermark_keys
    from govloop.watermark.text import detect_text

    text = read_text_file(path)
    tokenizer = text_tokenizer(model)
    first: WatermarkResult | None = None
    for key in watermark_keys(keys):  # active key first, then keys retired by rotation
        result = detect_text(text, key=key, tokenizer=tokenizer)
        if result.detected:
            return result
        first = first or result
    if first is None:  # cannot happen: the key store always yields the active key
        raise WatermarkError("no watermark key in the key store")
    return first


def generate(
    ctx: typer.Context,
    prompt: Annotated[str, typer.Option("--prompt", "-p", help="The prompt.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the answer (UTF-8).")],
    force: ForceOpt = False,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", "-m", help="Local HF model directory, or demo / demo:zh / demo:en."
        ),
    ] = None,
    scheme: Annotated[str, typer.Option(help="Watermark scheme: gumbel or kgw.")] = "gumbel",
    max_tokens: Annotated[int, typer.Option(min=1, max=8192, help="Tokens to generate.")] = 300,
    temperature: Annotated[float, typer.Option(min=0.0, max=5.0)] = 1.0,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Sampling seed (reproducible output).")
    ] = None,
    filing: Annotated[
        str | None, typer.Option(help="Filing (id or model name) the output is recorded under.")
    ] = None,
    record: Annotated[
        bool, typer.Option("--record/--no-record", help="Append the output to the ledger.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Generate watermarked text and record it in the ledger (payload = tag of its ProduceID).

    Label the file afterwards with ``govloop label OUT -o LABELED`` if it leaves your service.
    """
    from govloop.cli._output import check_output, write_output
    from govloop.errors import InputError
    from govloop.ids import new_produce_id, produce_tag
    from govloop.models import GenerationRequest, LogitsModel, open_text_model
    from govloop.watermark import watermark_key
    from govloop.watermark.text import default_params, generate_watermarked

    st = _common.state(ctx)
    check_output(out, force=force)
    params = default_params(scheme)
    lm = open_text_model(model_spec(model))
    if not isinstance(lm, LogitsModel):
        raise InputError(f"model {model!r} does not expose logits; use demo or a local HF model")
    produce_id = new_produce_id()
    payload = produce_tag(produce_id, params.payload_bits)
    request = GenerationRequest.from_prompt(
        prompt, max_tokens=max_tokens, temperature=temperature, seed=seed
    )
    gen = generate_watermarked(
        lm, request, key=watermark_key(st.keys), payload=payload, params=params
    )
    data = gen.text.encode("utf-8")
    filing_id = None
    if filing is not None:
        from govloop.registry import Registry

        filing_id = Registry(st.store).get(filing).id
    write_output(out, data, force=force)
    index = None
    if record:
        from govloop.ledger import Ledger, record_output

        ledger = Ledger.open(st.store, st.keys, st.settings)
        index = record_output(
            ledger,
            data,
            media_type="text",
            model=gen.model,
            provider_code=st.settings.provider_code,
            filing_id=filing_id,
            watermark=gen.watermark,
            produce_id=produce_id,
        ).index
    report: dict[str, Any] = {
        "ledger_index": index,
        "out": str(out),
        "produce_id": produce_id,
        "model": gen.model,
        "tokens": gen.completion_tokens,
        "watermark": gen.watermark,
    }
    if as_json:
        _common.print_json(ctx, report)
        return
    wm = gen.watermark or {}
    st.console.print(
        f"wrote {out} ({gen.completion_tokens} tokens, model {gen.model}); watermark "
        f"{wm.get('scheme')} payload {wm.get('payload')} key {wm.get('key_id')}; "
        f"ProduceID {produce_id}"
        + (f", ledger index {index}" if index is not None else " (not recorded)"),
        highlight=False,
    )


def register_text(app: typer.Typer) -> None:
    """Add ``govloop generate`` to the root app."""
    app.command("generate")(generate)

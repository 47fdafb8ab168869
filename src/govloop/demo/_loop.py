"""The demo loop, one stage per function.

register → classify → assess → approve → generate, watermark, label, record → platform check →
checkpoint → trace → serve through the gateway → a complaint traced, the model suspended and
serving refused, the result back to the complainant → the platform's accounts.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from govloop.config import Settings
from govloop.errors import NotFoundError
from govloop.keys import KeyStore
from govloop.ledger import Ledger, MediaType
from govloop.store import Store

ACTOR = "govloop-demo"
TEXT_PROMPTS = ("请介绍一下城市里的春天。", "Tell me about the autumn harvest in the valley.")
IMAGE_PROMPT = "a quiet valley at dawn"


class DemoReporter(Protocol):
    """Receives the demo's progress: a stage title, then rows of facts."""

    def stage(self, title: str) -> None:
        """A new stage begins."""

    def table(self, title: str, columns: list[str], rows: list[list[str]]) -> None:
        """A small table of results."""

    def note(self, text: str) -> None:
        """One line of commentary."""


@dataclass
class DemoSummary:
    """What the demo produced, for tests and ``--json``."""

    filings: dict[str, str] = field(default_factory=dict)
    """Model name → filing id."""
    tiers: dict[str, dict[str, str]] = field(default_factory=dict)
    """Model name → regime → tier."""
    assessment: dict[str, Any] = field(default_factory=dict)
    """Run id, passed, rates and report digest of the demo chat assessment."""
    filing_number: str | None = None
    """Registry filing number assigned on approval."""
    outputs: list[dict[str, Any]] = field(default_factory=list)
    """Generated files: path, produce_id, ledger index, watermark payload."""
    checkpoint: str = ""
    """The signed checkpoint note issued after recording."""
    traces: list[dict[str, Any]] = field(default_factory=list)
    """Each trace: what was traced, the best candidate's produce_id, confidence, proof ok."""
    gateway: dict[str, Any] = field(default_factory=dict)
    """What the gateway round trip returned."""
    complaint: dict[str, Any] = field(default_factory=dict)
    """The demo complaint: receipt, final state, filing and its ledger entries."""
    accounts: dict[str, str] = field(default_factory=dict)
    """Demo platform accounts: user name → role."""
    seconds: float = 0.0
    """Wall time of the whole demo."""
    label_language: str = ""
    """Language of the explicit labels (``--lang``; empty: the default ``zh-en``)."""


def _get_or_register(registry: Any, path: Path) -> Any:
    from govloop.registry import load_filing

    doc = load_filing(path)
    try:
        return registry.get(doc.model_name)
    except NotFoundError:
        return registry.register(doc, actor=ACTOR, reason="demo filing")


def _stage_register(store: Store, out: DemoReporter, summary: DemoSummary) -> dict[str, Any]:
    from govloop.classify import filing_classifier
    from govloop.registry import Registry, example_filings

    out.stage("1. Register filings")
    registry = Registry(store, classifier=filing_classifier())
    filings = {}
    rows = []
    for path in example_filings():
        filing = _get_or_register(registry, path)
        filings[filing.model_name] = filing
        summary.filings[filing.model_name] = filing.id
        rows.append([filing.id[:12], filing.model_name, filing.provider_name, filing.state.value])
    out.table("Filings", ["id", "model", "provider", "state"], rows)
    return filings


def _stage_classify(filings: dict[str, Any], out: DemoReporter, summary: DemoSummary) -> None:
    from govloop.classify import classify

    out.stage("2. Classify under CN, EU and NIST rules")
    rows = []
    for name, filing in filings.items():
        profile = classify(filing)
        tiers = {r.regime: r.tier for r in profile.regimes}
        summary.tiers[name] = tiers
        rows.append([name, *(tiers.get(k, "-") for k in ("cn", "eu", "nist"))])
    out.table("Risk tiers", ["model", "CN", "EU", "NIST"], rows)
    chat = filings["demo"]
    duties = classify(chat).obligations
    out.table(
        "Obligations of 'demo' (crosswalked)",
        ["obligation", "regimes"],
        [[o.title, ", ".join(sorted(o.regimes))] for o in duties[:8]],
    )


def _advance_to_assessing(registry: Any, filing: Any) -> Any:
    from govloop.registry import FilingState

    path = {
        FilingState.DRAFT: [FilingState.SUBMITTED, FilingState.ASSESSING],
        FilingState.SUBMITTED: [FilingState.ASSESSING],
        FilingState.SUSPENDED: [FilingState.ASSESSING],
        FilingState.APPROVED: [FilingState.ASSESSING],
    }.get(filing.state, [])
    for state in path:
        filing = registry.transition(filing.id, state, actor=ACTOR, reason="demo: assessment")
    return filing


def _stage_assess(
    store: Store,
    ledger: Any,
    provider_code: str,
    filings: dict[str, Any],
    out: DemoReporter,
    summary: DemoSummary,
    quick: bool,
) -> None:
    from govloop.assess import conclude_assessment, run_demo_assessment
    from govloop.registry import FilingState, Registry

    out.stage("3. Assess the demo service against GB/T 45654 thresholds")
    registry = Registry(store)
    sizes = (
        {"generated-content": 120, "should-refuse": 60, "should-answer": 60}
        if quick
        else {"generated-content": 1000, "should-refuse": 300, "should-answer": 300}
    )
    for name in ("demo", "demo-image"):
        filing = _advance_to_assessing(registry, filings[name])
        run, _ = run_demo_assessment(store, sizes=sizes, max_tokens=48)
        done = conclude_assessment(
            store, run.run_id, ledger=ledger, provider_code=provider_code, filing_id=filing.id
        )
        report, recorded = done.report, done.entry
        if name == "demo":
            summary.assessment = {
                "run_id": run.run_id,
                "passed": report["passed"],
                "reasons": report["reasons"],
                "metrics": {k: m["rate"] for k, m in report["metrics"].items()},
                "ledger_index": recorded.index,
            }
            out.table(
                f"Assessment of the demo service ({run.answered} questions, {run.model})",
                ["metric", "rate", "95% interval", "required", "result"],
                [
                    [
                        k,
                        "-" if m["rate"] is None else f"{m['rate']:.3f}",
                        f"[{m['ci95'][0]:.3f}, {m['ci95'][1]:.3f}]",
                        f"{m['threshold']['op']} {m['threshold']['limit']:.0%}",
                        "pass" if m["passed"] else "FAIL",
                    ]
                    for k, m in report["metrics"].items()
                ],
            )
        else:
            out.note(
                "'demo-image' is assessed on the same bank through its prompt guard: the text "
                "judges cannot rate images, so this checks refusals, not the pictures"
            )
        filing = registry.transition(
            filing.id, FilingState.APPROVED, actor=ACTOR, reason="demo: assessment passed"
        )
        filings[name] = filing
        if name == "demo":
            summary.filing_number = filing.filing_number
            out.note(
                f"report recorded in the ledger at index "
                f"{recorded.index}; 'demo' approved with filing number {filing.filing_number}"
            )


@dataclass
class _Publisher:
    """Labels, records and writes one generated output (the provider's last steps)."""

    settings: Settings
    ledger: Any
    signer: Any
    folder: Path
    summary: DemoSummary
    options: Any = None
    """ExplicitOptions of the labels (None: the defaults, bilingual zh-en)."""
    rows: list[list[str]] = field(default_factory=list)

    def publish(
        self,
        name: str,
        content: bytes,
        *,
        produce_id: str,
        filing: Any,
        media_type: MediaType,
        watermark: dict[str, Any] | None,
    ) -> Path:
        from govloop.label import label_bytes
        from govloop.ledger import record_output

        data, outcome = label_bytes(
            content,
            filename=name,
            producer_code=self.settings.provider_code,
            signer=self.signer,
            produce_id=produce_id,
            options=self.options,
        )
        result = record_output(
            self.ledger,
            data,
            media_type=media_type,
            model=filing.model_name,
            provider_code=self.settings.provider_code,
            filing_id=filing.id,
            model_version=filing.serving_version or filing.current_version,
            requester="demo-user",
            label=outcome.label,
            watermark=watermark,
            produce_id=produce_id,
        )
        path = self.folder / name
        path.write_bytes(data)
        self.summary.outputs.append(
            {"file": str(path), "produce_id": produce_id, "index": result.index}
        )
        scheme = watermark["scheme"] if watermark else "-"
        self.rows.append([name, produce_id, str(result.index), scheme])
        return path


def _label_options(summary: DemoSummary) -> Any:
    """The labels' options for the demo's language (None keeps the bilingual default)."""
    from govloop.label import ExplicitOptions

    if not summary.label_language:
        return None
    return ExplicitOptions(language=summary.label_language)


def _stage_generate(
    settings: Settings,
    ledger: Any,
    keys: KeyStore,
    filings: dict[str, Any],
    out: DemoReporter,
    summary: DemoSummary,
) -> list[Path]:
    from PIL import Image

    from govloop.errors import ModelError
    from govloop.ids import new_produce_id, produce_tag
    from govloop.models import GenerationRequest, LogitsModel, open_image_model, open_text_model
    from govloop.watermark import embed_image, watermark_key
    from govloop.watermark.image import save_image
    from govloop.watermark.text import default_params, generate_watermarked

    out.stage("4. Generate, watermark, label and record")
    folder = settings.home / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    wkey = watermark_key(keys)
    publisher = _Publisher(
        settings, ledger, keys.active("label"), folder, summary, options=_label_options(summary)
    )
    model = open_text_model("demo")
    if not isinstance(model, LogitsModel):
        raise ModelError("the demo text model must expose logits for generation-time watermarks")
    files: list[Path] = []
    bits = default_params("gumbel").payload_bits
    for i, prompt in enumerate(TEXT_PROMPTS):
        pid = new_produce_id()
        request = GenerationRequest.from_prompt(prompt, max_tokens=300, seed=i + 1)
        gen = generate_watermarked(
            model, request, key=wkey, payload=produce_tag(pid, bits), scheme="gumbel"
        )
        files.append(
            publisher.publish(
                f"answer-{i + 1}.md",
                gen.text.encode("utf-8"),
                produce_id=pid,
                filing=filings["demo"],
                media_type="text",
                watermark=gen.watermark,
            )
        )

    pid = new_produce_id()
    image = open_image_model("demo-image").generate_image(IMAGE_PROMPT, size=(768, 512), seed=7)
    payload = (wkey.key_id << 32) | produce_tag(pid, 32)
    marked = embed_image(image, key=wkey, payload=payload)
    if not isinstance(marked, Image.Image):  # embed_image returns the kind it was given
        marked = Image.fromarray(marked)
    files.append(
        publisher.publish(
            "image.png",
            save_image(marked, filename="image.png"),
            produce_id=pid,
            filing=filings["demo-image"],
            media_type="image",
            watermark={
                "scheme": "govloop-image-v1",
                "payload": f"{payload:012x}",
                "bits": 48,
                "key_id": wkey.key_id,
            },
        )
    )
    out.table(
        "Outputs (explicit + implicit labels, watermark, ledger)",
        ["file", "ProduceID", "leaf", "watermark"],
        publisher.rows,
    )
    return files


def _stage_trace(
    ledger: Any, files: list[Path], public_keys: Any, out: DemoReporter, summary: DemoSummary
) -> bytes:
    """Check labels, checkpoint, trace two altered copies; returns the altered text."""
    from PIL import Image

    from govloop.trace import trace

    out.stage("5. Platform check, checkpoint, trace content found in the wild")
    from govloop.label import check_bytes

    check_rows = []
    for path in files:
        rep = check_bytes(path.read_bytes(), filename=path.name, public_keys=public_keys)
        sig = rep.producer_signature.status if rep.producer_signature else "absent"
        check_rows.append(
            [
                path.name,
                str(rep.implicit_label),
                sig,
                str(rep.explicit_label_found),
                rep.decision or "-",
            ]
        )
    out.table(
        "Platform check (Labeling Measures Art. 6)",
        ["file", "implicit label", "signature", "explicit label", "Label value"],
        check_rows,
    )
    cp = ledger.checkpoint()
    summary.checkpoint = cp.note
    out.note(f"signed checkpoint: tree size {cp.tree_size}, root {cp.root_hash[:16]}…")
    image_path = next(p for p in files if p.suffix == ".png")
    with Image.open(image_path) as img:
        small = img.convert("RGB").resize((img.width // 2, img.height // 2))
        buf = io.BytesIO()
        small.save(buf, format="JPEG", quality=70)
    text = files[1].read_text(encoding="utf-8").split("---", 2)[-1]
    words = text.split()
    for pos in range(3, min(len(words), 40), 9):
        words[pos] = "indeed"
    edited = " ".join(words)
    rows = []
    for what, data, filename in (
        ("screenshot: JPEG q70 at half size, no metadata", buf.getvalue(), "found.jpg"),
        ("copied text with words changed", edited.encode("utf-8"), "found.txt"),
    ):
        report = trace(data, filename=filename, ledger=ledger)
        best = report.candidates[0] if report.candidates else None
        summary.traces.append(
            {
                "what": what,
                "produce_id": best.entry.produce_id if best else None,
                "confidence": best.confidence if best else 0.0,
                "proof_verified": best.proof_verified if best else False,
                "evidence": [e.source for e in best.evidence] if best else [],
            }
        )
        rows.append(
            [
                what,
                best.entry.produce_id if best else "not found",
                f"{best.confidence:.4f}" if best else "-",
                ", ".join(e.source for e in best.evidence) if best else "-",
                "yes" if best and best.proof_verified else "no",
            ]
        )
    out.table("Trace", ["content", "ProduceID", "confidence", "evidence", "proof"], rows)
    return edited.encode("utf-8")


def _stage_gateway(
    settings: Settings, ledger: Any, out: DemoReporter, summary: DemoSummary
) -> None:
    from govloop.gateway import demo_roundtrip
    from govloop.trace import trace

    out.stage("6. Serve through the governed gateway (official openai client)")
    from govloop.gateway import LabelPolicy

    labels = LabelPolicy(language=summary.label_language) if summary.label_language else None
    result = demo_roundtrip(settings, filing="demo", image_filing="demo-image", label_policy=labels)
    rows = [
        [kind, pid, label.get("ContentProducer", "")]
        for kind, pid, label in zip(
            ("chat", "chat (stream)", "image"), result.produce_ids, result.aigc, strict=False
        )
    ]
    out.table(
        "Gateway answers (labeled, watermarked, recorded)", ["route", "ProduceID", "producer"], rows
    )
    report = trace(result.answers[0].encode("utf-8"), filename="answer.txt", ledger=ledger)
    best = report.candidates[0] if report.candidates else None
    summary.gateway = {
        "produce_ids": list(result.produce_ids),
        "traced_produce_id": best.entry.produce_id if best else None,
        "traced_filing": best.filing_id if best else None,
        "proof_verified": bool(best and best.proof_verified),
    }
    if best is not None:
        out.note(
            f"first answer traced to {best.entry.produce_id} (filing {best.filing_id}, model "
            f"{best.entry.model}), confidence {best.confidence:.4f}, proof verified: "
            f"{best.proof_verified}"
        )


def _stage_feedback(
    settings: Settings,
    store: Store,
    ledger: Any,
    found_text: bytes,
    out: DemoReporter,
    summary: DemoSummary,
) -> None:
    import openai

    from govloop.feedback import ComplaintIn, Complaints
    from govloop.gateway import demo_roundtrip
    from govloop.registry import Registry

    out.stage("7. Feedback: a complaint suspends the model, and serving stops")
    complaints = Complaints(store, ledger=ledger, registry=Registry(store))
    c = complaints.submit(
        ComplaintIn(
            category="A.4",
            description="这段文字冒用了我的作品。 This text copies my work.",
            evidence_text=found_text.decode("utf-8"),
            evidence_url="https://example.org/forum/post/1",
            lang="zh",
        )
    )
    out.note(
        f"complaint {c.receipt} received (ledger #{c.ledger_index}); its evidence traced to "
        f"{c.model_name or 'no service'} (entry #{c.traced_entry_index})"
    )
    regulator = "regulator:demo-regulator"
    complaints.transition(c.id, "triaged", actor=regulator, reason="evidence traced")
    complaints.act(c.id, "suspend", actor=regulator, reason="under review (Art. 14)")
    try:
        demo_roundtrip(settings, filing="demo", prompts=("你好",))
        refused = "served (unexpected)"
    except openai.APIStatusError as exc:
        body = exc.body if isinstance(exc.body, dict) else {}
        refused = f"HTTP {exc.status_code}: {body.get('message') or exc.message}"
    out.note(f"request while suspended -> {refused}")
    summary.gateway["while_suspended"] = refused
    complaints.act(c.id, "reinstate", actor=regulator, reason="provider fixed the answer")
    done = complaints.transition(
        c.id,
        "resolved",
        actor=regulator,
        reason="服务已暂停并复核，提供者整改后恢复。 The service was suspended, reviewed and "
        "reinstated after the provider's fix.",
    )
    summary.complaint = {
        "receipt": done.receipt,
        "state": done.state.value,
        "filing_id": done.filing_id,
        "ledger_indexes": [e.ledger_index for e in done.history]
        + [a.ledger_index for a in done.actions],
    }
    out.table(
        f"Complaint {done.receipt}: every step is a ledger entry",
        ["step", "by", "ledger"],
        sorted(
            [[e.state.value, e.actor, str(e.ledger_index)] for e in done.history]
            + [[a.action, a.actor, str(a.ledger_index)] for a in done.actions],
            key=lambda row: int(row[2]) if row[2].isdigit() else -1,
        ),
    )
    out.note(f"the complainant's status page shows: {done.state.value} - {done.result}")


def _stage_witnesses(settings: Settings, out: DemoReporter) -> None:
    from govloop.witness_http import demo_witnesses

    out.stage("8. Witnesses: two regulators cosign the log, a forked copy is refused")
    for line in demo_witnesses(settings.home / "witness-demo"):
        out.note(line)


def _stage_platform(
    settings: Settings, store: Store, out: DemoReporter, summary: DemoSummary
) -> None:
    from govloop.demo._platform import seed_demo_platform

    out.stage("9. The stakeholder platform: accounts, and how to open it")
    accounts = seed_demo_platform(settings, store)
    summary.accounts = {name: role for name, (role, _) in accounts.items()}
    out.table(
        "Demo accounts (demo passwords; never use them in a deployment)",
        ["user", "role", "password"],
        [[name, role, password] for name, (role, password) in accounts.items()],
    )
    receipt = summary.complaint.get("receipt", "")
    out.note(
        f"open it: govloop web serve  ->  http://127.0.0.1:8080/ (track {receipt} under "
        "'Track a complaint'; API docs at /api/v1/docs)"
    )


def run_demo(
    settings: Settings, out: DemoReporter, *, quick: bool = False, lang: str | None = None
) -> DemoSummary:
    """Run the whole loop on ``settings`` (its SQLite file, keys and home) and report.

    ``lang`` (``ar``, ``hi``, ... or ``zh-en``) is the language of every explicit label the loop
    draws, in the provider's files and the gateway's answers; None keeps the bilingual default.
    """
    from govloop.label import resolve_language

    started = time.monotonic()
    summary = DemoSummary(label_language=resolve_language(lang) if lang else "")
    settings.home.mkdir(parents=True, exist_ok=True)
    store = Store.open(settings.db_url)
    keys = KeyStore.open(settings.keys_dir)
    try:
        filings = _stage_register(store, out, summary)
        _stage_classify(filings, out, summary)
        ledger = Ledger.open(store, keys, settings)
        _stage_assess(store, ledger, settings.provider_code, filings, out, summary, quick)
        files = _stage_generate(settings, ledger, keys, filings, out, summary)
        found = _stage_trace(ledger, files, keys.public_keys("label"), out, summary)
        _stage_gateway(settings, ledger, out, summary)
        _stage_feedback(settings, store, ledger, found, out, summary)
        _stage_witnesses(settings, out)
        _stage_platform(settings, store, out, summary)
    finally:
        store.close()
    summary.seconds = time.monotonic() - started
    return summary

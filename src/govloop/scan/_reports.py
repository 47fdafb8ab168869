"""Filing a scan's hits as reports into the complaint workflow, once each.

A platform that scanned its uploads reports what it found the way anyone reports content
(:meth:`govloop.feedback.Complaints.submit`): the file is the evidence, traced again at intake
and linked to the filing and ledger entry it points to, so the report lands in that provider's
queue and its regulators' like any complaint. A hit is one of :data:`HIT_KINDS`, first match:

* ``signature_failed``: an implicit label whose producer signature does not verify (a forged
  or altered label, GB 45438 6.2);
* ``unlabeled_traced``: traced to a ledger entry but carrying no implicit label (the label was
  stripped on the way);
* ``traced``: AI-generated content traced to a ledger entry, labelled.

Every report carries a key derived from the reporter, the file's SHA-256 and the kind, so a
rerun over the same results (or another scan that finds the same file) files nothing twice.
Everything that could refuse the filing (the reporter's role, a hit naming a filing the
registry does not know) is checked before the first report is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from govloop.accounts import Role, User
from govloop.errors import AccessError, InputError, NotFoundError, missing_extra
from govloop.feedback import MAX_EVIDENCE_BYTES, ComplaintIn, Complaints

HIT_KINDS = ("signature_failed", "unlabeled_traced", "traced")
"""What makes a row a hit, in the order the first match is taken."""

REPORTER_ROLES = frozenset({Role.PLATFORM, Role.REGULATOR})
"""Who may file a scan's hits: a content platform, or a regulator scanning in its sandbox."""

_CATEGORY = {"signature_failed": "labelling", "unlabeled_traced": "labelling", "traced": "other"}

_DESCRIPTION = {
    "en": {
        "signature_failed": "Bulk scan: {name} carries an AIGC implicit label whose producer "
        "signature does not verify ({sig}).",
        "unlabeled_traced": "Bulk scan: {name} traces to ledger entry {index} (model {model}) "
        "but carries no implicit AIGC label.",
        "traced": "Bulk scan: {name} is AI-generated content traced to ledger entry {index} "
        "(model {model}).",
    },
    "zh": {
        "signature_failed": "批量扫描：{name} 带有 AIGC 隐式标识，"
        "但其生成方签名验证未通过（{sig}）。",
        "unlabeled_traced": "批量扫描：{name} 可追溯至台账条目 {index}（模型 {model}），"
        "但不含 AIGC 隐式标识。",
        "traced": "批量扫描：{name} 为人工智能生成内容，可追溯至台账条目 {index}（模型 {model}）。",
    },
}


def hit_kind(row: dict[str, Any]) -> str | None:
    """The kind of hit a result row is, or None when it is not one (errors never are)."""
    if row.get("status") != "ok":
        return None
    if row.get("implicit_label") and row.get("signature_ok") is False:
        return "signature_failed"
    if row.get("traced") and not row.get("implicit_label"):
        return "unlabeled_traced"
    if row.get("traced"):
        return "traced"
    return None


def report_key(reporter: User, row: dict[str, Any], kind: str) -> str:
    """The idempotency key of one hit: the same reporter, content and kind give the same key."""
    material = f"govloop.scan-report/v1\n{reporter.id}\n{row['sha256']}\n{kind}"
    return hashlib.sha256(material.encode()).hexdigest()


@dataclass
class ReportSummary:
    """What a filing run did."""

    hits: int = 0
    """Rows that are hits."""
    filed: int = 0
    """Reports filed now."""
    already_filed: int = 0
    """Hits whose report an earlier run filed (nothing written)."""
    by_kind: dict[str, int] = field(default_factory=dict)
    """Hits by kind."""
    receipts: list[str] = field(default_factory=list)
    """Receipt numbers of the reports filed now."""

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)


def read_results(path: Path) -> list[dict[str, Any]]:
    """The rows of a scan's results file (JSONL or Parquet, by extension)."""
    if not path.is_file():
        raise InputError(f"{path}: scan results not found")
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise missing_extra("pyarrow", "scale") from exc
        try:
            return list(pq.read_table(path).to_pylist())
        except Exception as exc:  # pyarrow raises several unrelated types for a bad file
            raise InputError(f"{path}: not a readable Parquet file ({exc})") from exc
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not a JSON record ({exc.msg})") from exc
            if not isinstance(row, dict) or "path" not in row or "status" not in row:
                raise InputError(f"{path}:{number}: not a scan result row")
            rows.append(row)
    return rows


def check_reporter(reporter: User) -> None:
    """Refuse (:class:`AccessError`) an account that may not file scan reports."""
    if not reporter.active:
        raise AccessError(f"account {reporter.username!r} is deactivated")
    if reporter.role not in REPORTER_ROLES:
        allowed = " or ".join(sorted(r.value for r in REPORTER_ROLES))
        raise AccessError(
            f"account {reporter.username!r} has the role {reporter.role.value}; "
            f"only {allowed} accounts file scan reports"
        )


def _check_filings(complaints: Complaints, hits: Sequence[tuple[dict[str, Any], str]]) -> None:
    """Every filing a hit names is registered (checked before anything is filed)."""
    registry = complaints.registry
    for row, _ in hits:
        filing = row.get("filing_id")
        if not filing or registry is None:
            continue
        try:
            registry.get(filing)
        except NotFoundError as exc:
            raise InputError(
                f"{row['path']}: traced to filing {str(filing)[:60]!r}, which is not registered; "
                "nothing was filed"
            ) from exc


def _complaint(
    row: dict[str, Any], kind: str, reporter: User, lang: str, *, link: bool
) -> ComplaintIn:
    path = Path(str(row["path"]))
    evidence: bytes | None = None
    try:
        data = path.read_bytes()
    except OSError:
        data = b""  # gone since the scan: the report stands on the row and the filing
    if (
        data
        and len(data) <= MAX_EVIDENCE_BYTES
        and hashlib.sha256(data).hexdigest() == row.get("sha256")
    ):
        evidence = data
    text = _DESCRIPTION[lang][kind].format(
        name=path.name,
        index=row.get("ledger_index"),
        model=row.get("model") or "?",
        sig=row.get("producer_signature") or "?",
    )
    return ComplaintIn(
        category=_CATEGORY[kind],
        description=f"{text}\n{path}\nsha256 {row.get('sha256')}",
        evidence_bytes=evidence,
        evidence_filename=path.name[:200] if evidence else None,
        filing_id=(row.get("filing_id") or None) if link else None,
        lang=lang,
        reporter=f"{reporter.role.value}:{reporter.username}",
        report_key=report_key(reporter, row, kind),
    )


def file_reports(
    rows: Iterable[dict[str, Any]],
    *,
    complaints: Complaints,
    reporter: User,
    lang: str = "zh",
) -> ReportSummary:
    """File one report per hit among ``rows`` as ``reporter``; hits filed before are skipped.

    Refuses (:class:`AccessError`, :class:`InputError`) before writing anything when the
    reporter may not file or a hit names an unregistered filing.
    """
    if lang not in _DESCRIPTION:
        raise InputError(f"--lang must be zh or en, not {lang!r}")
    check_reporter(reporter)
    hits = [(row, kind) for row in rows if (kind := hit_kind(row)) is not None]
    _check_filings(complaints, hits)
    summary = ReportSummary(hits=len(hits))
    for row, kind in hits:
        summary.by_kind[kind] = summary.by_kind.get(kind, 0) + 1
        complaint, new = complaints.submit_once(
            _complaint(row, kind, reporter, lang, link=complaints.registry is not None)
        )
        if new:
            summary.filed += 1
            summary.receipts.append(complaint.receipt)
        else:
            summary.already_filed += 1
    summary.by_kind = dict(sorted(summary.by_kind.items()))
    return summary

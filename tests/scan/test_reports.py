"""A scan's hits filed as reports as complaints: once each; refusals change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.scan.conftest import Corpus
from typer.testing import CliRunner

from govloop.accounts import Accounts, Role, User
from govloop.cli.main import build_app
from govloop.config import Settings
from govloop.errors import AccessError, InputError
from govloop.feedback import Complaints
from govloop.keys import KeyStore
from govloop.ledger import Ledger
from govloop.registry import Registry
from govloop.scan import WorkerConfig, extract_batch, file_reports, hit_kind, read_results, scan
from govloop.store import Store
from govloop.web._access import may_see_complaint

pytestmark = pytest.mark.db

PASSWORD = "correct horse battery staple"
EXPECTED_HITS = {
    "tampered.txt": "signature_failed",
    "traced.txt": "unlabeled_traced",
    "marked.png": "unlabeled_traced",
    "edited.jpg": "unlabeled_traced",
    "edited.mp3": "unlabeled_traced",
    "speech.wav": "traced",
}


class InlineEngine:
    """The worker function in this process."""

    name = "inline"
    workers = 1

    def run(self, batches: Iterable[Any], config: WorkerConfig) -> Iterator[list[dict[str, Any]]]:
        for batch in batches:
            yield extract_batch(batch, config)


@pytest.fixture
def results(corpus: Corpus, ledger: Ledger, tmp_path: Path) -> Path:
    out = tmp_path / "results.jsonl"
    scan(corpus.folder, out, ledger=ledger, engine=InlineEngine())
    return out


@pytest.fixture
def complaints(store: Store, ledger: Ledger) -> Complaints:
    return Complaints(store, ledger=ledger, registry=Registry(store))


def _user(store: Store, name: str, role: Role, **extra: Any) -> User:
    return Accounts(store).create_user(name, PASSWORD, role, **extra)


def test_each_hit_is_filed_once_and_reaches_the_providers_queue(
    results: Path, complaints: Complaints, store: Store, ledger: Ledger, corpus: Corpus
) -> None:
    rows = read_results(results)
    assert {Path(r["path"]).name: hit_kind(r) for r in rows if hit_kind(r)} == EXPECTED_HITS
    platform = _user(store, "platform-a", Role.PLATFORM)
    summary = file_reports(rows, complaints=complaints, reporter=platform, lang="en")
    assert summary.hits == summary.filed == 6 and summary.already_filed == 0
    assert summary.by_kind == {"signature_failed": 1, "traced": 1, "unlabeled_traced": 4}
    filed = complaints.list()
    assert sorted(c.receipt for c in filed) == sorted(summary.receipts)
    by_name = {c.evidence_filename: c for c in filed}
    assert set(by_name) == set(EXPECTED_HITS)  # each report carries its file as evidence
    assert all(c.history[0].actor == "platform:platform-a" for c in filed)

    tampered = by_name["tampered.txt"]
    assert tampered.category == "labelling" and "does not verify" in tampered.description
    assert tampered.filing_id is None  # traces to nothing: every regulator's queue has it
    filing = Registry(store).get(corpus.filing_id)
    provider = _user(store, "provider-a", Role.PROVIDER, provider=filing.provider_code)
    for name in ("traced.txt", "edited.mp3", "speech.wav"):
        c = by_name[name]
        assert c.filing_id == corpus.filing_id and c.provider == filing.provider_code
        assert may_see_complaint(provider, c.provider, c.jurisdictions)
    assert by_name["edited.mp3"].traced_entry_index == corpus.audio_index
    assert by_name["speech.wav"].category == "other"

    size = ledger.size()
    again = file_reports(rows, complaints=complaints, reporter=platform)
    assert again.hits == 6 and again.filed == 0 and again.already_filed == 6
    assert again.receipts == [] and len(complaints.list()) == 6 and ledger.size() == size


def _unknown_filing(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    first = next(i for i, r in enumerate(rows) if r.get("filing_id"))
    unknown = rows[first] | {"filing_id": "01NOSUCHFILING00000000000"}
    return rows[:first] + [unknown] + rows[first + 1 :]


@pytest.mark.parametrize(
    ("who", "edit", "error", "message"),
    [
        ("observer", None, AccessError, "has the role observer; only platform or regulator"),
        ("provider", None, AccessError, "role provider; only platform or regulator accounts"),
        ("deactivated", None, AccessError, "is deactivated"),
        ("platform", "unknown-filing", InputError, "not registered; nothing was filed"),
    ],
)
def test_a_refused_filing_changes_nothing(
    results: Path,
    complaints: Complaints,
    store: Store,
    ledger: Ledger,
    who: str,
    edit: str | None,
    error: type[Exception],
    message: str,
) -> None:
    accounts = Accounts(store)
    if who == "observer":
        user = _user(store, "obs", Role.OBSERVER)
    elif who == "provider":
        user = _user(store, "prov", Role.PROVIDER, provider="9" * 27)
    else:
        user = _user(store, "plat", Role.PLATFORM)
        if who == "deactivated":
            user = accounts.set_active(user.id, False)
    rows = read_results(results)
    if edit == "unknown-filing":
        rows = _unknown_filing(rows)
    size = ledger.size()
    with pytest.raises(error, match=message):
        file_reports(rows, complaints=complaints, reporter=user)
    assert complaints.list() == [] and ledger.size() == size


def test_results_that_are_not_a_scans_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "r.jsonl"
    bad.write_text('{"path": "/a", "status": "ok"}\n{"oops": 1}\n')
    with pytest.raises(InputError, match=r"r\.jsonl:2: not a scan result row"):
        read_results(bad)
    with pytest.raises(InputError, match="scan results not found"):
        read_results(tmp_path / "missing.jsonl")


def test_cli_files_reports_once_and_refuses_before_scanning(
    corpus: Corpus, cli: CliRunner, store: Store, keys: KeyStore, settings: Settings, tmp_path: Path
) -> None:
    _user(store, "platform-a", Role.PLATFORM)
    _user(store, "obs", Role.OBSERVER)
    out = tmp_path / "out.jsonl"
    base = ["scan", str(corpus.folder), "-o", str(out), "--workers", "1", "--file-reports"]
    refused = cli.invoke(build_app(), [*base, "--reporter", "obs"])
    assert refused.exit_code == 1 and "only platform or regulator accounts" in refused.output
    assert "Traceback" not in refused.output and not out.exists()  # refused before scanning
    missing = cli.invoke(build_app(), base)
    assert missing.exit_code == 1 and "--file-reports needs --reporter" in missing.output
    first = cli.invoke(build_app(), [*base, "--reporter", "platform-a"])
    assert first.exit_code == 0, first.output
    assert "scan reports (complaints)" in first.stdout and "filed now" in first.stdout
    again = cli.invoke(build_app(), [*base, "--reporter", "platform-a", "--json"])
    assert again.exit_code == 0, again.output
    reports = json.loads(again.stdout)["reports"]
    assert reports["filed"] == 0 and reports["already_filed"] == reports["hits"] == 6
    assert len(Complaints(store, ledger=Ledger.open(store, keys, settings)).list()) == 6

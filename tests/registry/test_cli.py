from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govloop.classify import filing_classifier
from govloop.cli.main import build_app
from govloop.registry import Registry
from govloop.store import Store

from .conftest import ASSETS, REALISTIC

APP = build_app()


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rich wraps at the terminal width; a wide one keeps each diagnosis on one line.
    monkeypatch.setenv("COLUMNS", "400")


def run(cli: CliRunner, *args: str) -> tuple[int, str]:
    result = cli.invoke(APP, list(args))
    return result.exit_code, result.output


@pytest.mark.db
def test_register_list_show_transition_export_import(
    cli: CliRunner, db_url: str, tmp_path: Path
) -> None:
    code, out = run(
        cli,
        "model",
        "register",
        str(REALISTIC / "cn-public-chatbot.yaml"),
        "--json",
        "--actor",
        "alice",
    )
    assert code == 0, out
    data = json.loads(out)
    assert data["state"] == "draft" and data["tiers"]["cn"] == "filing-and-assessment"
    fid = data["id"]

    code, out = run(cli, "model", "list", "--json")
    assert code == 0 and [f["model_name"] for f in json.loads(out)] == ["yunyu-chat"]

    code, out = run(cli, "model", "transition", "yunyu-chat", "approved", "--reason", "skip")
    assert code == 1
    assert "cannot move a filing from draft to approved; allowed from draft: submitted" in out

    code, out = run(cli, "model", "transition", fid, "submitted", "--reason", "ready", "--json")
    assert code == 0 and json.loads(out)["state"] == "submitted"

    code, out = run(cli, "model", "show", fid, "--json")
    shown = json.loads(out)
    assert [e["action"] for e in shown["events"]] == ["register", "transition"]
    assert shown["events"][0]["actor"] == "alice"
    assert shown["document"]["model_name"] == "yunyu-chat"

    code, out = run(cli, "model", "show", fid)
    assert code == 0 and "Audit trail" in out

    card = tmp_path / "card.md"
    code, out = run(cli, "model", "export", fid, "--output", str(card))
    assert code == 0 and card.read_text(encoding="utf-8").startswith("---\n")
    code, out = run(cli, "model", "export", fid, "--json")
    assert code == 0 and json.loads(out)["model_name"] == "yunyu-chat"

    renamed = tmp_path / "renamed.md"
    renamed.write_text(
        card.read_text(encoding="utf-8").replace(
            "model_name: yunyu-chat", "model_name: yunyu-chat-2"
        ),
        encoding="utf-8",
    )
    code, out = run(cli, "model", "import", str(renamed), "--json")
    assert code == 0, out
    assert json.loads(out)["model_name"] == "yunyu-chat-2"

    code, out = run(cli, "model", "list")
    assert code == 0 and "yunyu" in out


@pytest.mark.db
@pytest.mark.parametrize(
    "name",
    [
        "unknown-field.yaml",
        "bad-check-char.yaml",
        "malformed.yaml",
        "malformed.json",
        "duplicate-key.yaml",
        "missing-field.yaml",
        "not-a-mapping.yaml",
    ],
)
def test_bad_input_one_line_error_nothing_written(cli: CliRunner, db_url: str, name: str) -> None:
    code, out = run(cli, "model", "register", str(ASSETS / "bad" / name))
    assert code == 1
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and name in lines[0]
    assert "Traceback" not in out
    store = Store.open(db_url)
    try:
        assert Registry(store).list() == []
    finally:
        store.close()


@pytest.mark.db
def test_update_new_version_and_unknown_id(cli: CliRunner, db_url: str, tmp_path: Path) -> None:
    path = REALISTIC / "cn-app-calls-filed-model.yaml"
    assert run(cli, "model", "register", str(path))[0] == 0
    changed = tmp_path / "v3.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "functions: [dialogue]",
        "functions: [dialogue, text]",
    )
    changed.write_text(text, encoding="utf-8")
    code, out = run(
        cli,
        "model",
        "update",
        "xiaozhu-travel-assistant",
        str(changed),
        "--reason",
        "adds writing",
        "--json",
    )
    assert code == 0, out
    assert json.loads(out)["state"] == "draft"
    code, out = run(cli, "model", "show", "nothing-here")
    assert code == 1 and "no filing" in out


@pytest.mark.db
def test_stored_profile_follows_document_changes(store: Store) -> None:
    from govloop.registry import load_filing

    registry = Registry(store, classifier=filing_classifier())
    doc = load_filing(REALISTIC / "us-marketing-copy.yaml")
    filing = registry.register(doc, actor="a")
    assert filing.risk_profile is not None
    assert {r["regime"]: r["tier"] for r in filing.risk_profile["regimes"]}["eu"] == "out-of-scope"
    moved = doc.model_copy(update={"deployment_regions": ["US", "EU"]})
    updated = registry.update(filing.id, moved, actor="a", reason="launch in the EU")
    assert {r["regime"]: r["tier"] for r in updated.risk_profile["regimes"]}["eu"] == "limited"  # type: ignore[index]

"""Checkpoint files as copy and paste leaves them (#14): accepted, or an error naming the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govloop.cli.main import build_app
from govloop.errors import VerificationError
from govloop.ledger._note import note_from_file, split_note


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t + "\n",
        lambda t: t + "\n\n  \n",
        lambda t: t.replace("\n", "\r\n"),
        lambda t: "\n" + t.rstrip("\n") + "   ",
    ],
    ids=["extra newline", "trailing blanks", "crlf", "leading and trailing whitespace"],
)
def test_pasted_checkpoint_verifies(cli: CliRunner, tmp_path: Path, mangle) -> None:  # type: ignore[no-untyped-def]
    app = build_app()
    content = tmp_path / "out.txt"
    content.write_text("generated content for the ledger", encoding="utf-8")
    assert cli.invoke(app, ["ledger", "append", str(content), "--model", "demo"]).exit_code == 0
    note = cli.invoke(app, ["ledger", "checkpoint"]).output
    (tmp_path / "cp.txt").write_bytes(mangle(note).encode("utf-8"))
    proof = cli.invoke(app, ["ledger", "proof", "0", "--json"]).output
    (tmp_path / "p.json").write_text(proof)
    (tmp_path / "k.pub").write_text(cli.invoke(app, ["ledger", "key", "export"]).output)
    args = ["ledger", "verify-proof", str(tmp_path / "p.json")]
    args += ["--checkpoint", str(tmp_path / "cp.txt"), "--key", str(tmp_path / "k.pub")]
    res = cli.invoke(app, args)
    assert res.exit_code == 0 and res.output.startswith("OK"), res.output
    assert json.loads(proof)["leaf_index"] == 0


def test_the_signed_body_is_not_normalised() -> None:
    text = "origin\n1\nAAAA\n\n\u2014 k AAAAAAAA\n"
    assert note_from_file(text + "\n\n") == text
    assert note_from_file(text) == text
    # a space inside the body stays, so its signature would fail rather than be fixed up
    assert note_from_file("origin \n1\n") == "origin \n1\n"


def test_errors_name_the_line_and_what_was_expected() -> None:
    with pytest.raises(VerificationError, match=r"line 5 is 'hello'; expected a signature line"):
        split_note("origin\n1\nAAAA\n\nhello\n")
    with pytest.raises(VerificationError, match=r"no signatures; expected .* at line 5"):
        split_note("origin\n1\nAAAA\n\n")
    with pytest.raises(VerificationError, match=r"line 2 holds control character U\+0009"):
        split_note("origin\n1\tx\nAAAA\n\n\u2014 k AAAAAAAA\n")

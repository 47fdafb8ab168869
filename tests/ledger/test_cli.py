import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govloop.cli.main import build_app


@pytest.mark.db
def test_cli_round_trip_and_offline_verification(cli: CliRunner, tmp_path: Path) -> None:
    app = build_app()
    content = tmp_path / "out.txt"
    content.write_text("生成内容 generated content for the ledger", encoding="utf-8")
    res = cli.invoke(app, ["ledger", "append", str(content), "--model", "demo", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["index"] == 0
    cp = cli.invoke(app, ["ledger", "checkpoint"])
    assert cp.exit_code == 0 and cp.output.startswith("govloop.local/ledger\n1\n")
    (tmp_path / "cp.txt").write_text(cp.output, encoding="utf-8")
    proof = cli.invoke(app, ["ledger", "proof", "0", "--json"])
    doc = json.loads(proof.output)
    assert set(doc) == {"leaf_index", "tree_size", "leaf_hash", "inclusion_path"}
    (tmp_path / "p.json").write_text(proof.output)
    key = cli.invoke(app, ["ledger", "key", "export"])
    (tmp_path / "k.pub").write_text(key.output)
    ok = cli.invoke(
        app,
        [
            "ledger",
            "verify-proof",
            str(tmp_path / "p.json"),
            "--checkpoint",
            str(tmp_path / "cp.txt"),
            "--key",
            str(tmp_path / "k.pub"),
        ],
    )
    assert ok.exit_code == 0 and ok.output.startswith("OK"), ok.output
    # rotation: the old checkpoint still verifies with the old key
    assert cli.invoke(app, ["ledger", "key", "rotate"]).exit_code == 0
    cli.invoke(app, ["ledger", "append", str(content), "--produce-id", "X2"])
    cons = cli.invoke(app, ["ledger", "consistency", "1", "2", "--json"])
    assert set(json.loads(cons.output)) == {"old_size", "new_size", "consistency_path"}
    assert cli.invoke(app, ["ledger", "verify"]).exit_code == 0
    tr = cli.invoke(
        app, ["trace", "-", "--json"], input="生成内容 generated content for the ledger\n"
    )
    assert json.loads(tr.output)["candidates"][0]["index"] == 0
    assert cli.invoke(app, ["trace", str(content)]).exit_code == 0
    # bad inputs: one-line errors, exit 1
    bad_sig = cp.output.replace("\n1\n", "\n2\n")
    (tmp_path / "bad.txt").write_text(bad_sig, encoding="utf-8")
    for args, msg in [
        (
            [
                "verify-proof",
                str(tmp_path / "p.json"),
                "--checkpoint",
                str(tmp_path / "bad.txt"),
                "--key",
                str(tmp_path / "k.pub"),
            ],
            "bad signature",
        ),
        (
            [
                "verify-proof",
                str(tmp_path / "cp.txt"),
                "--checkpoint",
                str(tmp_path / "cp.txt"),
                "--key",
                str(tmp_path / "k.pub"),
            ],
            "not JSON",
        ),
        (
            [
                "verify-proof",
                str(tmp_path / "p.json"),
                "--checkpoint",
                str(tmp_path / "cp.txt"),
                "--key",
                str(tmp_path / "p.json"),
            ],
            "not a readable",
        ),
        (["proof", "99"], "no ledger entry at index 99"),
        (["append", str(tmp_path / "missing.txt")], "cannot read"),
    ]:
        res = cli.invoke(app, ["ledger", *args])
        assert res.exit_code == 1, (args, res.output)
        assert msg in res.output and "Traceback" not in res.output


@pytest.mark.db
def test_checkpoint_every_issues_only_when_the_tree_grows(cli, tmp_path) -> None:
    from govloop.cli.main import build_app

    app = build_app()
    sample = tmp_path / "x.txt"
    sample.write_text("hello", encoding="utf-8")
    assert cli.invoke(app, ["ledger", "append", str(sample)]).exit_code == 0
    result = cli.invoke(app, ["ledger", "checkpoint", "--every", "0.1", "--count", "3"])
    assert result.exit_code == 0, result.output
    assert result.output.count("— govloop.local/ledger") == 1


@pytest.mark.db
def test_verify_with_exported_public_keys_reads_no_private_key(
    cli: CliRunner, tmp_path: Path, settings
) -> None:
    """A regulator checks a provider's ledger with the exported keys only (rotation included)."""
    import shutil

    app = build_app()
    sample = tmp_path / "x.txt"
    sample.write_text("hello ledger", encoding="utf-8")
    assert cli.invoke(app, ["ledger", "append", str(sample)]).exit_code == 0
    assert cli.invoke(app, ["ledger", "checkpoint"]).exit_code == 0
    old = cli.invoke(app, ["ledger", "key", "export"]).output
    new = cli.invoke(app, ["ledger", "key", "rotate"]).output
    assert cli.invoke(app, ["ledger", "append", str(sample), "--produce-id", "X2"]).exit_code == 0
    assert cli.invoke(app, ["ledger", "checkpoint"]).exit_code == 0
    (tmp_path / "old.pub").write_text(old, encoding="utf-8")
    (tmp_path / "both.pub").write_text(old + new, encoding="utf-8")
    # the private keys go away: verification must neither need them nor make new ones
    shutil.move(settings.keys_dir, tmp_path / "provider-keys")
    ok = cli.invoke(app, ["ledger", "verify", "--key", str(tmp_path / "both.pub")])
    assert ok.exit_code == 0 and ok.output.startswith("OK: 2 entries"), ok.output
    assert not (settings.keys_dir / "ledger").exists()
    # only the old key: the newer checkpoint cannot be verified, and verify says so
    partial = cli.invoke(app, ["ledger", "verify", "--key", str(tmp_path / "old.pub")])
    assert partial.exit_code == 1 and "checkpoint of size 2" in partial.output
    # without keys at all: every checkpoint is reported, no key is created
    bare = cli.invoke(app, ["ledger", "verify"])
    assert bare.exit_code == 1 and "checkpoint of size 1" in bare.output
    assert not (settings.keys_dir / "ledger").exists()
    bad = cli.invoke(app, ["ledger", "verify", "--key", str(sample)])
    assert bad.exit_code == 1 and "x.txt" in bad.output and "Traceback" not in bad.output

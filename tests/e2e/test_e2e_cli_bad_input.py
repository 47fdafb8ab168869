"""A stranger with a fresh GOVLOOP_HOME feeds every command bad input.

The project standard: bad input gets a clear one-line ``error:`` (exit 1) naming the file, field
or value, never ``internal error`` (exit 70) or a traceback, and nothing already stored is lost:
after each failure the earlier filing is still listed and ``govloop ledger verify`` passes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from conftest import PgCopies
from govloop.cli.main import build_app

pytestmark = pytest.mark.db

ASSETS = Path(__file__).parents[1] / "assets" / "filings" / "realistic"
CHATBOT = ASSETS / "cn-public-chatbot.yaml"
SHIPPED_NIST = Path(__file__).parents[2] / "src" / "govloop" / "classify" / "regimes" / "nist.yaml"

#: Bad files by name: (file name, bytes). Each must give a one-line error naming the file.
BAD_DOCUMENTS: dict[str, tuple[str, bytes]] = {
    "empty": ("empty.yaml", b""),
    "binary": ("binary.yaml", b"\xff\xfe\x00garbage\x81\x00"),
    "gbk": ("gbk.yaml", "model_name: 中文模型\n".encode("gbk")),
    "utf16": ("utf16.yaml", "model_name: 中文\n".encode("utf-16")),
    "control-char": ("ctl.yaml", b"model_name: a\x1fb\n"),
    "truncated": ("truncated.yaml", CHATBOT.read_bytes()[:200]),
    "truncated-json": ("truncated.json", b'{"model_name": [1, 2'),
    "not-a-mapping": ("list.yaml", b"- a\n- b\n"),
    "deep-yaml": ("deep.yaml", b"a: " + b"[" * 5000),
    "deep-json": ("deep.json", b"[" * 100_000),
    "self-alias": ("alias.yaml", b"&a [*a]\n"),
    "alias-bomb": (
        "bomb.yaml",
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n"
                for p, n in zip("abcdefgh", "bcdefghi", strict=True)
            )
        ).encode(),
    ),
    "big-int-yaml": ("bigint.yaml", b"a: " + b"9" * 5000 + b"\n"),
    "big-int-json": ("bigint.json", b'{"a": ' + b"9" * 5000 + b"}"),
    "bad-int-tag": ("badint.yaml", b"a: !!int x\n"),
    "bad-timestamp": ("badts.yaml", b'a: !!timestamp "x"\n'),
    "bad-date": ("baddate.yaml", b"a: 2024-13-45\n"),
    "python-tag": ("py.yaml", b'a: !!python/object/apply:os.system ["true"]\n'),
}


def run(cli: CliRunner, *args: str) -> Result:
    """Invoke the CLI; fail on any internal error or traceback whatever the exit code."""
    result = cli.invoke(build_app(), list(args))
    assert "internal error" not in result.output, result.output
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def assert_clean_error(result: Result, *names: str) -> None:
    """Exit 1 with one ``error:`` line that names each of ``names``."""
    lines = [line for line in result.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert result.exit_code == 1, result.output
    assert len(errors) == 1, result.output
    for name in names:
        assert name in errors[0], (name, errors[0])


def _copy_tree(src: Path, dst: Path) -> None:
    import shutil

    for item in src.iterdir():
        if item.is_dir():
            shutil.copytree(item, dst / item.name)
        else:
            shutil.copy2(item, dst / item.name)


_TEMPLATE: dict[str, object] = {}


@pytest.fixture
def seeded(
    cli: CliRunner,
    home: Path,
    db_url: str,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    pg_copies: PgCopies,
) -> dict[str, object]:
    """A home with one filing, three ledger entries and a checkpoint; returns what it holds.

    The first test seeds through the CLI and later ones copy its home (fast); on PostgreSQL
    they also get a copy of its database (``CREATE DATABASE ... TEMPLATE``), since seeding
    through the CLI costs seconds per test there.
    """
    sqlite = db_url.startswith("sqlite")
    if _TEMPLATE:
        _copy_tree(Path(str(_TEMPLATE["home"])), home)
        if not sqlite:
            pg_copies.clone(str(_TEMPLATE["database"]), db_url)
        return {k: v for k, v in _TEMPLATE.items() if k not in ("home", "database")}
    seeded = _seed(cli, tmp_path)
    keep = tmp_path_factory.mktemp("e2e-template")
    _copy_tree(home, keep)
    _TEMPLATE.update(seeded, home=str(keep))
    if not sqlite:
        _TEMPLATE["database"] = pg_copies.keep(db_url)
    return seeded


def _seed(cli: CliRunner, tmp_path: Path) -> dict[str, object]:
    reg = run(cli, "model", "register", str(CHATBOT), "--json")
    assert reg.exit_code == 0, reg.output
    for i in range(3):
        content = tmp_path / f"c{i}.txt"
        content.write_text(f"生成的内容 {i}\n", encoding="utf-8")
        assert run(cli, "ledger", "append", str(content), "--model", "云语").exit_code == 0
    assert run(cli, "ledger", "checkpoint").exit_code == 0
    shown = run(cli, "model", "show", "yunyu-chat", "--json")
    return {"id": json.loads(reg.output)["id"], "show": json.loads(shown.output)}


def assert_intact(cli: CliRunner, seeded: dict[str, object], entries: int = 3) -> None:
    """The earlier filing is unchanged and the ledger verifies with ``entries`` entries."""
    listed = run(cli, "model", "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert [f["id"] for f in json.loads(listed.output)] == [seeded["id"]]
    shown = run(cli, "model", "show", "yunyu-chat", "--json")
    before = seeded["show"]
    after = json.loads(shown.output)
    assert isinstance(before, dict)
    for key in ("document", "state", "current_version", "risk_profile", "events"):
        assert after[key] == before[key], key
    verified = run(cli, "ledger", "verify", "--json")
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.output)["rows"] == entries


def write_bad(tmp_path: Path, key: str) -> Path:
    name, data = BAD_DOCUMENTS[key]
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- model / classify / regime -----------------------------------------------------------------
def test_model_register_update_import_bad_files(
    cli: CliRunner, seeded: dict[str, object], tmp_path: Path
) -> None:
    """Every bad document: register, update and import fail cleanly; nothing stored changes.

    One seeded home for all cases keeps this fast; each failure names the case.
    """
    for key in sorted(BAD_DOCUMENTS):
        path = write_bad(tmp_path, key)
        assert_clean_error(run(cli, "model", "register", str(path)), path.name)
        result = run(cli, "model", "update", "yunyu-chat", str(path), "--reason", "升级")
        assert_clean_error(result, path.name)
    for key in ("deep-yaml", "self-alias", "big-int-yaml", "bad-int-tag", "control-char"):
        body = BAD_DOCUMENTS[key][1].decode()
        card = tmp_path / f"{key}.md"
        card.write_text(
            "---\ngovloop:\n  " + body.replace("\n", "\n  ") + "\n---\n", encoding="utf-8"
        )
        assert_clean_error(run(cli, "model", "import", str(card)), card.name)
    assert_intact(cli, seeded)


@pytest.mark.parametrize("key", ["deep-json", "big-int-json", "bad-timestamp", "binary"])
def test_classify_bad_file(cli: CliRunner, tmp_path: Path, key: str) -> None:
    path = write_bad(tmp_path, key)
    assert_clean_error(run(cli, "classify", str(path), "--json"), path.name)


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("'" + "(" * 3000 + "true" + ")" * 3000 + "'", "nested"),
        ("'" + "not " * 3000 + "true'", "nested"),
        ("'training_compute_flop > " + "9" * 5000 + "'", "number too long"),
        ("'中文 == 1'", "unexpected character"),
    ],
)
def test_regime_validate_hostile_condition(
    cli: CliRunner, tmp_path: Path, when: str, message: str
) -> None:
    src = SHIPPED_NIST.read_text(encoding="utf-8").replace("regime: nist", "regime: sandbox", 1)
    path = tmp_path / "sandbox.yaml"
    path.write_text(src.replace("when: true", f"when: {when}", 1), encoding="utf-8")
    result = run(cli, "regime", "validate", str(path))
    assert_clean_error(result, "sandbox.yaml", "rules[0].when", message)


@pytest.mark.parametrize("key", ["deep-yaml", "alias-bomb", "gbk", "empty"])
def test_regime_validate_bad_file(cli: CliRunner, tmp_path: Path, key: str) -> None:
    path = write_bad(tmp_path, key)
    assert_clean_error(run(cli, "regime", "validate", str(path)), path.name)


def test_broken_regime_in_home_is_named_and_nothing_is_registered(
    cli: CliRunner, seeded: dict[str, object], home: Path
) -> None:
    (home / "regimes").mkdir()
    (home / "regimes" / "坏.yaml").write_bytes(b"\xff\xfe")
    result = run(cli, "model", "register", str(ASSETS / "eu-credit-scoring.yaml"))
    assert_clean_error(result, "坏.yaml")
    (home / "regimes" / "坏.yaml").unlink()
    assert_intact(cli, seeded)


# -- ledger ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--produce-id", "中文", "produce_id"),
        ("--produce-id", "A" * 65, "produce_id"),
        ("--produce-id", "has space", "produce_id"),
        ("--model", "", "model"),
    ],
)
def test_ledger_append_bad_values(
    cli: CliRunner, seeded: dict[str, object], tmp_path: Path, option: str, value: str, field: str
) -> None:
    content = tmp_path / "x.txt"
    content.write_text("内容\n", encoding="utf-8")
    assert_clean_error(run(cli, "ledger", "append", str(content), option, value), field)
    assert_intact(cli, seeded)


def test_ledger_append_duplicate_produce_id_keeps_the_first(
    cli: CliRunner, seeded: dict[str, object], tmp_path: Path
) -> None:
    content = tmp_path / "x.txt"
    content.write_text("内容\n", encoding="utf-8")
    assert run(cli, "ledger", "append", str(content), "--produce-id", "P-1").exit_code == 0
    result = run(cli, "ledger", "append", str(content), "--produce-id", "P-1")
    assert_clean_error(result, "ProduceID")
    assert_intact(cli, seeded, entries=4)


@pytest.fixture
def proof_files(cli: CliRunner, seeded: dict[str, object], tmp_path: Path) -> dict[str, Path]:
    del seeded
    out = {}
    for name, args in {
        "proof.json": ("ledger", "proof", "1", "--json"),
        "cp.txt": ("ledger", "checkpoint"),
        "ledger.pub": ("ledger", "key", "export"),
    }.items():
        result = run(cli, *args)
        assert result.exit_code == 0, result.output
        (tmp_path / name).write_text(result.output, encoding="utf-8")
        out[name] = tmp_path / name
    ok = run(
        cli, "ledger", "verify-proof", str(out["proof.json"]),
        "--checkpoint", str(out["cp.txt"]), "--key", str(out["ledger.pub"]),
    )  # fmt: skip
    assert ok.exit_code == 0, ok.output
    return out


@pytest.mark.parametrize(
    ("which", "data"),
    [
        ("proof.json", b""),
        ("proof.json", b"[" * 100_000),
        ("proof.json", b'{"leaf_index": ' + b"9" * 5000 + b"}"),
        ("proof.json", b"\xff\xfe"),
        (
            "proof.json",
            b'{"leaf_index": -1, "tree_size": 4, "leaf_hash": "00", "inclusion_path": []}',
        ),
        ("cp.txt", b""),
        ("cp.txt", b"\xff\xfe"),
        ("cp.txt", "中文\n".encode()),
        ("ledger.pub", b"a+b+c\n"),
        ("ledger.pub", "中文+1a2b3c4d+AX\n".encode()),
        ("ledger.pub", b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
    ],
)
def test_verify_proof_bad_inputs(
    cli: CliRunner, proof_files: dict[str, Path], which: str, data: bytes
) -> None:
    proof_files[which].write_bytes(data)
    result = run(
        cli, "ledger", "verify-proof", str(proof_files["proof.json"]),
        "--checkpoint", str(proof_files["cp.txt"]), "--key", str(proof_files["ledger.pub"]),
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "error:" in result.output


# -- assess ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("deep.jsonl", b"[" * 100_000 + b"\n"),
        ("bigint.jsonl", b'{"a": ' + b"9" * 5000 + b"}\n"),
        ("utf16.jsonl", '{"q": "中文"}\n'.encode("utf-16")),
    ],
)
def test_assess_bad_bank(cli: CliRunner, tmp_path: Path, name: str, data: bytes) -> None:
    bank = tmp_path / name
    bank.write_bytes(data)
    assert_clean_error(run(cli, "assess", "coverage", str(bank)), name)
    result = run(cli, "assess", "run", "demo", "--demo", "--bank", str(bank))
    assert_clean_error(result, name)


@pytest.mark.parametrize(("filing", "message"), [("nosuch", "nosuch"), ("yunyu-chat", "draft")])
def test_assess_run_checks_the_filing_before_running(
    cli: CliRunner, seeded: dict[str, object], filing: str, message: str
) -> None:
    result = run(
        cli, "assess", "run", "demo", "--demo", "--filing", filing,
        "--limit-generated", "1", "--limit-refuse", "1", "--limit-answer", "1",
    )  # fmt: skip
    assert_clean_error(result, message)
    runs = run(cli, "assess", "runs", "--json")
    assert json.loads(runs.output) == [], "nothing should have been asked"
    assert_intact(cli, seeded)


# -- label / generate --------------------------------------------------------------------------
def test_label_gbk_text_is_a_clear_error(cli: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "答案.md"
    src.write_bytes("这是中文答案".encode("gbk"))
    result = run(cli, "label", str(src), "-o", str(tmp_path / "out.md"))
    assert_clean_error(result, "答案.md", "UTF-8")
    assert not (tmp_path / "out.md").exists()


def test_label_output_that_is_a_folder_is_a_clear_error(cli: CliRunner, tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "out").mkdir(parents=True)
    src = work / "a.txt"
    src.write_text("你好\n", encoding="utf-8")
    assert_clean_error(run(cli, "label", str(src), "-o", str(work / "out")), "out")
    assert {p.name for p in work.iterdir()} == {"a.txt", "out"}  # no temporary file left
    assert list((work / "out").iterdir()) == []


def test_generate_negative_seed_is_a_usage_error(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "g.txt"
    result = run(cli, "generate", "-p", "你好", "-o", str(out), "--seed", "-1", "--max-tokens", "3")
    assert result.exit_code == 2, result.output
    assert "--seed" in result.output


# -- config ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "cannot read the config file"),
        ("log_retention_days = 9999999999\n", "log_retention_days"),
        ("checkpoint_interval_s = inf\n", "checkpoint_interval_s"),
    ],
)
def test_bad_config_file(cli: CliRunner, tmp_path: Path, text: str | None, message: str) -> None:
    path = tmp_path / "cfg"
    if text is None:
        path.mkdir()
    else:
        path.write_text(text, encoding="utf-8")
    assert_clean_error(run(cli, "--config", str(path), "model", "list"), "cfg", message)


# -- --json output -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ("model", "list", "--json"),
        ("model", "show", "yunyu-chat", "--json"),
        ("model", "export", "yunyu-chat", "--json"),
        ("classify", "yunyu-chat", "--json"),
        ("regime", "list", "--json"),
        ("ledger", "verify", "--json"),
        ("ledger", "proof", "0", "--json"),
        ("ledger", "consistency", "1", "3", "--json"),
        ("keys", "list", "ledger", "--json"),
        ("assess", "runs", "--json"),
    ],
)
def test_json_output_is_valid_and_keeps_chinese(
    cli: CliRunner, seeded: dict[str, object], args: tuple[str, ...]
) -> None:
    del seeded
    result = run(cli, *args)
    assert result.exit_code == 0, result.output
    json.loads(result.output)
    if args[0] == "model" and args[1] != "list":
        assert "北京云语智能科技有限公司" in result.output


def test_trace_json_of_non_utf8_text(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_bytes("中文".encode("gbk"))
    result = run(cli, "trace", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["filename"] == "x.md"


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("assess", "calibrate", "{dir}"), "folder"),
        (("assess", "coverage", "--keywords", "{dir}"), "folder"),
        (("assess", "run", "demo", "--demo", "--taxonomy", "{dir}"), "folder"),
        (("assess", "run", "demo", "--demo", "--taxonomy", "{deep}"), "deep.yaml"),
        (("assess", "run", "demo", "--demo", "--taxonomy", "{bigint}"), "bigint.yaml"),
        (("assess", "run", "demo", "--demo", "--taxonomy", "{badts}"), "badts.yaml"),
    ],
)
def test_assess_side_files_that_cannot_be_read(
    cli: CliRunner, tmp_path: Path, args: tuple[str, ...], name: str
) -> None:
    paths = {
        "dir": tmp_path / "folder",
        "deep": write_bad(tmp_path, "deep-yaml"),
        "bigint": write_bad(tmp_path, "big-int-yaml"),
        "badts": write_bad(tmp_path, "bad-timestamp"),
    }
    paths["dir"].mkdir()
    argv = [a.format(**{k: str(v) for k, v in paths.items()}) for a in args]
    result = run(cli, *argv)
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and name in errors[0], result.output


def test_broken_pdf_error_is_one_line_without_library_noise(cli: CliRunner, tmp_path: Path) -> None:
    pdf = tmp_path / "坏.pdf"
    pdf.write_bytes(b"%PDF-1.4\ngarbage")
    result = run(cli, "label", "check", str(pdf))
    assert_clean_error(result, "坏.pdf", "PDF cannot be parsed")

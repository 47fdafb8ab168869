"""An independent check: Go's sumdb/note and crypto/ed25519 verify our cosigned checkpoints.

``tests/ledger/go/cosigcheck`` shares no code with govloop. It is built from Debian's
``golang-go`` and ``golang-golang-x-mod-dev`` sources in GOPATH mode, with no downloads. Where Go
is missing the test skips, unless ``GOVLOOP_REQUIRE_GO=1`` (CI), where it fails.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from govloop.witness import Witness, merge_signatures

from .conftest import Setup, append, request_for

GOCODE = Path("/usr/share/gocode")
SOURCE = Path(__file__).resolve().parents[1] / "ledger" / "go" / "cosigcheck"


def _unavailable(reason: str) -> None:
    if os.environ.get("GOVLOOP_REQUIRE_GO") == "1":
        pytest.fail(f"GOVLOOP_REQUIRE_GO=1 but {reason}")
    pytest.skip(f"{reason} (install golang-go and golang-golang-x-mod-dev)")


@pytest.fixture(scope="module")
def cosigcheck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built Go checker."""
    go = shutil.which("go")
    if go is None:
        _unavailable("the go command is not installed")
    if not (GOCODE / "src/golang.org/x/mod/sumdb/note/note.go").is_file():
        _unavailable(f"golang.org/x/mod is not under {GOCODE}")
    out = tmp_path_factory.mktemp("go") / "cosigcheck"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(out.parent),
        "GO111MODULE": "off",
        "GOPATH": str(GOCODE),
        "GOCACHE": str(out.parent / "cache"),
        "GOPROXY": "off",
        "GOFLAGS": "",
    }
    done = subprocess.run(
        [str(go), "build", "-o", str(out), "."],
        cwd=SOURCE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def _check(
    binary: Path, note_file: Path, log_key: str, witness_keys: list[str], quorum: int
) -> subprocess.CompletedProcess[str]:
    args = [str(binary), "-log", log_key, "-quorum", str(quorum)]
    for key in witness_keys:
        args += ["-witness", key]
    return subprocess.run(
        [*args, str(note_file)], capture_output=True, text=True, timeout=30, check=False
    )


@pytest.mark.db
def test_go_verifies_two_witness_cosignatures(
    setup: Setup, second_witness: Witness, cosigcheck: Path, tmp_path: Path
) -> None:
    second_witness.add_log([setup.ledger.verifier()])
    append(setup.ledger, 5)
    lines = [
        w.add_checkpoint(request_for(setup.ledger, 0)) for w in (setup.witness, second_witness)
    ]
    note = merge_signatures(setup.ledger.checkpoint().note, lines)
    path = tmp_path / "cp.txt"
    path.write_text(note, encoding="utf-8")
    log_key = setup.ledger.verifier().to_text()
    keys = [setup.witness.verifier().to_text(), second_witness.verifier().to_text()]
    ok = _check(cosigcheck, path, log_key, keys, 2)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.split() == [
        "OK",
        "govloop.local/ledger",
        "5",
        "witness.test/w1",
        "witness.test/w2",
    ]
    assert _check(cosigcheck, path, log_key, keys[:1], 2).returncode == 1  # quorum unmet

    # a cosignature whose timestamp was changed after signing is refused by Go too
    last = note.splitlines()[-1]
    name, blob = last[2:].split(" ")
    raw = bytearray(base64.b64decode(blob))
    raw[11] ^= 1
    bad = note[: note.rfind(last)] + f"— {name} {base64.b64encode(bytes(raw)).decode()}\n"
    path.write_text(bad, encoding="utf-8")
    refused = _check(cosigcheck, path, log_key, keys, 1)
    assert refused.returncode == 1 and "FAIL" in refused.stdout


@pytest.mark.db
def test_exported_and_served_tiles_carry_the_cosignatures_go_verifies(
    setup: Setup, second_witness: Witness, cosigcheck: Path, tmp_path: Path
) -> None:
    from functools import partial

    from starlette.testclient import TestClient

    from govloop.ledger import LedgerTiles, TileClient, export_tiles, prove_from_tiles
    from govloop.tlog_http import tiles_app
    from govloop.witness import cosigned_note, store_cosignatures

    second_witness.add_log([setup.ledger.verifier()])
    append(setup.ledger, 7)
    note = setup.ledger.checkpoint().note
    lines = [
        w.add_checkpoint(request_for(setup.ledger, 0)) for w in (setup.witness, second_witness)
    ]
    publish = partial(cosigned_note, setup.ledger.store)
    out = tmp_path / "tiles"
    export_tiles(setup.ledger, out, fsync=False, publish=publish)
    assert (out / "checkpoint").read_text(encoding="utf-8") == note  # none received yet
    witnesses = [setup.witness.verifier(), second_witness.verifier()]
    assert len(store_cosignatures(setup.ledger.store, note, lines, witnesses)) == 2
    again = export_tiles(setup.ledger, out, fsync=False, publish=publish)
    assert again.written == ["checkpoint"]  # same size: only the checkpoint is rewritten
    published = (out / "checkpoint").read_text(encoding="utf-8")
    assert published.startswith(note) and published.count("\n— ") == 3
    log_key = setup.ledger.verifier().to_text()
    keys = [setup.witness.verifier().to_text(), second_witness.verifier().to_text()]
    ok = _check(cosigcheck, out / "checkpoint", log_key, keys, 2)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    with TestClient(tiles_app(LedgerTiles(setup.ledger, publish=publish))) as http:
        assert http.get("/checkpoint").text == published
        with TileClient("http://testserver/", http=http) as client:
            proofs = prove_from_tiles(client, setup.ledger.verifiers(), index=3)
    assert proofs.checkpoint == published and proofs.inclusion is not None

"""An independent check of the exported tiles: Go's golang.org/x/mod/sumdb/tlog and sumdb/note.

The Go program (tests/ledger/go/tlogcheck) shares no code with govloop. It is built once per
session from Debian's /usr/share/gocode (GOPATH mode, no module downloads). Without ``go`` the
tests skip, unless ``GOVLOOP_REQUIRE_GO=1`` (CI) makes that a failure.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tests.ledger.test_ledger import entry

from govloop.config import Settings
from govloop.keys import KeyStore
from govloop.ledger import Ledger, NoteVerifier, export_tiles
from govloop.store import Store

pytestmark = [pytest.mark.db, pytest.mark.go]

SOURCE = Path(__file__).parent / "go" / "tlogcheck"
GOPATH_DEBIAN = Path("/usr/share/gocode")
X_MOD = GOPATH_DEBIAN / "src" / "golang.org" / "x" / "mod" / "sumdb" / "tlog"


def _missing() -> str | None:
    if shutil.which("go") is None:
        return "the go toolchain is not installed (Debian: golang-go)"
    if not X_MOD.is_dir():
        return f"{X_MOD} is missing (Debian: golang-golang-x-mod-dev)"
    return None


@pytest.fixture(scope="session")
def tlogcheck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built Go checker (one build per test session)."""
    missing = _missing()
    if missing is not None:
        if os.environ.get("GOVLOOP_REQUIRE_GO") == "1":
            pytest.fail(f"GOVLOOP_REQUIRE_GO=1 but {missing}")
        pytest.skip(missing)
    work = tmp_path_factory.mktemp("go")
    binary = work / "tlogcheck"
    env = {
        **os.environ,
        "GO111MODULE": "off",
        "GOFLAGS": "",
        "GOPATH": f"{GOPATH_DEBIAN}:{work / 'gopath'}",
        "GOCACHE": str(work / "cache"),
        "CGO_ENABLED": "0",
        "GOPROXY": "off",
    }
    res = subprocess.run(
        ["go", "build", "-o", str(binary), "."],
        cwd=SOURCE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert res.returncode == 0, f"go build failed:\n{res.stdout}\n{res.stderr}"
    return binary


def _check(binary: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(binary), *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_go_verifies_export_inclusion_and_consistency(
    tlogcheck: Path, store: Store, keys: KeyStore, settings: Settings, tmp_path: Path
) -> None:
    ledger = Ledger.open(store, keys, settings)
    ledger.append_many([entry(i) for i in range(300)])
    ledger.checkpoint()
    out = tmp_path / "tiles"
    export_tiles(ledger, out, fsync=False)
    old = tmp_path / "old.cp"
    shutil.copy(out / "checkpoint", old)
    vkey = tmp_path / "log.vkey"
    vkey.write_text(ledger.verifier().to_text() + "\n")
    ledger.append_many([entry(i) for i in range(300, 1100)])
    ledger.checkpoint()
    export_tiles(ledger, out, fsync=False)  # incremental, over the first export
    chosen = [0, 255, 256, 299, 1023, 1024, 1099]
    res = _check(
        tlogcheck,
        *["-dir", str(out), "-vkey", str(vkey), "-old", str(old), "-origin", ledger.origin],
        *["-entries", ",".join(map(str, chosen))],
    )
    assert res.returncode == 0, res.stdout + res.stderr
    lines = res.stdout.splitlines()
    assert lines[0] == f"OK checkpoint {ledger.origin} size 1100 signed by {ledger.origin}"
    assert "OK 1100 entries rebuild the signed root and every hash tile" in lines
    for i in chosen:  # Go's proofs have as many hashes as govloop's
        assert (
            f"OK entry {i} included ({len(ledger.inclusion_proof(i).inclusion_path)} hashes)"
            in lines
        )
    consistency = ledger.consistency_proof(300, 1100).consistency_path
    assert lines[-1] == f"OK size 300 is a prefix of size 1100 ({len(consistency)} hashes)"

    # what Go must refuse: a stranger's key, a flipped tile hash, an edited entry, a fork
    stranger = tmp_path / "stranger.vkey"
    other = NoteVerifier(ledger.origin, Ed25519PrivateKey.generate().public_key())
    stranger.write_text(other.to_text())
    res = _check(tlogcheck, "-dir", str(out), "-vkey", str(stranger))
    assert res.returncode == 1 and "FAIL" in res.stdout and "no verifiable signatures" in res.stdout

    fork_store = Store.open(f"sqlite:///{tmp_path / 'fork.db'}")
    try:
        fork = Ledger.open(fork_store, keys, settings)  # same key, different history
        fork.append_many([entry(i, tag="F") for i in range(300)])
        forked = tmp_path / "fork.cp"
        forked.write_text(fork.checkpoint().note)
    finally:
        fork_store.close()
    res = _check(tlogcheck, "-dir", str(out), "-vkey", str(vkey), "-old", str(forked))
    assert res.returncode == 1 and "FAIL consistency 300 -> 1100" in res.stdout, res.stdout

    old_partial = out / "tile/0/001.p/44"  # tlog-tiles: checkpointed sizes keep their partials
    saved = old_partial.read_bytes()
    old_partial.unlink()
    res = _check(tlogcheck, "-dir", str(out), "-vkey", str(vkey), "-old", str(old))
    assert res.returncode == 1 and "tile/0/001.p/44: no such file" in res.stdout, res.stdout
    old_partial.write_bytes(saved)

    full = out / "tile/0/001"  # a full tile, authenticated by its parent tile/1/000.p/4
    data = bytearray(full.read_bytes())
    data[40] ^= 1
    full.write_bytes(bytes(data))
    res = _check(tlogcheck, "-dir", str(out), "-vkey", str(vkey))
    assert res.returncode == 1 and "FAIL tile/0/001 differs" in res.stdout, res.stdout
    data[40] ^= 1
    full.write_bytes(bytes(data))

    bundle = out / "tile/entries/001"
    raw = bundle.read_bytes()
    bundle.write_bytes(raw.replace(b'"demo"', b'"dem0"', 1))
    res = _check(tlogcheck, "-dir", str(out), "-vkey", str(vkey))
    assert res.returncode == 1 and "FAIL entries of the bundles give root" in res.stdout, res.stdout

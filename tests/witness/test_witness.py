"""The witness core: what it cosigns, what it refuses (with the spec's status), atomic state."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govloop.config import Settings
from govloop.errors import GovloopError
from govloop.keys import KeyStore, SigningKey
from govloop.ledger import CheckpointBody, Ledger, sign_note
from govloop.problems import problem_for
from govloop.store import Store
from govloop.witness import (
    SizeConflict,
    format_add_checkpoint,
    merge_signatures,
    verify_cosignatures,
)

from .conftest import Setup, append, request_for, witness_rows

pytestmark = pytest.mark.db


def _refused(setup: Setup, body: bytes, status: int) -> GovloopError:
    """Submit ``body``, expect a refusal with HTTP ``status``, and check nothing changed."""
    before = witness_rows(setup.store)
    with pytest.raises(GovloopError) as info:
        setup.witness.add_checkpoint(body)
    assert problem_for(info.value).status == status, info.value
    assert witness_rows(setup.store) == before
    return info.value


def test_first_checkpoint_then_consistent_growth(setup: Setup) -> None:
    append(setup.ledger, 3)
    line = setup.witness.add_checkpoint(request_for(setup.ledger, 0))
    note = merge_signatures(setup.ledger.checkpoint().note, [line])
    got = verify_cosignatures(note, [setup.witness.verifier()])
    assert [(c.name, c.timestamp) for c in got] == [("witness.test/w1", 1_700_000_000)]
    assert setup.witness.log(setup.ledger.origin).size == 3
    append(setup.ledger, 4)
    setup.witness.add_checkpoint(request_for(setup.ledger, 3))
    state = setup.witness.log(setup.ledger.origin)
    assert (state.size, state.root_hash) == (7, setup.ledger.root(7))
    # the same checkpoint again is cosigned again (old size == size, same root)
    setup.witness.add_checkpoint(request_for(setup.ledger, 7))


def test_bad_signature_unknown_origin_and_garbage(setup: Setup) -> None:
    append(setup.ledger, 2)
    cp = setup.ledger.checkpoint()
    body = cp.note[: cp.note.rfind("\n\n") + 1]
    stranger = SigningKey("x", Ed25519PrivateKey.generate())
    forged = sign_note(body, setup.ledger.origin, stranger)  # unknown key: ignored -> 403
    _refused(setup, format_add_checkpoint(0, [], forged), 403)
    sig = cp.note[cp.note.rfind("\n\n") + 2 :].split(" ")
    blob = bytearray(base64.b64decode(sig[2]))
    blob[-1] ^= 1  # the log's key, a broken signature
    broken = f"{body}\n— {sig[1]} {base64.b64encode(bytes(blob)).decode()}\n"
    _refused(setup, format_add_checkpoint(0, [], broken), 403)
    other = CheckpointBody("other.example/log", 2, bytes(32)).to_text()
    _refused(
        setup, format_add_checkpoint(0, [], sign_note(other, "other.example/log", stranger)), 404
    )
    for garbage in (b"", b"\x00\xff" * 40, b"old 1\n\nnot a note\n", b"GET / HTTP/1.1\r\n\r\n"):
        _refused(setup, garbage, 400)
    assert setup.witness.log(setup.ledger.origin).size == 0


def test_oversized_proof_old_larger_than_new_and_proof_from_zero(setup: Setup) -> None:
    append(setup.ledger, 3)
    note = setup.ledger.checkpoint().note
    too_many = b"old 0\n" + (base64.b64encode(bytes(32)) + b"\n") * 64 + b"\n" + note.encode()
    _refused(setup, too_many, 400)
    _refused(setup, format_add_checkpoint(4, [], note), 400)
    _refused(setup, format_add_checkpoint(0, [bytes(32)], note), 400)


def test_rollback_is_refused(setup: Setup) -> None:
    append(setup.ledger, 3)
    old_note = setup.ledger.checkpoint().note
    setup.witness.add_checkpoint(request_for(setup.ledger, 0))
    append(setup.ledger, 2)
    setup.witness.add_checkpoint(request_for(setup.ledger, 3))
    # an older checkpoint, claiming the witness is where it was: 409 with the real size
    exc = _refused(setup, format_add_checkpoint(3, [], old_note), 409)
    assert isinstance(exc, SizeConflict) and exc.size == 5
    # the same older checkpoint from the witness's real size: old size > checkpoint size
    _refused(setup, format_add_checkpoint(5, [], old_note), 400)


def test_wrong_old_size_is_409_with_the_size(setup: Setup) -> None:
    append(setup.ledger, 2)
    setup.witness.add_checkpoint(request_for(setup.ledger, 0))
    append(setup.ledger, 2)
    exc = _refused(setup, request_for(setup.ledger, 0), 409)
    assert isinstance(exc, SizeConflict) and exc.size == 2
    exc = _refused(setup, request_for(setup.ledger, 3), 409)
    assert isinstance(exc, SizeConflict) and exc.size == 2


def _fork(setup: Setup, keys: KeyStore, settings: Settings, tmp_path: Path) -> Ledger:
    """Another history under the provider's key and origin (as a restored copy would be)."""
    fork_store = Store.open(f"sqlite:///{tmp_path / 'fork.db'}")
    return Ledger.open(fork_store, keys, settings)


def test_forks_are_refused(
    setup: Setup, keys: KeyStore, settings: Settings, tmp_path: Path
) -> None:
    append(setup.ledger, 4)
    setup.witness.add_checkpoint(request_for(setup.ledger, 0))
    fork = _fork(setup, keys, settings, tmp_path)
    try:
        append(fork, 4, tag="rewritten")
        # same size, another root: 409 (a fork the witness has seen)
        exc = _refused(setup, request_for(fork, 4), 409)
        assert not isinstance(exc, SizeConflict)
        # larger size, its own (valid-looking) proof from 4: does not reach the cosigned root
        append(fork, 3, tag="rewritten")
        _refused(setup, request_for(fork, 4), 422)
    finally:
        fork.store.close()
    # a proof of the right length but wrong hashes
    append(setup.ledger, 3)
    good = request_for(setup.ledger, 4)
    n = len(setup.ledger.consistency_proof(4, 7).consistency_path)
    _refused(setup, format_add_checkpoint(4, [bytes(32)] * n, setup.ledger.checkpoint().note), 422)
    setup.witness.add_checkpoint(good)  # and the honest one still goes through
    assert setup.witness.log(setup.ledger.origin).size == 7


def test_setup_errors(setup: Setup, tmp_path: Path) -> None:
    from govloop.errors import InputError, StateError
    from govloop.witness import Witness

    with pytest.raises(StateError):
        setup.witness.init("witness.test/other")
    assert setup.witness.init("witness.test/w1").name == "witness.test/w1"  # idempotent
    with pytest.raises(InputError):
        setup.witness.add_log([])
    bare = Witness(setup.store, KeyStore.open(tmp_path / "none"))
    with pytest.raises(GovloopError):
        bare.verifier()  # named, but this key store has no witness key

    def keys_of() -> tuple[str, ...]:
        return setup.witness.log(setup.ledger.origin).keys

    rotated = setup.ledger.rotate_key()
    setup.witness.add_log([rotated])
    assert keys_of()[-1] == rotated.to_text() and len(keys_of()) == 2


def test_concurrent_submissions_cosign_once(setup: Setup) -> None:
    """The size check and the update are atomic: of racing identical requests one wins."""
    from concurrent.futures import ThreadPoolExecutor

    append(setup.ledger, 3)
    body = request_for(setup.ledger, 0)

    def submit(_: int) -> str:
        try:
            setup.witness.add_checkpoint(body)
            return "ok"
        except SizeConflict as exc:
            return f"409 {exc.size}"

    with ThreadPoolExecutor(6) as pool:
        results = sorted(pool.map(submit, range(6)))
    assert results == ["409 3"] * 5 + ["ok"]


def test_huge_checkpoint_size_is_400(setup: Setup) -> None:
    body = CheckpointBody(setup.ledger.origin, 2**63, bytes(32)).to_text()
    note = sign_note(body, setup.ledger.origin, setup.ledger.signing_key())
    _refused(setup, format_add_checkpoint(0, [], note), 400)

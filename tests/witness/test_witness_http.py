"""The witness over HTTP: status codes and content types, two witnesses, a quorum policy."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from govloop.errors import InputError, StateError, VerificationError
from govloop.ledger import CheckpointBody, sign_note
from govloop.witness import (
    MAX_BODY_BYTES,
    PolicyWitness,
    Post,
    Witness,
    WitnessPolicy,
    WitnessRefused,
    check_quorum,
    cosigned_note,
    format_add_checkpoint,
    load_policy,
    stored_cosignatures,
    submit_checkpoint,
)
from govloop.witness_http import create_app, demo_witnesses

from .conftest import Setup, append, request_for, witness_rows

pytestmark = pytest.mark.db


def _poster(clients: dict[str, TestClient]) -> Post:
    def post(url: str, body: bytes) -> tuple[int, str, bytes]:
        resp = clients[url.removesuffix("/add-checkpoint")].post("/add-checkpoint", content=body)
        return resp.status_code, resp.headers.get("content-type", ""), resp.content

    return post


def test_status_codes_and_content_types(setup: Setup) -> None:
    client = TestClient(create_app(setup.witness))
    append(setup.ledger, 3)
    ok = client.post("/add-checkpoint", content=request_for(setup.ledger, 0))
    assert ok.status_code == 200 and ok.text.startswith("— witness.test/w1 ")
    assert ok.headers["content-type"].startswith("text/plain")
    append(setup.ledger, 1)
    before = witness_rows(setup.store)
    conflict = client.post("/add-checkpoint", content=request_for(setup.ledger, 0))
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == "text/x.tlog.size"
    assert conflict.content == b"3\n"
    garbage = client.post("/add-checkpoint", content=b"\x00garbage")
    assert garbage.status_code == 400
    assert garbage.headers["content-type"] == "application/problem+json"
    assert garbage.json()["status"] == 400
    other = CheckpointBody("nobody.example/log", 1, bytes(32)).to_text()
    note = sign_note(other, "nobody.example/log", setup.ledger.signing_key())
    assert (
        client.post("/add-checkpoint", content=format_add_checkpoint(0, [], note)).status_code
        == 404
    )
    huge = client.post("/add-checkpoint", content=b"old 0\n" + b"A" * MAX_BODY_BYTES)
    assert huge.status_code == 413
    assert client.get("/add-checkpoint").status_code == 405
    assert witness_rows(setup.store) == before


def test_two_witnesses_and_a_quorum_policy(
    setup: Setup, second_witness: Witness, tmp_path: Path
) -> None:
    second_witness.add_log([setup.ledger.verifier()])
    w1, w2 = setup.witness, second_witness
    clients = {"http://w1": TestClient(create_app(w1)), "http://w2": TestClient(create_app(w2))}
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(
        "quorum = 2\n"
        f'[[witness]]\nkey = "{w1.verifier().to_text()}"\nurl = "http://w1"\n'
        f'[[witness]]\nkey = "{w2.verifier().to_text()}"\nurl = "http://w2"\n',
        encoding="utf-8",
    )
    policy = load_policy(policy_file)
    assert policy.quorum == 2 and [w.url for w in policy.witnesses] == ["http://w1", "http://w2"]
    post = _poster(clients)
    append(setup.ledger, 5)
    sub = submit_checkpoint(setup.ledger, "http://w1", policy.verifiers, post=post)
    assert sub.witnesses == ("witness.test/w1",) and sub.tree_size == 5
    note = cosigned_note(setup.store, setup.ledger.checkpoint().note)
    with pytest.raises(VerificationError, match="1 of the 2"):
        check_quorum(note, policy, setup.ledger.verifiers())
    one = WitnessPolicy(policy.witnesses, quorum=1)
    assert [c.name for c in check_quorum(note, one, setup.ledger.verifiers())] == [
        "witness.test/w1"
    ]
    submit_checkpoint(setup.ledger, "http://w2", policy.verifiers, post=post)
    note = cosigned_note(setup.store, setup.ledger.checkpoint().note)
    names = {c.name for c in check_quorum(note, policy, setup.ledger.verifiers())}
    assert names == {"witness.test/w1", "witness.test/w2"}
    # growth: the provider's guess of the witness size comes from the stored cosignatures
    append(setup.ledger, 2)
    for url in clients:
        assert submit_checkpoint(setup.ledger, url, policy.verifiers, post=post).tree_size == 7
    assert len(stored_cosignatures(setup.store, setup.ledger.checkpoint().note)) == 2


def test_client_retries_once_on_409_and_drops_unknown_witnesses(
    setup: Setup, second_witness: Witness
) -> None:
    second_witness.add_log([setup.ledger.verifier()])
    clients = {"http://w1": TestClient(create_app(setup.witness))}
    post = _poster(clients)
    append(setup.ledger, 2)
    setup.witness.add_checkpoint(request_for(setup.ledger, 0))  # the provider did not keep it
    append(setup.ledger, 2)
    sub = submit_checkpoint(setup.ledger, "http://w1", [setup.witness.verifier()], post=post)
    assert sub.tree_size == 4  # 409 said 2, the retry carried a proof from 2
    append(setup.ledger, 1)
    sub = submit_checkpoint(setup.ledger, "http://w1", [second_witness.verifier()], post=post)
    assert sub.witnesses == ()  # cosigned by a witness the caller does not trust: not stored
    with pytest.raises(InputError):
        submit_checkpoint(setup.ledger, "http://w1", [], post=post)


def test_client_reports_refusals(setup: Setup) -> None:
    def refuse(url: str, body: bytes) -> tuple[int, str, bytes]:
        del url, body
        return 422, "application/problem+json", b'{"detail": "not consistent"}'

    append(setup.ledger, 1)
    with pytest.raises(WitnessRefused, match="HTTP 422: not consistent") as info:
        submit_checkpoint(setup.ledger, "http://w", [setup.witness.verifier()], post=refuse)
    assert info.value.status == 422

    def always_409(url: str, body: bytes) -> tuple[int, str, bytes]:
        del url, body
        return 409, "text/x.tlog.size", b"0\n"

    with pytest.raises(StateError):
        submit_checkpoint(setup.ledger, "http://w", [setup.witness.verifier()], post=always_409)


def test_policy_file_errors(tmp_path: Path, setup: Setup) -> None:
    key = setup.witness.verifier().to_text()
    bad = {
        "not toml": "quorum = ",
        "no witness": "quorum = 1\n",
        "quorum too big": f'quorum = 2\n[[witness]]\nkey = "{key}"\n',
        "bad key": '[[witness]]\nkey = "nope"\n',
        "bad url": f'[[witness]]\nkey = "{key}"\nurl = "ftp://x"\n',
        "extra": f'[[witness]]\nkey = "{key}"\nname = "x"\n',
        "twice": f'[[witness]]\nkey = "{key}"\n[[witness]]\nkey = "{key}"\n',
    }
    for label, text in bad.items():
        path = tmp_path / f"{label.replace(' ', '_')}.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=str(path)):
            load_policy(path)
    default = WitnessPolicy.from_toml(f'[[witness]]\nkey = "{key}"\n')
    assert default.quorum == 1 and default.witnesses[0] == PolicyWitness(setup.witness.verifier())


def test_demo_two_witnesses_and_a_refused_fork(tmp_path: Path) -> None:
    lines = demo_witnesses(tmp_path)
    assert sum("cosigned size 6" in ln for ln in lines) == 2
    assert any("policy of 2 witnesses met" in ln for ln in lines)
    refused = [ln for ln in lines if "refused the forked checkpoint" in ln]
    assert len(refused) == 2 and all("HTTP 422" in ln for ln in refused)
    assert not any("ACCEPTED" in ln for ln in lines)
    assert demo_witnesses(tmp_path) == lines  # a rerun in the same home starts afresh

"""The witness part of the demo: two witnesses cosign a provider's log, a fork is refused.

Everything runs in one process under ``home``: a provider (``provider/``), two witnesses
(``witness-1/``, ``witness-2/``, each with its own database and key), and a forked copy of the
provider's log (``fork/``: the provider's key, an old copy of its history, different entries
after it), as someone with the provider's machine could make. Requests go through each
witness's real ASGI app (in process, so the demo needs no free ports).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from starlette.testclient import TestClient

from govloop.config import Settings
from govloop.keys import KeyStore
from govloop.ledger import Ledger, record_output
from govloop.store import Store
from govloop.witness import (
    PolicyWitness,
    Post,
    Witness,
    WitnessPolicy,
    WitnessRefused,
    check_quorum,
    cosigned_note,
    submit_checkpoint,
)
from govloop.witness_http._app import create_app

ORIGIN = "provider.example/ledger"


def _settings(root: Path) -> Settings:
    root.mkdir(parents=True, exist_ok=True)
    return Settings(
        home=root, database_url=f"sqlite:///{root / 'govloop.db'}", ledger_origin=ORIGIN
    )


def _append(ledger: Ledger, texts: list[str]) -> None:
    for text in texts:
        record_output(
            ledger,
            text.encode(),
            media_type="text",
            model="demo-model",
            provider_code=ledger.settings.provider_code,
        )


def _poster(clients: dict[str, TestClient]) -> Post:
    def post(url: str, body: bytes) -> tuple[int, str, bytes]:
        prefix = url.removesuffix("/add-checkpoint")
        resp = clients[prefix].post("/add-checkpoint", content=body)
        return resp.status_code, resp.headers.get("content-type", ""), resp.content

    return post


def demo_witnesses(home: Path) -> list[str]:
    """Run the witness scenario under ``home``; returns the lines to show, English and Chinese.

    The demo's own folders under ``home`` (``provider``, ``witness-1``, ``witness-2``, ``fork``)
    are replaced on each run.
    """
    out: list[str] = []
    for part in ("provider", "witness-1", "witness-2", "fork"):  # a rerun starts afresh
        shutil.rmtree(home / part, ignore_errors=True)
    provider = _settings(home / "provider")
    store = Store.open(provider.db_url)
    stores = [store]
    try:
        keys = KeyStore.open(provider.keys_dir)
        ledger = Ledger.open(store, keys, provider)
        witnesses: list[PolicyWitness] = []
        clients: dict[str, TestClient] = {}
        for i in (1, 2):
            ws = _settings(home / f"witness-{i}")
            wstore = Store.open(ws.db_url)
            stores.append(wstore)
            witness = Witness(wstore, KeyStore.open(ws.keys_dir))
            verifier = witness.init(f"witness-{i}.regulator.example")
            witness.add_log([ledger.verifier()])
            url = f"http://witness-{i}.regulator.example"
            clients[url] = TestClient(create_app(witness))
            witnesses.append(PolicyWitness(verifier, url))
        policy = WitnessPolicy(tuple(witnesses), quorum=2)
        post = _poster(clients)

        _append(ledger, [f"demo output {n}" for n in range(3)])
        old_copy = home / "fork"
        shutil.copytree(home / "provider", old_copy)  # the history as it stood at size 3
        for w in witnesses:
            sub = submit_checkpoint(ledger, w.url or "", policy.verifiers, post=post)
            out.append(
                f"witness {', '.join(sub.witnesses)} cosigned size {sub.tree_size} "
                f"/ 见证方已副签树大小 {sub.tree_size}"
            )
        _append(ledger, [f"demo output {n}" for n in range(3, 6)])
        for w in witnesses:
            sub = submit_checkpoint(ledger, w.url or "", policy.verifiers, post=post)
            out.append(
                f"witness {', '.join(sub.witnesses)} cosigned size {sub.tree_size} "
                f"(consistent with the size it saw) / 与上次一致，已副签"
            )
        note = cosigned_note(store, ledger.checkpoint().note)
        good = check_quorum(note, policy, ledger.verifiers())
        out.append(
            f"policy of {policy.quorum} witnesses met: {len(good)} valid cosignatures "
            f"/ 满足 {policy.quorum} 个见证方的策略"
        )

        fork_settings = _settings(old_copy)
        fork_store = Store.open(fork_settings.db_url)
        stores.append(fork_store)
        fork = Ledger.open(fork_store, KeyStore.open(fork_settings.keys_dir), fork_settings)
        _append(fork, [f"rewritten output {n}" for n in range(3, 7)])
        for w in witnesses:
            try:
                submit_checkpoint(fork, w.url or "", policy.verifiers, post=post)
                out.append(f"{w.verifier.name} ACCEPTED a forked checkpoint (this is a bug)")
            except WitnessRefused as exc:
                out.append(
                    f"{w.verifier.name} refused the forked checkpoint of size {fork.size()} "
                    f"with HTTP {exc.status} / 见证方拒绝分叉检查点"
                )
    finally:
        for s in stores:
            s.close()
    return out

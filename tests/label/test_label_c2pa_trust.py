"""C2PA provenance that says who vouches, checked with the official c2pa library reading back.

Before: ``label check`` called a manifest signed by govloop's own local test CA "Trusted",
because it trusted that CA itself; the AIGC keys were stored sorted and both assertions were
gathered, not created.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import c2pa
import pytest
from label_assets import PRODUCER, asset, new_signer
from typer.testing import CliRunner

from govloop.label import check_bytes, label_bytes
from govloop.label._c2pa import (
    AIGC_KEYS,
    LOCAL_TEST_CA,
    _context,
    c2pa_credentials,
    embed_c2pa,
)


@pytest.fixture
def signed(tmp_path: Path) -> tuple[bytes, bytes, dict[str, str]]:
    signer = new_signer()
    out, outcome = label_bytes(
        asset("sample.png"),
        filename="a.png",
        producer_code=PRODUCER,
        signer=signer,
        explicit=False,
    )
    data = embed_c2pa(out, filename="a.png", label=outcome.label, cert_dir=tmp_path)
    return data, c2pa_credentials(tmp_path)[2], outcome.label


def _official(data: bytes, anchors: bytes | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The official library's reading: the manifest store and the active claim."""
    reader = c2pa.Reader("image/png", io.BytesIO(data), context=_context(anchors))
    store = json.loads(reader.json())
    detailed = json.loads(reader.detailed_json())
    return store, detailed["manifests"][store["active_manifest"]]["claim"]


def test_local_test_ca_is_not_trusted_unless_configured(
    signed: tuple[bytes, bytes, dict[str, str]],
) -> None:
    data, ca, _ = signed
    plain = check_bytes(data, filename="a.png", c2pa_ca=ca).c2pa
    assert plain is not None
    assert plain["valid"] is True and plain["trusted"] is False
    assert plain["trust"] == LOCAL_TEST_CA
    assert _official(data, None)[0]["validation_state"] == "Valid"  # the library agrees
    anchored = check_bytes(data, filename="a.png", c2pa_ca=ca, c2pa_anchors=ca).c2pa
    assert anchored is not None and anchored["trusted"] is True and anchored["trust"] == "trusted"
    assert _official(data, ca)[0]["validation_state"] == "Trusted"


def test_another_anchor_does_not_vouch(
    signed: tuple[bytes, bytes, dict[str, str]], tmp_path: Path
) -> None:
    data, _, _ = signed
    other = c2pa_credentials(tmp_path / "other")[2]
    report = check_bytes(data, filename="a.png", c2pa_anchors=other).c2pa
    assert report is not None and report["valid"] is True and report["trusted"] is False
    assert report["trust"] == "untrusted"  # no local CA given: no claim about who signed


def test_tampered_manifest_is_invalid(signed: tuple[bytes, bytes, dict[str, str]]) -> None:
    data, ca, _ = signed
    i = data.index(b"IDAT") + 40
    broken = data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :]
    report = check_bytes(broken, filename="a.png", c2pa_ca=ca, c2pa_anchors=ca).c2pa
    assert report is not None and report["valid"] is False and report["trusted"] is False


def test_aigc_keys_in_gb45438_order_and_assertions_created(
    signed: tuple[bytes, bytes, dict[str, str]],
) -> None:
    data, ca, label = signed
    store, claim = _official(data, ca)
    active = store["manifests"][store["active_manifest"]]
    [aigc] = [a["data"]["AIGC"] for a in active["assertions"] if a["label"] == "org.tc260.aigc"]
    assert tuple(aigc) == AIGC_KEYS and aigc == label
    created = [u["url"].rsplit("/", 1)[-1] for u in claim["created_assertions"]]
    assert "org.tc260.aigc" in created and any(c.startswith("c2pa.actions") for c in created)
    assert not claim.get("gathered_assertions")


def test_cli_check_reports_trust_and_takes_anchors(
    signed: tuple[bytes, bytes, dict[str, str]],
    tmp_path: Path,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from govloop.cli.main import build_app

    app = build_app()
    data, ca, _ = signed
    del home
    monkeypatch.delenv("GOVLOOP_C2PA_TRUST_ANCHORS", raising=False)
    f = tmp_path / "a.png"
    f.write_bytes(data)
    anchors = tmp_path / "anchors.pem"
    anchors.write_bytes(ca)
    runner = CliRunner()
    plain = runner.invoke(app, ["label", "check", str(f), "--json"])
    assert plain.exit_code == 0, plain.output
    got = json.loads(plain.output)["c2pa"]
    assert got["valid"] is True and got["trusted"] is False
    trusted = runner.invoke(
        app, ["label", "check", str(f), "--json", "--trust-anchors", str(anchors)]
    )
    assert trusted.exit_code == 0, trusted.output
    assert json.loads(trusted.output)["c2pa"]["trust"] == "trusted"
    monkeypatch.setenv("GOVLOOP_C2PA_TRUST_ANCHORS", str(anchors))
    env = runner.invoke(app, ["label", "check", str(f), "--json"])
    assert json.loads(env.output)["c2pa"]["trusted"] is True
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    refused = runner.invoke(app, ["label", "check", str(f), "--trust-anchors", str(bad)])
    assert refused.exit_code != 0 and "no PEM certificate" in refused.output

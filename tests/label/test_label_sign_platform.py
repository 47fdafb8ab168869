"""Signatures in ReservedCode1/2, the Art. 6 decision and propagation."""

from __future__ import annotations

import base64
import json

import pytest
from label_assets import PLATFORM, PRODUCER, SAMPLES, asset, new_signer

from govloop.errors import InputError
from govloop.ids import new_produce_id
from govloop.keys import SigningKey
from govloop.label import (
    AIGCLabel,
    check_bytes,
    check_signature,
    content_digest,
    decide_label,
    label_bytes,
    make_producer_label,
    propagate_bytes,
    read_implicit_label,
    verify_label,
    write_implicit_label,
)

FAST = [n for n in SAMPLES if not n.endswith((".mkv", ".webm"))]


def _labelled(name: str, signer: SigningKey) -> tuple[bytes, AIGCLabel]:
    data = asset(name)
    label = make_producer_label(
        producer_code=PRODUCER,
        produce_id=new_produce_id(),
        content=data,
        signer=signer,
        filename=name,
    )
    return write_implicit_label(data, label, filename=name), label


@pytest.mark.parametrize("name", FAST)
def test_signed_label_verifies_after_writing(name: str, signer: SigningKey) -> None:
    out, label = _labelled(name, signer)
    keys = {signer.key_id: signer.public_key}
    assert (
        verify_label(read_implicit_label(out, filename=name), out, keys, filename=name) == "valid"
    )  # type: ignore[arg-type]
    assert label.ReservedCode1.isascii() and '"' not in label.ReservedCode1
    sec = json.loads(base64.b64decode(label.ReservedCode1))
    assert sec["alg"] == "Ed25519" and sec["kid"] == signer.key_id


def test_given_digest_signs_the_same_label(signer: SigningKey) -> None:
    data, pid = asset("sample.png"), new_produce_id()

    def label(digest: bytes | None) -> AIGCLabel:
        return make_producer_label(
            producer_code=PRODUCER,
            produce_id=pid,
            content=data,
            signer=signer,
            filename="sample.png",
            digest=digest,
        )

    own = label(None)
    assert label(content_digest(data, filename="sample.png")) == own  # Ed25519 is deterministic
    assert label(b"\0" * 32) != own  # the digest given is the one signed


def test_edited_label_copied_label_unknown_key_and_absent(signer: SigningKey) -> None:
    out, label = _labelled("sample.png", signer)
    keys = {signer.key_id: signer.public_key}
    edited = label.replace(ProduceID="01SOMEONEELSE")
    assert check_signature(edited, out, keys).reason.endswith("label fields altered")
    other = asset("sample.jpg")
    copied = check_signature(label, other, keys, filename="x.jpg")
    assert copied.status == "invalid" and "content changed" in copied.reason
    assert verify_label(label, out, {}) == "invalid"
    assert verify_label(label.replace(ReservedCode1=""), out, keys) == "absent"
    assert verify_label(label.replace(ReservedCode1="SM2:abc"), out, keys) == "invalid"


def test_producer_code_is_validated(signer: SigningKey) -> None:
    with pytest.raises(InputError, match="27 characters"):
        make_producer_label(producer_code="ABC", produce_id="X1", content=b"x", signer=signer)
    with pytest.raises(InputError, match="check character"):
        make_producer_label(
            producer_code="001191440300708461136X1GOVL",
            produce_id="X1",
            content=b"x",
            signer=signer,
        )


@pytest.mark.parametrize(
    ("label", "declared", "traces", "value"),
    [
        (AIGCLabel(Label="1"), False, False, "1"),
        (None, True, True, "2"),
        (None, False, True, "3"),
        (None, False, False, None),
    ],
)
def test_art6_decision(
    label: AIGCLabel | None, declared: bool, traces: bool, value: str | None
) -> None:
    assert decide_label(label, declared=declared, traces=traces)[0] == value


@pytest.mark.parametrize("name", FAST)
def test_propagation_keeps_producer_fields_and_both_signatures_verify(
    name: str, signer: SigningKey
) -> None:
    out, label = _labelled(name, signer)
    platform = new_signer()
    prop, outcome = propagate_bytes(out, filename=name, platform_code=PLATFORM, signer=platform)
    assert outcome.written and outcome.decision == "1"
    after = read_implicit_label(prop, filename=name)
    assert after is not None
    for field in ("Label", "ContentProducer", "ProduceID", "ReservedCode1"):
        assert getattr(after, field) == getattr(label, field)
    assert after.ContentPropagator == PLATFORM and len(after.PropagateID) == 26
    keys = {signer.key_id: signer.public_key, platform.key_id: platform.public_key}
    report = check_bytes(prop, filename=name, public_keys=keys)
    assert report.producer_signature is not None and report.producer_signature.status == "valid"
    assert report.propagator_signature is not None and report.propagator_signature.status == "valid"


def test_unlabelled_text_with_explicit_prompt_is_suspected(signer: SigningKey) -> None:
    data = "这是一段内容。\n\n[本内容由人工智能生成]\n".encode()
    report = check_bytes(data, filename="post.md")
    assert report.explicit_label_found is True and report.decision == "3"
    out, outcome = propagate_bytes(data, filename="post.md", platform_code=PLATFORM, signer=signer)
    assert outcome.decision == "3"
    assert read_implicit_label(out, filename="post.md").ContentProducer == ""  # type: ignore[union-attr]


def test_declared_upload_is_possibly_and_plain_upload_is_skipped(signer: SigningKey) -> None:
    data = asset("sample.png")
    _, declared = propagate_bytes(
        data, filename="a.png", platform_code=PLATFORM, signer=signer, declared=True
    )
    assert declared.decision == "2"
    same, plain = propagate_bytes(data, filename="a.png", platform_code=PLATFORM, signer=signer)
    assert not plain.written and same == data


def test_label_bytes_text_end_to_end(signer: SigningKey) -> None:
    out, outcome = label_bytes(
        "你好，世界。".encode(), filename="a.txt", producer_code=PRODUCER, signer=signer
    )
    text = out.decode()
    assert "人工智能生成" in text and outcome.explicit == "added"
    report = check_bytes(out, filename="a.txt", public_keys={signer.key_id: signer.public_key})
    assert report.producer_signature.status == "valid"  # type: ignore[union-attr]
    assert report.explicit_label_found is True


def test_c2pa_manifest_is_signed_offline_and_validates(tmp_path, signer: SigningKey) -> None:
    from govloop.label._c2pa import c2pa_credentials, embed_c2pa

    out, outcome = label_bytes(
        asset("sample.png"),
        filename="a.png",
        producer_code=PRODUCER,
        signer=signer,
        explicit=False,
    )
    signed = embed_c2pa(out, filename="a.png", label=outcome.label, cert_dir=tmp_path)
    ca = c2pa_credentials(tmp_path)[2]
    report = check_bytes(
        signed, filename="a.png", public_keys={signer.key_id: signer.public_key}, c2pa_ca=ca
    )
    assert report.c2pa is not None and report.c2pa["valid"] is True
    assert report.c2pa["aigc"] == outcome.label
    assert report.producer_signature.status == "valid"  # type: ignore[union-attr]


def test_signed_message_is_the_documented_json_form() -> None:
    from govloop.label._sign import _message

    values = {
        "Label": "1",
        "ContentProducer": PRODUCER,
        "ProduceID": "01JAB",
        "ReservedCode1": "x",
        "ContentPropagator": 'pl"at\\平台\x7f',
        "PropagateID": "\u2028😀",
    }
    digest = bytes(range(32))
    for field, domain, names in (
        ("ReservedCode1", b"GB45438-AIGC-producer-v1\n", list(values)[:3]),
        ("ReservedCode2", b"GB45438-AIGC-propagator-v1\n", list(values)),
    ):
        body = ",".join(f'"{k}":{json.dumps(values[k], ensure_ascii=True)}' for k in names)
        expected = domain + body.encode("ascii") + b"\n" + digest.hex().encode("ascii")
        assert _message(values, field, digest) == expected

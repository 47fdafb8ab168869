"""Optional C2PA manifest carrying the AIGC label, signed offline with c2pa-python.

The manifest holds two assertions: ``org.tc260.aigc`` (the AIGC object) and ``c2pa.actions``
(``c2pa.created`` with IPTC digital source type ``trainedAlgorithmicMedia``). It is signed with
ES256 by a leaf certificate from a local test CA that is generated with ``cryptography`` at first
use and kept in ``<keys>/c2pa/``. A production deployment replaces these files with a
certificate from a C2PA-trusted CA.

Both assertions are *created* assertions (the signer made them, C2PA 2.x ``created_assertions``),
not gathered ones, and the AIGC assertion is a JSON assertion so its keys keep GB 45438's order
(``Label``, ``ContentProducer``, ``ProduceID``, ``ReservedCode1``, ``ContentPropagator``,
``PropagateID``, ``ReservedCode2``; a CBOR assertion would be stored with sorted keys).

Reading reports who vouches, as c2patool does: ``valid`` (the signature and the hashes check
out) is separate from ``trusted`` (the signing certificate chains to a configured trust
anchor). govloop's own local test CA is **not** a trust anchor unless it is configured as one;
a manifest it signed is reported as ``signed by the local test CA (not trusted)``. Validation
runs offline (remote manifest and OCSP fetching are switched off).
"""

from __future__ import annotations

import datetime
import io
import json
import os
from pathlib import Path
from typing import Any

from govloop.errors import ConfigError, FormatError, missing_extra

_MIME = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".pdf": "application/pdf",
}
_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
AIGC_ASSERTION = "org.tc260.aigc"


def _c2pa() -> Any:
    try:
        import c2pa
    except ImportError as exc:
        raise missing_extra("c2pa", "c2pa") from exc
    return c2pa


def _mime(filename: str) -> str:
    mime = _MIME.get(Path(filename).suffix.lower())
    if mime is None:
        raise FormatError(
            f"{filename}: C2PA manifests are supported for {', '.join(sorted(_MIME))}"
        )
    return mime


def _write_secret(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def c2pa_credentials(cert_dir: Path) -> tuple[bytes, bytes, bytes]:
    """(certificate chain PEM, private key PEM, CA PEM), generated at first use in ``cert_dir``."""
    chain_p, key_p, ca_p = cert_dir / "chain.pem", cert_dir / "signer.key", cert_dir / "ca.pem"
    if chain_p.is_file() and key_p.is_file() and ca_p.is_file():
        return chain_p.read_bytes(), key_p.read_bytes(), ca_p.read_bytes()
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "govloop local test CA"),
            ]
        )

    def usage(*, sign: bool) -> x509.KeyUsage:
        return x509.KeyUsage(
            digital_signature=True,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=sign,
            crl_sign=sign,
            encipher_only=False,
            decipher_only=False,
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    key = ec.generate_private_key(ec.SECP256R1())
    life = (now - datetime.timedelta(days=1), now + datetime.timedelta(days=3650))
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("govloop C2PA test CA"))
        .issuer_name(name("govloop C2PA test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(life[0])
        .not_valid_after(life[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage(sign=True), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name("govloop label signer"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(life[0])
        .not_valid_after(life[1])
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(sign=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    ca_pem = ca.public_bytes(pem)
    chain = leaf.public_bytes(pem) + ca_pem
    key_pem = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        cert_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_secret(key_p, key_pem)
        chain_p.write_bytes(chain)
        ca_p.write_bytes(ca_pem)
    except OSError as exc:
        raise ConfigError(f"{cert_dir}: cannot store C2PA credentials: {exc.strerror}") from exc
    return chain, key_pem, ca_pem


AIGC_KEYS = (
    "Label",
    "ContentProducer",
    "ProduceID",
    "ReservedCode1",
    "ContentPropagator",
    "PropagateID",
    "ReservedCode2",
)
"""The AIGC object's keys in GB 45438's order."""

LOCAL_TEST_CA = "signed by the local test CA (not trusted)"
"""The trust verdict of a manifest whose signer only govloop's own test CA vouches for."""


def ordered_aigc(label: dict[str, str]) -> dict[str, str]:
    """``label`` with the standard's keys first, in its order (any others after, as given)."""
    out = {k: label[k] for k in AIGC_KEYS if k in label}
    out.update((k, v) for k, v in label.items() if k not in out)
    return out


def _context(ca_pem: bytes | None) -> Any:
    c2pa = _c2pa()
    settings: dict[str, Any] = {
        "verify": {
            "remote_manifest_fetch": False,
            "ocsp_fetch": False,
            "verify_trust": True,
        },
        "builder": {"thumbnail": {"enabled": False}},
    }
    if ca_pem is not None:
        settings["trust"] = {"user_anchors": ca_pem.decode("ascii")}
    return c2pa.Context.from_dict(settings)


def embed_c2pa(data: bytes, *, filename: str, label: dict[str, str], cert_dir: Path) -> bytes:
    """``data`` with a signed C2PA manifest holding the AIGC assertion."""
    c2pa = _c2pa()
    mime = _mime(filename)
    chain, key_pem, ca_pem = c2pa_credentials(cert_dir)
    manifest = {
        "claim_generator_info": [{"name": "govloop", "version": "0.1"}],
        "title": Path(filename).name,
        "assertions": [
            {
                "label": AIGC_ASSERTION,
                "kind": "Json",  # keeps the key order; CBOR maps would be sorted
                "created": True,
                "data": {"AIGC": ordered_aigc(label)},
            },
            {
                "label": "c2pa.actions",
                "created": True,
                "data": {
                    "actions": [{"action": "c2pa.created", "digitalSourceType": _SOURCE_TYPE}]
                },
            },
        ],
    }
    try:
        signer = c2pa.Signer.from_info(
            c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, key_pem, None)
        )
        builder = c2pa.Builder(manifest, _context(None))
        dest = io.BytesIO()
        builder.sign(signer, mime, io.BytesIO(data), dest)
    except c2pa.C2paError as exc:
        raise FormatError(f"{filename}: C2PA signing failed: {exc}") from exc
    return dest.getvalue()


_TRUST_CODES = frozenset({"signingCredential.untrusted"})
"""Failure codes that say only "no configured anchor vouches", not "the manifest is broken"."""


def _read(data: bytes, mime: str, anchors: bytes | None) -> dict[str, Any]:
    c2pa = _c2pa()
    reader = c2pa.Reader(mime, io.BytesIO(data), context=_context(anchors))
    store: dict[str, Any] = json.loads(reader.json())
    return store


def read_c2pa_summary(
    data: bytes,
    *,
    filename: str,
    trust_anchors: bytes | None = None,
    local_ca: bytes | None = None,
) -> dict[str, object] | None:
    """Summary of the active C2PA manifest; None when there is none or c2pa is not installed.

    ``valid``: the signature and hashes check out. ``trusted``: the signer chains to one of
    ``trust_anchors`` (PEM certificates, like c2patool's trust anchors). ``trust`` says it in
    words: ``trusted``, :data:`LOCAL_TEST_CA` (the signer chains to ``local_ca``, govloop's own
    test CA, which is not an anchor unless it is among ``trust_anchors``), ``untrusted`` or
    ``invalid``.
    """
    try:
        c2pa = _c2pa()
        mime = _mime(filename)
    except (ConfigError, FormatError):
        return None
    try:
        store = _read(data, mime, trust_anchors)
    except c2pa.C2paError as exc:
        if "ManifestNotFound" in type(exc).__name__ or "not found" in str(exc).lower():
            return None
        return {
            "present": True,
            "valid": False,
            "trusted": False,
            "trust": "invalid",
            "error": str(exc),
        }
    active = store.get("manifests", {}).get(store.get("active_manifest", ""), {})
    aigc = next(
        (
            a.get("data", {}).get("AIGC")
            for a in active.get("assertions", [])
            if a.get("label") == AIGC_ASSERTION
        ),
        None,
    )
    failures = store.get("validation_results", {}).get("activeManifest", {}).get("failure", [])
    codes = [str(f.get("code")) for f in failures]
    state = store.get("validation_state")
    valid = state in ("Valid", "Trusted") and not [c for c in codes if c not in _TRUST_CODES]
    trusted = valid and state == "Trusted" and trust_anchors is not None
    if trusted:
        trust = "trusted"
    elif not valid:
        trust = "invalid"
    elif local_ca is not None and _read(data, mime, local_ca).get("validation_state") == "Trusted":
        trust = LOCAL_TEST_CA
    else:
        trust = "untrusted"
    return {
        "present": True,
        "valid": valid,
        "trusted": trusted,
        "trust": trust,
        "validation_state": state,
        "failures": codes,
        "signer": active.get("signature_info", {}).get("common_name"),
        "issuer": active.get("signature_info", {}).get("issuer"),
        "aigc": aigc,
    }

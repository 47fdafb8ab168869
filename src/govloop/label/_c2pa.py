"""Optional C2PA manifest carrying the AIGC label, signed offline with c2pa-python.

The manifest holds two assertions: ``org.tc260.aigc`` (the AIGC object) and ``c2pa.actions``
(``c2pa.created`` with IPTC digital source type ``trainedAlgorithmicMedia``). It is signed with
ES256 by a leaf certificate from a local test CA that is generated with ``cryptography`` at first
use and kept in ``<keys>/c2pa/``; the CA is passed to the reader as a user trust anchor, so
validation works offline (remote manifest and OCSP fetching are switched off). A production
deployment replaces these files with a certificate from a C2PA-trusted CA.
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


def _context(ca_pem: bytes | None) -> Any:
    c2pa = _c2pa()
    settings: dict[str, Any] = {
        "verify": {
            "remote_manifest_fetch": False,
            "ocsp_fetch": False,
            "verify_trust": ca_pem is not None,
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
            {"label": AIGC_ASSERTION, "data": {"AIGC": label}},
            {
                "label": "c2pa.actions",
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
        builder = c2pa.Builder(manifest, _context(ca_pem))
        dest = io.BytesIO()
        builder.sign(signer, mime, io.BytesIO(data), dest)
    except c2pa.C2paError as exc:
        raise FormatError(f"{filename}: C2PA signing failed: {exc}") from exc
    return dest.getvalue()


def read_c2pa_summary(
    data: bytes, *, filename: str, ca_pem: bytes | None = None
) -> dict[str, object] | None:
    """Summary of the active C2PA manifest; None when there is none or c2pa is not installed."""
    try:
        c2pa = _c2pa()
        mime = _mime(filename)
    except (ConfigError, FormatError):
        return None
    try:
        reader = c2pa.Reader(mime, io.BytesIO(data), context=_context(ca_pem))
        store = json.loads(reader.json())
    except c2pa.C2paError as exc:
        if "ManifestNotFound" in type(exc).__name__ or "not found" in str(exc).lower():
            return None
        return {"present": True, "valid": False, "error": str(exc)}
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
    return {
        "present": True,
        "valid": not failures,
        "validation_state": store.get("validation_state"),
        "failures": [f.get("code") for f in failures],
        "signer": active.get("signature_info", {}).get("common_name"),
        "aigc": aigc,
    }

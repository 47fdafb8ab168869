"""The result every watermark detector returns, whatever the medium.

A detector first runs a keyed *presence test* whose null distribution is known exactly (an
unwatermarked input, or the wrong key, gives a p-value that is uniform or stochastically larger
than uniform); ``detected`` is ``p_value <= alpha``. Only then does it decode the payload, so error
correction success is never the presence criterion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def payload_hex(payload: int | None, bits: int) -> str | None:
    """``payload`` as lower-case hex, zero-padded to ``bits`` (``None`` stays ``None``)."""
    if payload is None:
        return None
    width = max(1, (bits + 3) // 4)
    return f"{payload:0{width}x}"


@dataclass(frozen=True)
class WatermarkResult:
    """Outcome of one watermark detection."""

    detected: bool
    """True when the keyed presence test rejects "no watermark" at the scheme's FPR bound."""
    p_value: float
    """P-value of the presence test under the null hypothesis (no watermark with this key)."""
    payload: int | None
    """Decoded payload, or None when not detected or the payload could not be decoded."""
    payload_bits: int
    """Payload width of the scheme in bits."""
    scheme: str
    """Scheme name, for example ``"image-dct-ss-v1"`` or ``"kgw"``."""
    key_id: int
    """16-bit id of the key the detector used."""
    details: dict[str, Any] = field(default_factory=dict)
    """Scheme-specific diagnostics (JSON-serialisable values only)."""

    def to_json(self) -> dict[str, Any]:
        """Plain dict for ``--json`` output and storage; the payload as hex or null."""
        out: dict[str, Any] = {
            "detected": self.detected,
            "p_value": float(self.p_value),
            "payload": payload_hex(self.payload, self.payload_bits),
            "payload_bits": self.payload_bits,
            "scheme": self.scheme,
            "key_id": self.key_id,
        }
        for name, value in self.details.items():
            out.setdefault(name, value)
        return out

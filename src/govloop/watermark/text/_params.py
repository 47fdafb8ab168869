"""Parameters of the text watermark schemes and the payload's digit layout.

Both schemes carry a payload in base-``2**digit_bits`` digits: each scored context is assigned,
by the keyed PRF, to one digit position, and the digit's value selects the green list (KGW) or the
sampling key (Gumbel) used for that context. ``payload_bits = 0`` gives the classic zero-bit
schemes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from govloop.errors import InputError
from govloop.watermark._keys import WatermarkKey

SchemeName = Literal["kgw", "gumbel"]
SCHEMES: tuple[SchemeName, ...] = ("kgw", "gumbel")


@dataclass(frozen=True)
class TextWatermarkParams:
    """Everything a generator and a detector must agree on (besides the key)."""

    scheme: SchemeName = "kgw"
    """``kgw`` (green list, logit bias) or ``gumbel`` (distortion-free exponential sampling)."""
    gamma: float = 0.25
    """KGW: fraction of the vocabulary that is green for one payload hypothesis."""
    delta: float = 2.0
    """KGW: logit bias added to green tokens."""
    context_width: int = 2
    """``h``: how many preceding token ids seed the PRF."""
    payload_bits: int = 24
    """Payload width in bits (0 = zero-bit watermark)."""
    digit_bits: int = 2
    """Bits per payload digit; ``2**digit_bits`` hypotheses per digit position."""
    alpha: float = 1e-6
    """Detection false-positive rate: present when the p-value is at most this."""

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise InputError(f"text watermark scheme {self.scheme!r} must be one of kgw, gumbel")
        if not 1 <= self.context_width <= 16:
            raise InputError(f"context_width {self.context_width} must be between 1 and 16")
        if not 1 <= self.digit_bits <= 4:
            raise InputError(f"digit_bits {self.digit_bits} must be between 1 and 4")
        if not 0 <= self.payload_bits <= 64 or self.payload_bits % self.digit_bits:
            raise InputError(
                f"payload_bits {self.payload_bits} must be 0..64 and a multiple of digit_bits "
                f"{self.digit_bits}"
            )
        if not 0.0 < self.gamma * self.values <= 1.0:
            raise InputError(
                f"gamma {self.gamma} times {self.values} digit values must be in (0, 1]"
            )
        if not 0.0 < self.alpha < 1.0:
            raise InputError(f"alpha {self.alpha} must be between 0 and 1")

    @property
    def digits(self) -> int:
        """Number of payload digit positions."""
        return self.payload_bits // self.digit_bits

    @property
    def values(self) -> int:
        """Hypotheses per digit position (1 for a zero-bit watermark)."""
        return 2**self.digit_bits if self.payload_bits else 1

    def subkey(self, key: WatermarkKey) -> bytes:
        """The scheme's PRF key, derived from the watermark key (BLAKE2b keys are <= 64 bytes)."""
        return key.derive(f"text-{self.scheme}-h{self.context_width}")

    def with_(self, **changes: object) -> TextWatermarkParams:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def check_payload(self, payload: int) -> None:
        """Raise InputError unless ``payload`` fits in ``payload_bits``."""
        if not 0 <= payload < 2**self.payload_bits:
            raise InputError(
                f"payload {payload:#x} does not fit in {self.payload_bits} bits"
                if payload >= 0
                else f"payload {payload} must not be negative"
            )

    def to_digits(self, payload: int) -> list[int]:
        """Payload as little-endian base-``2**digit_bits`` digits."""
        self.check_payload(payload)
        mask = 2**self.digit_bits - 1
        return [(payload >> (self.digit_bits * m)) & mask for m in range(self.digits)]

    def from_digits(self, digits: list[int]) -> int:
        """Inverse of :meth:`to_digits`."""
        return sum(int(d) << (self.digit_bits * m) for m, d in enumerate(digits))


def default_params(scheme: str = "kgw") -> TextWatermarkParams:
    """The shipped defaults of a scheme (what ``detect_text`` assumes)."""
    if scheme == "gumbel":
        return TextWatermarkParams(scheme="gumbel", context_width=3, payload_bits=24)
    if scheme == "kgw":
        return TextWatermarkParams(delta=2.5, payload_bits=16)
    raise InputError(f"text watermark scheme {scheme!r} must be one of kgw, gumbel")

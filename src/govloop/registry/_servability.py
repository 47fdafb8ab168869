"""Whether a filing's model may be served now, as a typed record rather than a sentence.

Callers choose on :attr:`Servability.state` (the gateway's refusal codes, the web pages), and show
:attr:`Servability.reason` to people; nobody parses the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from govloop.registry._lifecycle import FilingState


@dataclass(frozen=True)
class Servability:
    """The answer of :meth:`Registry.is_servable <govloop.registry.Registry.is_servable>`."""

    servable: bool
    """True when the gateway may serve the model now."""
    state: FilingState | None
    """The filing's lifecycle state; None when no filing was found (or it could not be read)."""
    reason: str
    """Why, in one English sentence for logs and error messages."""

    @property
    def refusal(self) -> str | None:
        """Why serving is refused, as a code: ``suspended``, ``revoked`` or ``not_approved``.

        None when servable. A missing filing counts as ``not_approved``.
        """
        if self.servable:
            return None
        if self.state in (FilingState.SUSPENDED, FilingState.REVOKED):
            return self.state.value
        return "not_approved"

    @classmethod
    def unknown(cls, reason: str) -> Servability:
        """Not servable because the filing is missing or could not be looked up."""
        return cls(servable=False, state=None, reason=reason)

"""Fixtures for label tests."""

from __future__ import annotations

import pytest
from label_assets import new_signer

from govloop.keys import SigningKey


@pytest.fixture(scope="session")
def signer() -> SigningKey:
    """A throwaway Ed25519 label key."""
    return new_signer()

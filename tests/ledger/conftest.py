"""Markers of the ledger tests."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Register ``go``: the test builds and runs the Go independent checker (required in CI)."""
    config.addinivalue_line(
        "markers", "go: builds Go's sumdb/tlog checker; fails without go if GOVLOOP_REQUIRE_GO=1"
    )

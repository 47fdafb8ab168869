"""govloop.ledger."""

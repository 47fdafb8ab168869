"""govloop.assess."""

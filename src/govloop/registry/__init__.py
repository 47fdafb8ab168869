"""govloop.registry."""

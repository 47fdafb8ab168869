"""govloop.label."""

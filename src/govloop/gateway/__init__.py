"""govloop.gateway."""

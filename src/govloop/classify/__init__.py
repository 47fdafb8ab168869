"""govloop.classify."""

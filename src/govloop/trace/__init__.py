"""govloop.trace."""

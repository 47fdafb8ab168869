"""govloop.watermark."""

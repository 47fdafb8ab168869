"""govloop: closed-loop governance of generative AI.

register → classify → assess → serve (filter, label, watermark, record) → trace → feed back.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]

"""The whole loop on the embedded default: what ``govloop demo`` runs.

:func:`run_demo` drives each stage through the public library APIs (nothing demo-only in the
stages themselves) and reports progress through a :class:`DemoReporter`, which the CLI renders
with Rich and tests collect as data.
"""

from govloop.demo._loop import DemoReporter, DemoSummary, run_demo

__all__ = ["DemoReporter", "DemoSummary", "run_demo"]

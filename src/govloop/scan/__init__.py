"""Bulk scan and trace: labels, signatures, watermarks and ledger entries for many files.

:func:`scan` reads a folder, a list of paths or a Parquet/JSONL manifest and writes one row per
file (JSONL or Parquet) with what was found, resuming from its journal after a crash. Evidence
extraction (:func:`extract_batch`) is pure and runs on an engine's workers (:class:`LocalEngine`,
a process pool; :class:`RayEngine`, a Ray cluster); the ledger lookup (:class:`Lookup`) runs on
the driver in batches, so workers need no database.
"""

from govloop.scan._engines import Engine, LocalEngine, RayEngine, default_workers, make_engine
from govloop.scan._evidence import ERROR_REASONS, WorkerConfig, extract_batch
from govloop.scan._journal import Journal, journal_path
from govloop.scan._lookup import TRACE_FIELDS, Lookup
from govloop.scan._scan import Progress, scan
from govloop.scan._sources import ScanItem, read_source
from govloop.scan._summary import ScanSummary
from govloop.scan._writer import COLUMNS, OutputFormat, normalise, open_writer

__all__ = [
    "COLUMNS",
    "ERROR_REASONS",
    "Engine",
    "Journal",
    "LocalEngine",
    "Lookup",
    "OutputFormat",
    "Progress",
    "RayEngine",
    "ScanItem",
    "ScanSummary",
    "TRACE_FIELDS",
    "WorkerConfig",
    "default_workers",
    "extract_batch",
    "journal_path",
    "make_engine",
    "normalise",
    "open_writer",
    "read_source",
    "scan",
]

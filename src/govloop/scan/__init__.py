"""Bulk scan and trace: labels, signatures, watermarks and ledger entries for many files.

:func:`scan` reads a folder, a list of paths or a Parquet/JSONL manifest and writes one row per
file (JSONL or Parquet) with what was found, resuming from its journal after a crash. Evidence
extraction (:func:`extract_batch`) is pure and runs on an engine's workers (:class:`LocalEngine`,
a process pool; :class:`RayEngine`, a Ray cluster); the ledger lookup (:class:`Lookup`) runs on
the driver in batches, so workers need no database. :func:`file_reports` files a scan's hits
into the complaint workflow, once each.
"""

from govloop.scan._engines import Engine, LocalEngine, RayEngine, default_workers, make_engine
from govloop.scan._evidence import ERROR_REASONS, WorkerConfig, extract_batch
from govloop.scan._journal import Journal, journal_path
from govloop.scan._lookup import TRACE_FIELDS, Lookup
from govloop.scan._reports import (
    HIT_KINDS,
    REPORTER_ROLES,
    ReportSummary,
    check_reporter,
    file_reports,
    hit_kind,
    read_results,
    report_key,
)
from govloop.scan._scan import Progress, scan
from govloop.scan._sources import ScanItem, read_source
from govloop.scan._summary import ScanSummary
from govloop.scan._writer import COLUMNS, OutputFormat, normalise, open_writer

__all__ = [
    "COLUMNS",
    "ERROR_REASONS",
    "Engine",
    "HIT_KINDS",
    "Journal",
    "LocalEngine",
    "Lookup",
    "OutputFormat",
    "Progress",
    "REPORTER_ROLES",
    "RayEngine",
    "ReportSummary",
    "ScanItem",
    "ScanSummary",
    "TRACE_FIELDS",
    "WorkerConfig",
    "check_reporter",
    "default_workers",
    "extract_batch",
    "file_reports",
    "hit_kind",
    "journal_path",
    "make_engine",
    "normalise",
    "open_writer",
    "read_results",
    "read_source",
    "report_key",
    "scan",
]

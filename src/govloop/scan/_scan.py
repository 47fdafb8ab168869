"""``scan``: evidence on workers, lookup on the driver, rows streamed and journalled.

The driver reads the source, drops the items the journal already has, cuts the rest into
batches and hands them to an engine; each batch of evidence that comes back is matched against
the ledger (:class:`Lookup`), written to the output and then to the journal. Progress goes to a
callback so a terminal, a web page or a test can show it (this package prints nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from govloop.errors import InputError
from govloop.ledger import Ledger
from govloop.scan._engines import Engine, LocalEngine, default_workers
from govloop.scan._evidence import WorkerConfig
from govloop.scan._journal import Journal, journal_path
from govloop.scan._lookup import Lookup
from govloop.scan._sources import ScanItem, read_source
from govloop.scan._summary import ScanSummary
from govloop.scan._writer import OutputFormat, open_writer

#: ``progress(done, total)``: items finished (resumed ones included) out of all items.
Progress = Callable[[int, int], None]


def _batches(items: list[ScanItem], size: int) -> Iterator[list[ScanItem]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def scan(
    source: Path,
    output: Path,
    *,
    ledger: Ledger,
    engine: Engine | None = None,
    fmt: OutputFormat = "jsonl",
    batch_size: int = 16,
    fresh: bool = False,
    progress: Progress | None = None,
    limit: int | None = None,
) -> ScanSummary:
    """Scan every item of ``source`` into ``output``; resume from its journal unless ``fresh``.

    ``engine`` defaults to a local process pool sized to the machine. ``limit`` stops after
    that many new items (the journal keeps them; a rerun goes on), which
    is how a scan is done in slices. Returns the counts over all rows of the output.
    """
    if batch_size < 1:
        raise InputError(f"--batch-size must be at least 1, not {batch_size}")
    items = read_source(source)
    jpath = journal_path(output)
    if output.exists() and not jpath.exists() and not fresh:
        raise InputError(
            f"{output}: exists and has no scan journal; rerun with --force to replace it"
        )
    header = {"source": str(source.absolute()), "format": fmt}
    journal = Journal.open(jpath, header, fresh=fresh)
    try:
        wanted = {item.path for item in items}
        done = [row for key, row in journal.rows.items() if key in wanted]
        todo = [item for item in items if item.path not in journal.rows]
        if limit is not None:
            todo = todo[: max(0, limit)]
        summary = ScanSummary(resumed=len(done))
        summary.add(done)
        writer = open_writer(output, fmt)
        try:
            writer.write(done)
            total, finished = len(items), len(done)
            if progress is not None:
                progress(finished, total)
            if todo:
                lookup = Lookup(ledger)
                run = engine or LocalEngine(default_workers())
                for evidence in run.run(
                    _batches(todo, batch_size), WorkerConfig.from_keys(ledger.keys)
                ):
                    rows = lookup.batch(evidence)
                    writer.write(rows)
                    journal.record(rows)
                    summary.add(rows)
                    finished += len(rows)
                    if progress is not None:
                        progress(finished, total)
        finally:
            writer.close()
    finally:
        journal.close()
    return summary

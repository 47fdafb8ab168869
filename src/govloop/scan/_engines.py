"""Engines: where the evidence workers run. A local process pool, or a Ray cluster.

An engine maps :func:`govloop.scan._evidence.extract_batch` over batches and yields the
results in the batches' order, keeping only a bounded number of batches in flight so memory
stays flat however big the scan. Both give the same rows: the work is the same pure function.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal, Protocol

from govloop.errors import InputError, missing_extra
from govloop.scan._evidence import WorkerConfig, extract_batch
from govloop.scan._sources import ScanItem

EngineName = Literal["local", "ray"]
Batch = Sequence[ScanItem]
Rows = list[dict[str, Any]]


def default_workers() -> int:
    """The cores this process may use (its CPU affinity where the OS reports one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every OS
        return max(1, os.cpu_count() or 1)


class Engine(Protocol):
    """Runs evidence extraction over batches, results in order."""

    name: str
    workers: int

    def run(self, batches: Iterable[Batch], config: WorkerConfig) -> Iterator[Rows]:
        """Evidence rows per batch, in the order of ``batches``."""
        ...


class LocalEngine:
    """A process pool on this machine (spawned workers: no state shared with the driver)."""

    name = "local"

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def run(self, batches: Iterable[Batch], config: WorkerConfig) -> Iterator[Rows]:
        """Evidence rows per batch, in order, at most ``2 * workers`` batches in flight."""
        import multiprocessing
        from concurrent.futures import Future, ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=context) as pool:
            pending: deque[Future[Rows]] = deque()
            for batch in batches:
                pending.append(pool.submit(extract_batch, list(batch), config))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()


class RayEngine:
    """Ray tasks: on the cluster at ``address``, or a local Ray started (and stopped) here."""

    name = "ray"

    def __init__(self, workers: int, address: str | None = None) -> None:
        self.workers = workers
        self.address = address

    def run(self, batches: Iterable[Batch], config: WorkerConfig) -> Iterator[Rows]:
        """Evidence rows per batch, in order, at most ``2 * workers`` batches in flight."""
        try:
            import ray
        except ImportError as exc:
            raise missing_extra("ray", "scale") from exc
        started = False
        if not ray.is_initialized():
            if self.address:
                ray.init(address=self.address, log_to_driver=False)
            else:
                ray.init(num_cpus=self.workers, include_dashboard=False, log_to_driver=False)
            started = True
        try:
            task = ray.remote(num_cpus=1)(extract_batch)
            shared = ray.put(config)  # once in the object store, not once per batch
            pending: deque[Any] = deque()
            for batch in batches:
                pending.append(task.remote(list(batch), shared))
                if len(pending) >= 2 * self.workers:
                    yield ray.get(pending.popleft())
            while pending:
                yield ray.get(pending.popleft())
        finally:
            if started:
                ray.shutdown()


def make_engine(name: str, *, workers: int | None = None, address: str | None = None) -> Engine:
    """The engine called ``name`` (``local`` or ``ray``) with ``workers`` (default: the cores)."""
    count = default_workers() if workers is None else workers
    if count < 1:
        raise InputError(f"--workers must be at least 1, not {count}")
    if name == "local":
        if address:
            raise InputError("--address is for --engine ray only")
        return LocalEngine(count)
    if name == "ray":
        return RayEngine(count, address)
    raise InputError(f"unknown engine {name!r}: choose local or ray")

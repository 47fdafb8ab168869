"""``--address``: scan and assess on an existing Ray cluster, and leave it running.

The cluster is a real head node started in a subprocess (``ray.init`` with two CPUs), shared
by the module; the commands run as subprocesses too, as a user runs them, so this process's
own Ray state plays no part. Ray 2.5x clusters require a token: the head and the commands get
the same one through the environment (``RAY_AUTH_MODE=token``, ``RAY_AUTH_TOKEN``), which is
also how a real cluster is joined (docs/scale.md).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.scan.conftest import Corpus, require_scale
from tests.scan.test_reports import InlineEngine

from govloop.ledger import Ledger
from govloop.scan import scan

HEAD = """
import sys, ray
ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _temp_dir=sys.argv[1])
print(ray.get_runtime_context().gcs_address, flush=True)
sys.stdin.read()  # until the test closes stdin
ray.shutdown()
"""


@dataclass
class Head:
    """A running head node: its address, the token to join it, and its process."""

    address: str
    token: dict[str, str]
    process: subprocess.Popen[str]

    def env(self) -> dict[str, str]:
        """The environment of a command joining the cluster (this test's home included)."""
        return dict(os.environ) | self.token


@pytest.fixture(scope="module")
def head() -> Iterator[Head]:
    require_scale("ray")
    token = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
    temp = tempfile.mkdtemp(prefix="glray")  # short: Ray's socket paths have a length limit
    process = subprocess.Popen(
        [sys.executable, "-c", HEAD, temp],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ) | token,
        start_new_session=True,  # its own process group, so teardown can end all of it
    )
    try:
        assert process.stdout is not None
        address = process.stdout.readline().strip()
        assert address, "the head node did not start"
        yield Head(address, token, process)
    finally:
        if process.stdin is not None:
            process.stdin.close()  # the head shuts its cluster down and exits
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
        shutil.rmtree(temp, ignore_errors=True)


def _govloop(head: Head, *args: str) -> subprocess.CompletedProcess[str]:
    code = "from govloop.cli.main import run; run()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=head.env(),
        timeout=300,
        check=False,
    )


def _rows(path: Path) -> dict[str, dict[str, object]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {str(r["path"]): r for r in rows}


def test_scan_on_an_existing_cluster_gives_the_local_rows(
    head: Head, corpus: Corpus, ledger: Ledger, tmp_path: Path
) -> None:
    scan(corpus.folder, tmp_path / "local.jsonl", ledger=ledger, engine=InlineEngine())
    out = tmp_path / "cluster.jsonl"
    args = ["scan", str(corpus.folder), "-o", str(out), "--engine", "ray"]
    done = _govloop(head, *args, "--address", head.address, "--workers", "2", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["scanned"] == 13
    assert _rows(out) == _rows(tmp_path / "local.jsonl")
    assert head.process.poll() is None  # the command left the cluster it joined running


def test_assess_on_an_existing_cluster(head: Head, settings: object) -> None:
    del settings  # the home and database the command uses (through the environment)
    args = ["assess", "run", "demo", "guarded:demo", "--engine", "ray", "--workers", "2"]
    args += ["--limit-generated", "4", "--limit-refuse", "2", "--limit-answer", "2", "--json"]
    done = _govloop(head, *args, "--address", head.address)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert [o["run"]["model"] for o in out] == ["demo", "guarded:demo"]
    assert all(o["run"]["answered"] == 8 and o["run"]["status"] == "finished" for o in out)
    assert head.process.poll() is None

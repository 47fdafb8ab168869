"""A fresh home: private modes, and migrations serialised between processes (#14)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from govloop.store import Store

SRC = str(Path(__file__).resolve().parents[2] / "src")
OPEN = "import sys; from govloop.store import Store; Store.open(sys.argv[1]).close()"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_created_home_is_0700_and_the_database_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        home = tmp_path / "new-home"
        store = Store.open(f"sqlite:///{home / 'govloop.db'}")
        try:
            with store.engine.begin() as conn:  # a write, so the -wal file exists
                conn.exec_driver_sql("CREATE TABLE t_mode_probe (x INTEGER)")
            assert _mode(home) == 0o700
            assert _mode(home / "govloop.db") == 0o600
            for extra in ("govloop.db-wal", "govloop.db-shm", "govloop.db.migrate-lock"):
                if (home / extra).exists():
                    assert _mode(home / extra) == 0o600, extra
        finally:
            store.close()
    finally:
        os.umask(old)


@pytest.mark.parametrize("attempt", range(5))
def test_three_processes_open_a_fresh_home_at_once(tmp_path: Path, attempt: int) -> None:
    url = f"sqlite:///{tmp_path / f'home-{attempt}' / 'govloop.db'}"
    env = {**os.environ, "PYTHONPATH": SRC}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN, url],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    Store.open(url).close()  # the schema is complete and at head

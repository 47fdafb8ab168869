import pytest
from sqlalchemy import inspect, text

from govloop.errors import ConfigError, StoreError
from govloop.store import Store


@pytest.mark.db
def test_store_migrates_and_is_idempotent(store: Store) -> None:
    store.migrate()
    with store.session() as s:
        assert s.execute(text("SELECT 1")).scalar() == 1
    assert "alembic_version" in inspect(store.engine).get_table_names()


@pytest.mark.db
def test_session_rolls_back_on_error(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE scratch (x INTEGER)"))
    with pytest.raises(RuntimeError), store.session() as s:
        s.execute(text("INSERT INTO scratch VALUES (1)"))
        raise RuntimeError("boom")
    with store.session() as s:
        assert s.execute(text("SELECT COUNT(*) FROM scratch")).scalar() == 0


def test_sqlite_uses_wal(tmp_path) -> None:
    s = Store.open(f"sqlite:///{tmp_path / 'x.db'}")
    with s.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    s.close()


def test_bad_urls_give_clear_errors(tmp_path) -> None:
    with pytest.raises(ConfigError, match="not a SQLAlchemy URL"):
        Store.open("not a url")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open database"):
        Store.open(f"sqlite:///{blocker / 'x.db'}")

from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature

from govloop.config import Settings, load_settings
from govloop.errors import ConfigError, KeyStoreError
from govloop.keys import KeyStore, load_public_key, public_raw


def test_defaults_follow_govloop_home(home: Path) -> None:
    s = load_settings()
    assert s.home == home
    assert s.db_url == f"sqlite:///{home / 'govloop.db'}"
    assert s.log_retention_days >= 183


def test_config_file_and_env_priority(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('provider_name = "from file"\nlanguage = "en"\n', encoding="utf-8")
    monkeypatch.setenv("GOVLOOP_LANGUAGE", "zh")
    s = load_settings(cfg)
    assert s.provider_name == "from file"
    assert s.language == "zh"


def test_bad_config_names_file_and_field(home: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("log_retention_days = 30\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c\.toml: setting 'log_retention_days'"):
        load_settings(cfg)
    cfg.write_text("not toml [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(cfg)
    cfg.write_text("colour = 'red'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="colour"):
        load_settings(cfg)


def test_missing_config_file(home: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_key_rotation_keeps_old_keys_verifiable(settings: Settings) -> None:
    ks = KeyStore.open(settings.keys_dir)
    first = ks.active("ledger")
    sig = first.sign(b"checkpoint")
    second = ks.rotate("ledger")
    assert second.key_id != first.key_id
    assert ks.active("ledger").key_id == second.key_id
    pubs = ks.public_keys("ledger")
    assert set(pubs) == {first.key_id, second.key_id}
    pubs[first.key_id].verify(sig, b"checkpoint")
    with pytest.raises(InvalidSignature):
        pubs[second.key_id].verify(sig, b"checkpoint")


def test_key_store_errors(settings: Settings) -> None:
    ks = KeyStore.open(settings.keys_dir)
    with pytest.raises(KeyStoreError, match="no 'ledger' key"):
        ks.active("ledger", create=False)
    with pytest.raises(KeyStoreError, match="invalid key purpose"):
        ks.active("../etc")
    assert ks.secret("pseudonym") == ks.secret("pseudonym")
    assert len(ks.secret("pseudonym")) == 32


def test_load_public_key_formats(settings: Settings) -> None:
    key = KeyStore.open(settings.keys_dir).active("label")
    raw = public_raw(key.public_key)
    assert public_raw(load_public_key(raw.hex().encode())) == raw
    assert public_raw(load_public_key(raw)) == raw
    with pytest.raises(KeyStoreError, match="not a readable"):
        load_public_key(b"garbage", source="pub.txt")


def _first_use(root: str) -> tuple[str, str]:
    ks = KeyStore.open(Path(root))
    return ks.active("ledger").key_id, ks.secret("watermark").hex()


def test_first_use_from_many_processes_agrees(tmp_path: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(4) as pool:
        results = list(pool.map(_first_use, [str(tmp_path / "keys")] * 8))
    assert len(set(results)) == 1
    assert len(KeyStore.open(tmp_path / "keys").all("ledger")) == 1


def test_provider_code_is_validated_in_settings(home: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('provider_code = "001191440300708461136X1XGW3"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="provider_code.*check character"):
        load_settings(cfg)

"""Fuzz every user-facing parser: it returns a value or raises a GovloopError, nothing else.

Each test feeds arbitrary text (and a few hand-made hostile inputs: deep nesting, alias bombs,
4300-digit integers, bad YAML tags) to one parser. A raw ``ValueError``, ``RecursionError`` or
``AttributeError`` escaping a parser reaches the user as ``internal error`` (exit 70): a bug.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govloop.classify import load_regime, parse_condition, parse_expression
from govloop.config import load_settings
from govloop.errors import (
    ConfigError,
    GovloopError,
    InputError,
    RegimeError,
    VerificationError,
)
from govloop.keys import SigningKey, key_id_of
from govloop.ledger import NoteVerifier, load_proof, open_checkpoint, open_note
from govloop.ledger._note import sign_note
from govloop.registry import from_model_card, load_filing, parse_text

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SHIPPED_NIST = Path(__file__).parents[2] / "src" / "govloop" / "classify" / "regimes" / "nist.yaml"

#: Hostile documents every YAML/JSON parser must turn into a clear error.
HOSTILE_YAML = {
    "deep-flow": "a: " + "[" * 5000,
    "deep-block": "".join("  " * i + f"k{i}:\n" for i in range(400)) + "  " * 400 + "x: 1\n",
    "self-alias": "&a [*a]",
    "alias-bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    ),
    "big-int": "a: " + "9" * 5000,
    "bad-int-tag": "a: !!int x",
    "bad-float-tag": "a: !!float x",
    "bad-timestamp-tag": 'a: !!timestamp "x"',
    "bad-date": "a: 2024-13-45",
    "python-tag": 'a: !!python/object/apply:os.system ["true"]',
    "unhashable-key": "? [1, 2]\n: 3\n",
    "two-documents": "---\na: 1\n---\nb: 2\n",
}
HOSTILE_JSON = {
    "deep": "[" * 100_000,
    "big-int": '{"a": ' + "9" * 5000 + "}",
    "truncated": '{"a": [1, 2',
    "nan": '{"a": NaN}',
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


# -- filing documents (registry YAML / JSON loader) --------------------------------------------
@pytest.mark.parametrize("name", sorted(HOSTILE_YAML))
def test_hostile_yaml_filing_is_an_input_error(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(HOSTILE_YAML[name], encoding="utf-8")
    with pytest.raises(InputError, match=f"{name}.yaml"):
        load_filing(path)


@pytest.mark.parametrize("name", sorted(HOSTILE_JSON))
def test_hostile_json_filing_is_an_input_error(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.json"
    path.write_text(HOSTILE_JSON[name], encoding="utf-8")
    with pytest.raises(InputError, match=f"{name}.json"):
        load_filing(path)


@FUZZ
@given(text=st.text(max_size=300))
def test_parse_text_yaml_fuzz(text: str) -> None:
    try:
        parse_text(text, path="f.yaml", fmt="yaml")
    except GovloopError:
        pass


@FUZZ
@given(text=st.text(alphabet='{}[]":,0123456789.eE-+ntrufalse\\ ', max_size=200))
def test_parse_text_json_fuzz(text: str) -> None:
    try:
        parse_text(text, path="f.json", fmt="json")
    except GovloopError:
        pass


@FUZZ
@given(data=st.binary(max_size=300))
def test_load_filing_fuzz_bytes(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "filing.yaml"
    path.write_bytes(data)
    try:
        load_filing(path)
    except GovloopError as exc:
        assert "filing.yaml" in str(exc)


@FUZZ
@given(value=json_values)
def test_load_filing_fuzz_structures(value: object, tmp_path: Path) -> None:
    import json

    path = tmp_path / "filing.json"
    path.write_text(json.dumps(value, allow_nan=True), encoding="utf-8")
    try:
        load_filing(path)
    except GovloopError as exc:
        assert "filing.json" in str(exc)


# -- model cards -------------------------------------------------------------------------------
@FUZZ
@given(body=st.text(max_size=300))
def test_from_model_card_fuzz(body: str) -> None:
    for text in (body, f"---\n{body}\n---\n", f"---\ngovloop:\n  {body}\n---\n"):
        try:
            from_model_card(text, path="card.md")
        except GovloopError:
            pass


@pytest.mark.parametrize("name", sorted(HOSTILE_YAML))
def test_hostile_model_card_is_an_input_error(name: str) -> None:
    text = "---\ngovloop:\n  " + HOSTILE_YAML[name].replace("\n", "\n  ") + "\n---\n"
    with pytest.raises(InputError):
        from_model_card(text, path="card.md")


# -- regimes and conditions --------------------------------------------------------------------
@FUZZ
@given(text=st.text(max_size=120))
def test_parse_expression_fuzz(text: str) -> None:
    try:
        parse_expression(text)
    except RegimeError:
        pass


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("(" * 5000 + "true" + ")" * 5000, "nested"),
        ("not " * 5000 + "true", "nested"),
        ("x > " + "9" * 5000, "number too long"),
    ],
)
def test_hostile_expression_is_a_regime_error(expr: str, message: str) -> None:
    with pytest.raises(RegimeError, match=message):
        parse_expression(expr)


def test_deep_condition_mapping_is_a_regime_error() -> None:
    cond: object = True
    for _ in range(500):
        cond = {"not": cond}
    with pytest.raises(RegimeError, match="nested"):
        parse_condition(cond)


def test_long_flat_expression_still_parses() -> None:
    parse_expression(" and ".join(["true"] * 3000))


@FUZZ
@given(when=st.text(max_size=80))
def test_load_regime_fuzz_condition(when: str, tmp_path: Path) -> None:
    import json

    src = SHIPPED_NIST.read_text(encoding="utf-8").replace("regime: nist", "regime: fuzz", 1)
    path = tmp_path / "fuzz.yaml"
    path.write_text(src.replace("when: true", f"when: {json.dumps(when)}", 1), encoding="utf-8")
    try:
        load_regime(path)
    except RegimeError as exc:
        assert "fuzz.yaml" in str(exc)


@FUZZ
@given(data=st.binary(max_size=300))
def test_load_regime_fuzz_bytes(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "regime.yaml"
    path.write_bytes(data)
    with pytest.raises(RegimeError, match="regime.yaml"):
        load_regime(path)


@pytest.mark.parametrize("name", sorted(HOSTILE_YAML))
def test_hostile_regime_file_is_a_regime_error(name: str, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(HOSTILE_YAML[name], encoding="utf-8")
    with pytest.raises(RegimeError, match="r.yaml"):
        load_regime(path)


# -- ledger proofs and notes -------------------------------------------------------------------
@FUZZ
@given(text=st.text(max_size=300))
def test_load_proof_fuzz_text(text: str) -> None:
    try:
        load_proof(text, source="p.json")
    except InputError as exc:
        assert "p.json" in str(exc)


@FUZZ
@given(value=json_values)
def test_load_proof_fuzz_structures(value: object) -> None:
    import json

    try:
        load_proof(json.dumps(value, allow_nan=True), source="p.json")
    except InputError as exc:
        assert "p.json" in str(exc)


@pytest.mark.parametrize("name", sorted(HOSTILE_JSON))
def test_hostile_proof_is_an_input_error(name: str) -> None:
    with pytest.raises(InputError, match="p.json"):
        load_proof(HOSTILE_JSON[name], source="p.json")


def test_proof_with_invalid_utf8_is_an_input_error() -> None:
    with pytest.raises(InputError, match="p.json"):
        load_proof(b'{"leaf_index": "\xff"}', source="p.json")


def _signer() -> tuple[SigningKey, NoteVerifier]:
    private = Ed25519PrivateKey.generate()
    key = SigningKey(key_id_of(private.public_key()), private)
    return key, NoteVerifier("example.org/log", private.public_key())


@FUZZ
@given(text=st.text(max_size=300))
def test_open_note_fuzz(text: str) -> None:
    _, verifier = _signer()
    with pytest.raises(VerificationError):
        open_note(text, [verifier])


@FUZZ
@given(body=st.text(alphabet=st.characters(exclude_characters="\r"), max_size=200))
def test_open_checkpoint_fuzz_signed_bodies(body: str) -> None:
    """A correctly signed note whose body is garbage is still a clear error."""
    key, verifier = _signer()
    try:
        note = sign_note(body + "\n", "example.org/log", key)
    except GovloopError:
        return
    try:
        open_checkpoint(note, [verifier], source="cp.txt")
    except GovloopError as exc:
        assert "cp.txt" in str(exc) or "checkpoint" in str(exc)


@pytest.mark.parametrize(
    "body",
    ["example.org/log\n" + "9" * 5000 + "\nAAAA\n", "example.org/log\n-1\nAAAA\n", "\n\n\n"],
)
def test_signed_checkpoint_with_hostile_body_is_a_project_error(body: str) -> None:
    key, verifier = _signer()
    note = sign_note(body, "example.org/log", key)
    with pytest.raises(GovloopError):
        open_checkpoint(note, [verifier], source="cp.txt")


@FUZZ
@given(text=st.text(max_size=200))
def test_verifier_key_text_fuzz(text: str) -> None:
    try:
        NoteVerifier.from_text(text)
    except GovloopError:
        pass


# -- TOML settings -----------------------------------------------------------------------------
@FUZZ
@given(text=st.text(max_size=200))
def test_load_settings_fuzz_text(text: str, tmp_path: Path, home: Path) -> None:
    del home
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_settings(path)
    except ConfigError as exc:
        assert "config.toml" in str(exc)


@FUZZ
@given(
    key=st.sampled_from(
        [
            "log_retention_days",
            "checkpoint_interval_s",
            "ledger_sync",
            "database_url",
            "provider_code",
            "home",
            "language",
            "nosuch",
        ]
    ),
    value=st.integers() | st.floats() | st.text(max_size=10) | st.booleans(),
)
def test_load_settings_fuzz_values(key: str, value: object, tmp_path: Path, home: Path) -> None:
    import json

    del home
    path = tmp_path / "config.toml"
    if isinstance(value, float) and value != value:
        literal = "nan"
    elif isinstance(value, float) and value in (float("inf"), float("-inf")):
        literal = "inf" if value > 0 else "-inf"
    elif isinstance(value, bool):
        literal = "true" if value else "false"
    else:
        literal = json.dumps(value)
    path.write_text(f"{key} = {literal}\n", encoding="utf-8")
    try:
        load_settings(path)
    except ConfigError as exc:
        assert "config.toml" in str(exc)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("log_retention_days = 99999999999999\n", "log_retention_days"),
        ("checkpoint_interval_s = inf\n", "checkpoint_interval_s"),
        ("checkpoint_interval_s = nan\n", "checkpoint_interval_s"),
        ("log_retention_days = " + "9" * 5000 + "\n", "not valid TOML"),
        ("a = " + "[" * 5000 + "\n", "not valid TOML"),
    ],
)
def test_settings_reject_values_that_break_later(
    text: str, message: str, tmp_path: Path, home: Path
) -> None:
    del home
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


def test_config_file_that_is_a_directory_is_a_config_error(tmp_path: Path, home: Path) -> None:
    del home
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path)


@pytest.mark.parametrize("data", [b"\xff\xfe", "a = '中文'".encode("gbk"), "x".encode("utf-16")])
def test_config_file_in_wrong_encoding_is_a_config_error(
    data: bytes, tmp_path: Path, home: Path
) -> None:
    del home
    path = tmp_path / "config.toml"
    path.write_bytes(data)
    with pytest.raises(ConfigError, match="config.toml"):
        load_settings(path)


def test_unknown_user_home_is_a_config_error(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    del home
    monkeypatch.setenv("GOVLOOP_HOME", "~no-such-user-govloop/x")
    with pytest.raises(ConfigError, match="home"):
        load_settings()


def test_empty_environment_values_count_as_unset(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``GOVLOOP_X=`` must not put the database in the current folder or drop config values."""
    config = tmp_path / "config.toml"
    config.write_text(f'home = "{home}"\nprovider_name = "云语"\n', encoding="utf-8")
    monkeypatch.setenv("GOVLOOP_HOME", "")
    monkeypatch.setenv("GOVLOOP_PROVIDER_NAME", "")
    monkeypatch.setenv("GOVLOOP_DATABASE_URL", "")
    settings = load_settings(config)
    assert settings.home == home
    assert settings.provider_name == "云语"
    assert settings.db_url == f"sqlite:///{home / 'govloop.db'}"

from govloop.cli.main import build_app


def test_config_error_is_one_line_and_exit_1(cli, tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("log_retention_days = 1\n", encoding="utf-8")
    result = cli.invoke(build_app(), ["--config", str(bad), "keys", "list", "ledger"])
    assert result.exit_code == 1
    assert "error:" in result.output
    assert "log_retention_days" in result.output
    assert "Traceback" not in result.output


def test_verbose_shows_cause(cli, tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("log_retention_days = 1\n", encoding="utf-8")
    result = cli.invoke(build_app(), ["--verbose", "--config", str(bad), "keys", "list", "ledger"])
    assert result.exit_code == 1
    assert "ValidationError" in result.output


def test_keys_rotate_and_list(cli) -> None:
    app = build_app()
    assert cli.invoke(app, ["keys", "rotate", "ledger"]).exit_code == 0
    assert cli.invoke(app, ["keys", "rotate", "ledger"]).exit_code == 0
    result = cli.invoke(app, ["keys", "list", "ledger", "--json"])
    assert result.exit_code == 0
    assert result.output.count('"key_id"') == 2
    pem = cli.invoke(app, ["keys", "export", "ledger"])
    assert "BEGIN PUBLIC KEY" in pem.output


def test_long_error_stays_on_one_line(cli, tmp_path) -> None:
    bad = tmp_path / ("a-config-file-with-a-rather-long-name-" * 3 + ".toml")
    bad.write_text("log_retention_days = 1\n", encoding="utf-8")
    result = cli.invoke(build_app(), ["--config", str(bad), "keys", "list", "ledger"])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith("error:")


def test_keys_export_does_not_create_a_key(cli) -> None:
    app = build_app()
    result = cli.invoke(app, ["keys", "export", "ledger"])
    assert result.exit_code == 1
    assert "no 'ledger' key" in result.output
    assert cli.invoke(app, ["keys", "list", "ledger", "--json"]).output.strip() == "[]"


def test_reinstating_an_unknown_requester_is_an_error(cli) -> None:
    result = cli.invoke(build_app(), ["gateway", "reinstate", "nobody"])
    assert result.exit_code == 1
    assert "nothing to reinstate" in result.output

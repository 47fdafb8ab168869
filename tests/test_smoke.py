from govloop.cli.main import build_app


def test_help_lists_groups(cli) -> None:
    result = cli.invoke(build_app(), ["--help"])
    assert result.exit_code == 0
    assert "govloop" in result.output

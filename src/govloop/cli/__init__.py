"""The Typer command-line interface; one module per command group."""

#: The CLI is reached through its entry point (``govloop.cli.main:run``), not by import.
__all__: list[str] = []

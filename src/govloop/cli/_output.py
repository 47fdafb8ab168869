"""The ``--force`` option every file-writing command takes, and the rule it switches.

The rule itself lives in :mod:`govloop._files` (``check_output`` / ``write_output``) so the
library functions the commands call (``label_file``) obey it too; this module only gives the
commands one spelling of the option.
"""

from __future__ import annotations

from typing import Annotated

import typer

from govloop._files import check_output, write_output

ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="Replace an existing output file (refused otherwise)."),
]

__all__ = ["ForceOpt", "check_output", "write_output"]

"""The one name the CLI takes from typer's vendored click: the ``Context`` type.

typer >= 0.29 vendors click as ``typer._click`` and hands the root group's ``invoke`` that
package's ``Context``; typer exports no public name for it (``typer.Context`` is a subclass that
callbacks are annotated with, not what ``invoke`` receives). Keeping the private import here, and
only here, means a typer upgrade that moves it breaks one line. Errors need no private name:
click's exceptions derive from the public ``typer.TyperException``.
"""

from typer._click.core import Context as ClickContext

__all__ = ["ClickContext"]

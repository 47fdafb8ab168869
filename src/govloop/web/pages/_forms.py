"""Reading page forms: text fields and an optional uploaded file, as the API reads them.

Pages share :func:`govloop.web._uploads.read_submission` with the API, so an upload gets
the same size and type checks whichever door it comes through. Errors a person can fix come
back as :class:`FormError` with a message in the page's language, and the page is shown again
with the message and the person's input (nothing stored).
"""

from __future__ import annotations

from starlette.requests import Request

from govloop.web._problems import ProblemError
from govloop.web._uploads import Submitted, read_submission


class FormError(Exception):
    """A form the person must correct: the message is shown on the page."""

    def __init__(self, message: str, *, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


async def read_form(request: Request, *, file_field: str = "file") -> Submitted:
    """The form's fields and file; a refused upload (type) becomes a :class:`FormError`."""
    try:
        return await read_submission(request, file_field=file_field)
    except ProblemError as exc:
        raise FormError(exc.detail, status=exc.status) from exc


def field(sub: Submitted, name: str, *, max_chars: int = 100_000) -> str | None:
    """A stripped text field, None when empty; too long is a :class:`FormError`."""
    try:
        return sub.text(name, max_chars=max_chars)
    except ProblemError as exc:
        raise FormError(exc.detail) from exc

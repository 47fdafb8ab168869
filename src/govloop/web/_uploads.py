"""Reading content a caller sends: a multipart file, a pasted text field, or a JSON body.

The body's size was bounded before it was read (:mod:`govloop.web._limits`); here the declared
type of the body and of the file are checked (415), and the content comes back as bytes with a
file name that tells the label and trace readers its format. Nothing is written to disk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from govloop.web._limits import is_json, upload_type
from govloop.web._problems import ProblemError


@dataclass
class Submitted:
    """What a form or JSON body carried."""

    fields: dict[str, str] = field(default_factory=dict)
    """Plain text fields."""
    data: bytes | None = None
    """The uploaded file's bytes (or None)."""
    filename: str = ""
    """The uploaded file's name."""
    media_type: str = ""
    """The uploaded file's accepted media type."""

    def text(self, name: str, *, max_chars: int = 100_000) -> str | None:
        """A text field, stripped; None when absent or empty; 422 when too long."""
        value = self.fields.get(name)
        if value is None or not value.strip():
            return None
        if len(value) > max_chars:
            raise ProblemError(422, f"field {name!r} has more than {max_chars} characters")
        return value.strip()


async def read_submission(request: Request, *, file_field: str = "file") -> Submitted:
    """Parse a multipart or urlencoded form, or a JSON object of string fields."""
    ctype = request.headers.get("content-type", "")
    out = Submitted()
    if ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        try:
            await _collect(form, file_field, out)
        finally:
            await form.close()
        return out
    if is_json(ctype):
        try:
            body: Any = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError) as exc:
            raise ProblemError(
                400, "the request body is not JSON", code="malformed_json", title="Malformed JSON"
            ) from exc
        if not isinstance(body, dict):
            raise ProblemError(422, "the JSON body must be an object")
        for key, value in body.items():
            if value is None:
                continue
            if not isinstance(value, str):
                raise ProblemError(422, f"field {key!r} must be a string")
            out.fields[key] = value
        return out
    raise ProblemError(
        415,
        f"send multipart/form-data, application/x-www-form-urlencoded or application/json, "
        f"not {ctype or 'no type'}",
    )


async def _collect(form: FormData, file_field: str, out: Submitted) -> None:
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key != file_field:
                raise ProblemError(422, f"unexpected file field {key!r}; send it as {file_field!r}")
            data = await value.read()
            if not data:
                continue
            name = value.filename or "upload"
            out.media_type = upload_type(value.content_type, name)
            out.data, out.filename = data, name
        else:
            out.fields[key] = value

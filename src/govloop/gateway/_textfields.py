r"""Every text-bearing field of a request, for the input filter.

A term is as harmful in a message's ``name``, a tool's description or a tool call's arguments
as in its ``content``, so the input filter screens all of them, whichever route the request
came by. Each request schema lists its own text fields (``text_fields()``); this module walks
nested JSON (tool definitions, ``response_format`` schemas) and the JSON strings that tool calls
carry as ``arguments``, whose ``\u6cd5`` escapes would otherwise hide a term.

Not screened: identifiers (``tool_call_id``, ``user``), ``stop`` strings, ``metadata`` (echoed
back to the sender, never given to a model) and binary parts (images, audio, file data).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

FIELD_SEPARATOR = "\n"
"""Between fields in the screened text (the matcher ignores it, so a term split over two
neighbouring fields is still seen)."""


class TextBearing(Protocol):
    """A request that can list its text fields."""

    def text_fields(self) -> Iterable[tuple[str, str]]:
        """``(field path, text)`` for every text-bearing field, in request order."""
        ...


def strings_in(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in nested JSON data (object keys too), with its path; iterative."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            entries = list(item.items())
            for key, sub in reversed(entries):
                stack.append((f"{where}.{key}", sub))
            for key, _ in entries:
                if isinstance(key, str):
                    yield f"{where}.{key}", key
        elif isinstance(item, list | tuple):
            stack.extend((f"{where}[{i}]", sub) for i, sub in reversed(list(enumerate(item))))


def json_string(text: str, path: str) -> Iterator[tuple[str, str]]:
    """A JSON-encoded string field (tool call ``arguments``): as sent, then its decoded strings."""
    yield path, text
    if "\\" not in text:  # nothing encoded: the raw text is all there is to see
        return
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError):
        return
    yield from strings_in(decoded, path)


def tool_call_fields(calls: Any, path: str) -> Iterator[tuple[str, str]]:
    """Names and arguments of ``tool_calls`` (a list) or a legacy ``function_call`` (a dict)."""
    items = calls if isinstance(calls, list) else [calls]
    for i, call in enumerate(items):
        if not isinstance(call, dict):
            continue
        where = f"{path}[{i}]" if isinstance(calls, list) else path
        fn = call.get("function", call)
        if not isinstance(fn, dict):
            continue
        if isinstance(fn.get("name"), str):
            yield f"{where}.function.name", fn["name"]
        args = fn.get("arguments")
        if isinstance(args, str):
            yield from json_string(args, f"{where}.function.arguments")
        elif args is not None:
            yield from strings_in(args, f"{where}.function.arguments")


def part_fields(parts: list[dict[str, Any]], path: str) -> Iterator[tuple[str, str]]:
    """The text of content parts: ``text`` and ``refusal``, and a file part's ``filename``."""
    for j, part in enumerate(parts):
        for key in ("text", "refusal"):
            if isinstance(part.get(key), str):
                yield f"{path}[{j}].{key}", part[key]
        file = part.get("file")
        if isinstance(file, dict) and isinstance(file.get("filename"), str):
            yield f"{path}[{j}].file.filename", file["filename"]


def screened_text(body: TextBearing) -> str:
    """What the input filter screens: every text field of ``body``, one after the other."""
    return FIELD_SEPARATOR.join(text for _, text in body.text_fields() if text)

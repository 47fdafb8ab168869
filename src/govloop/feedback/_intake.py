"""Validating what a complainant submits, before anything is stored or traced."""

from __future__ import annotations

import re
import secrets

from govloop.errors import InputError
from govloop.feedback._categories import check_category
from govloop.feedback._models import ComplaintIn
from govloop.languages import CODES

MAX_DESCRIPTION_CHARS = 5000
"""Longest description accepted."""
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
"""Largest evidence upload kept (bound it before reading the request body, too)."""
MAX_EVIDENCE_TEXT_CHARS = 100_000
"""Longest pasted evidence text."""
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
_FILENAME = re.compile(r"^[^/\\\x00-\x1f]{1,200}$")
_REPORT_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_receipt() -> str:
    """A receipt number: ``GL-`` + 10 Crockford characters (50 random bits)."""
    return "GL-" + "".join(secrets.choice(_CROCKFORD) for _ in range(10))


def normalize_receipt(text: str) -> str:
    """A typed receipt in canonical form (case, spaces, Crockford's O/I/L confusions)."""
    value = (text or "").strip().upper().replace(" ", "")
    value = value.removeprefix("GL-").removeprefix("GL")
    value = value.replace("-", "").translate(str.maketrans("OIL", "011"))
    return "GL-" + value


def validate_complaint(c: ComplaintIn) -> ComplaintIn:
    """Return a cleaned copy of ``c``; :class:`InputError` names the first bad field."""
    if not isinstance(c.category, str):
        raise InputError("field 'category': must be a string")
    category = check_category(c.category.strip())
    if not isinstance(c.description, str):
        raise InputError("field 'description': must be a string")
    description = c.description.replace("\x00", "").strip()
    if not description:
        raise InputError("field 'description': must not be empty")
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise InputError(
            f"field 'description': has {len(description)} characters, at most "
            f"{MAX_DESCRIPTION_CHARS}"
        )
    text = c.evidence_text
    if text is not None:
        if not isinstance(text, str):
            raise InputError("field 'evidence_text': must be a string")
        if len(text) > MAX_EVIDENCE_TEXT_CHARS:
            raise InputError(
                f"field 'evidence_text': has {len(text)} characters, at most "
                f"{MAX_EVIDENCE_TEXT_CHARS}"
            )
        text = text if text.strip() else None
    data = c.evidence_bytes
    if data is not None:
        if not isinstance(data, bytes | bytearray):
            raise InputError("field 'evidence_bytes': must be bytes")
        if len(data) > MAX_EVIDENCE_BYTES:
            raise InputError(
                f"field 'evidence_bytes': {len(data)} bytes, at most {MAX_EVIDENCE_BYTES}"
            )
        data = bytes(data) or None
    if data is not None and text is not None:
        raise InputError("field 'evidence_text': give either a file or pasted text, not both")
    filename = (c.evidence_filename or "").strip() or None
    if filename is not None and not _FILENAME.match(filename):
        raise InputError(f"field 'evidence_filename': {filename[:60]!r} is not a plain file name")
    url = (c.evidence_url or "").strip() or None
    if url is not None and (len(url) > 2048 or not _URL.match(url)):
        raise InputError(f"field 'evidence_url': {url[:60]!r} is not an http(s) URL")
    contact = (c.contact or "").strip() or None
    if contact is not None and (len(contact) > 200 or any(ord(ch) < 32 for ch in contact)):
        raise InputError("field 'contact': at most 200 printable characters")
    filing = (c.filing_id or "").strip() or None
    if filing is not None and (len(filing) > 128 or not filing.isprintable()):
        raise InputError(f"field 'filing_id': {filing[:60]!r} is not a filing id")
    lang = (c.lang or "zh").strip().lower()
    if lang not in CODES:
        raise InputError(f"field 'lang': {c.lang!r} must be one of {', '.join(CODES)}")
    reporter = (c.reporter or "").strip() or None
    if reporter is not None and (len(reporter) > 200 or not reporter.isprintable()):
        raise InputError("field 'reporter': at most 200 printable characters")
    key = (c.report_key or "").strip() or None
    if key is not None and not _REPORT_KEY.match(key):
        raise InputError(
            f"field 'report_key': {key[:70]!r} is not 16 to 64 characters [A-Za-z0-9_-]"
        )
    return ComplaintIn(
        category=category,
        description=description,
        evidence_text=text,
        evidence_bytes=data,
        evidence_filename=filename,
        evidence_url=url,
        contact=contact,
        filing_id=filing,
        lang=lang,
        reporter=reporter,
        report_key=key,
    )

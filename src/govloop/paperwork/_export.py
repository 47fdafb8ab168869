"""One call from a form and facts to the bytes of the output file, by its suffix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govloop.errors import InputError
from govloop.paperwork._fill import fill_form, form_applies
from govloop.paperwork._models import FilledForm
from govloop.paperwork._package import build_package
from govloop.paperwork._render import render
from govloop.paperwork._spec import FormSpec


def export_form(
    spec: FormSpec,
    facts: Mapping[str, Any],
    suffix: str,
    *,
    forms: Mapping[str, FormSpec] | None = None,
    files: Mapping[str, bytes] | None = None,
) -> tuple[FilledForm, bytes]:
    """Fill ``spec`` and render it for an output ending in ``suffix`` (.docx, .json, .pdf, .zip).

    ``.pdf`` is the DOCX converted by LibreOffice (``govloop.paperwork._pdf``).

    A form whose ``applies_if`` is false for this filing is refused with its ``applies_note``
    (an Art. 6(3) assessment for a filing that claims no derogation, GPAI documents for a
    system that is not a GPAI model), so nobody files paperwork the law does not ask for.
    """
    if not form_applies(spec, facts):
        note = f": {spec.applies_note}" if spec.applies_note else ""
        raise InputError(f"--form {spec.form}: does not apply to this filing{note}")
    if spec.attachments:
        if suffix != ".zip":
            raise InputError(f"--form {spec.form} is a package: the output must end in .zip")
        return build_package(spec, facts, forms=forms or {}, files=files or {})
    if suffix == ".zip":
        raise InputError(f"--form {spec.form} is one document: use .docx or .json, not .zip")
    filled = fill_form(spec, facts)
    if suffix == ".pdf":
        from govloop.paperwork._pdf import docx_to_pdf

        return filled, docx_to_pdf({"form": render(filled, ".docx")})["form"]
    return filled, render(filled, suffix)

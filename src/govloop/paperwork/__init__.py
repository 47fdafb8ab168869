"""Paperwork: one filing exported as each regime's forms (CAC, EU AI Act, NIST AI 600-1).

Forms are YAML field lists (shipped in ``forms/``, or a regime's ``forms:``, or a file), each
field naming the fact it is filled from and the clause that asks for it. Typical use::

    from govloop.paperwork import available_forms, export_form, gather_facts, pick_form

    facts = gather_facts(filing, report=report)
    filled, data = export_form(pick_form("cac-form", available_forms()), facts, ".docx")
    filled.gaps  # the completeness report: blank, weak and by-hand fields with their clauses
"""

from govloop.paperwork._diff import FieldChange, document_at, form_changes
from govloop.paperwork._export import export_form
from govloop.paperwork._facts import gather_facts, package_facts
from govloop.paperwork._fill import fill_form, form_applies, resolve
from govloop.paperwork._models import AttachmentOut, FilledField, FilledForm, Gap
from govloop.paperwork._pdf import docx_to_pdf, soffice_path
from govloop.paperwork._render import export_schema, render_docx, render_json, validate_export
from govloop.paperwork._spec import (
    AttachmentSpec,
    FieldSpec,
    FormSpec,
    available_forms,
    load_form_file,
    parse_form,
    pick_form,
    shipped_forms,
    source_paths,
)

__all__ = [
    "AttachmentOut",
    "AttachmentSpec",
    "FieldChange",
    "FieldSpec",
    "FilledField",
    "FilledForm",
    "FormSpec",
    "Gap",
    "available_forms",
    "document_at",
    "docx_to_pdf",
    "export_form",
    "export_schema",
    "fill_form",
    "form_applies",
    "form_changes",
    "gather_facts",
    "load_form_file",
    "package_facts",
    "parse_form",
    "pick_form",
    "render_docx",
    "render_json",
    "resolve",
    "shipped_forms",
    "soffice_path",
    "source_paths",
    "validate_export",
]

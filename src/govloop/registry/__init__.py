"""The model registry: filings, their lifecycle, assessments, filing numbers and audit trail.

Typical use::

    from govloop.classify import filing_classifier
    from govloop.registry import Registry, load_filing

    registry = Registry(store, classifier=filing_classifier())
    filing = registry.register(load_filing(path), actor="alice")
    registry.transition(filing.id, "submitted", actor="alice", reason="ready for review")
"""

from govloop.registry._card import from_model_card, load_filing, to_json, to_model_card
from govloop.registry._examples import example_filings
from govloop.registry._lifecycle import TRANSITIONS, FilingState, allowed_from, check_transition
from govloop.registry._loader import (
    SourceDocument,
    dump_yaml,
    parse_text,
    read_document,
    validate_document,
)
from govloop.registry._models import (
    AssessmentRecord,
    AuditEvent,
    Filing,
    document_diff,
    filing_warnings,
)
from govloop.registry._registry import Classifier, Registry, as_filing_create
from govloop.registry._schema import (
    Contact,
    EUAnswers,
    FilingCreate,
    ModelVersion,
    Provider,
    TrainingData,
    TrainingSource,
)
from govloop.registry._search import search_filings
from govloop.registry._servability import Servability

__all__ = [
    "AssessmentRecord",
    "AuditEvent",
    "Classifier",
    "Contact",
    "EUAnswers",
    "Filing",
    "FilingCreate",
    "FilingState",
    "ModelVersion",
    "Provider",
    "Registry",
    "Servability",
    "SourceDocument",
    "TRANSITIONS",
    "TrainingData",
    "TrainingSource",
    "allowed_from",
    "as_filing_create",
    "check_transition",
    "document_diff",
    "dump_yaml",
    "example_filings",
    "filing_warnings",
    "from_model_card",
    "load_filing",
    "parse_text",
    "read_document",
    "search_filings",
    "to_json",
    "to_model_card",
    "validate_document",
]

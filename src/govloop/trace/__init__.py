"""Tracing content back to the ledger: evidence sources, fingerprints and provenance reports."""

from govloop.ledger import image_fingerprint, record_output, text_fingerprint
from govloop.trace._report import Candidate, EvidenceItem, ProvenanceReport, SourceRun
from govloop.trace._sources import (
    DigestSource,
    Evidence,
    EvidenceSource,
    FingerprintSource,
    MetadataSource,
    SourceUnavailable,
    Subject,
    WatermarkSource,
    default_sources,
    register_source,
)
from govloop.trace._trace import trace

__all__ = [
    "Candidate",
    "DigestSource",
    "Evidence",
    "EvidenceItem",
    "EvidenceSource",
    "FingerprintSource",
    "MetadataSource",
    "ProvenanceReport",
    "SourceRun",
    "SourceUnavailable",
    "Subject",
    "WatermarkSource",
    "default_sources",
    "image_fingerprint",
    "record_output",
    "register_source",
    "text_fingerprint",
    "trace",
]

"""The generation ledger: an RFC 9162 Merkle log of outputs with signed C2SP checkpoints.

``from govloop.ledger import Ledger``; the proof functions (:func:`verify_inclusion`,
:func:`verify_consistency`, :func:`verify_inclusion_proof`, ...) need no database.
"""

from govloop.ledger._entry import (
    AppendResult,
    LedgerEntry,
    LedgerRecord,
    MediaType,
    canonical_json,
    pseudonymize,
    utc_now_iso,
)
from govloop.ledger._fingerprint import image_fingerprint, text_fingerprint
from govloop.ledger._ledger import KEY_PURPOSE, Ledger
from govloop.ledger._merkle import (
    EMPTY_ROOT,
    MemoryTree,
    consistency_path,
    inclusion_path,
    leaf_hash,
    node_hash,
    root_of_leaves,
    verify_consistency,
    verify_inclusion,
)
from govloop.ledger._monitor import (
    CheckpointSource,
    LedgerSource,
    Outcome,
    load_state,
    monitor_once,
)
from govloop.ledger._note import CheckpointBody, NoteVerifier, open_note, sign_note
from govloop.ledger._proofs import (
    ConsistencyProof,
    InclusionProof,
    SignedCheckpoint,
    load_proof,
    load_verifiers,
    open_checkpoint,
    verify_consistency_proof,
    verify_inclusion_proof,
)
from govloop.ledger._readonly import open_readonly
from govloop.ledger._record import content_fingerprint, record_output
from govloop.ledger._schedule import CheckpointTimer, checkpoint_if_due, checkpoint_loop
from govloop.ledger._verify import KeptCheckpoint, VerifyReport, verify_against, verify_ledger

__all__ = [
    "EMPTY_ROOT",
    "KEY_PURPOSE",
    "AppendResult",
    "CheckpointBody",
    "CheckpointTimer",
    "CheckpointSource",
    "ConsistencyProof",
    "InclusionProof",
    "KeptCheckpoint",
    "Ledger",
    "LedgerEntry",
    "LedgerRecord",
    "LedgerSource",
    "MediaType",
    "MemoryTree",
    "NoteVerifier",
    "Outcome",
    "SignedCheckpoint",
    "VerifyReport",
    "canonical_json",
    "checkpoint_if_due",
    "checkpoint_loop",
    "consistency_path",
    "content_fingerprint",
    "image_fingerprint",
    "inclusion_path",
    "leaf_hash",
    "load_proof",
    "load_state",
    "load_verifiers",
    "monitor_once",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "open_readonly",
    "pseudonymize",
    "record_output",
    "root_of_leaves",
    "sign_note",
    "text_fingerprint",
    "utc_now_iso",
    "verify_against",
    "verify_consistency",
    "verify_consistency_proof",
    "verify_inclusion",
    "verify_inclusion_proof",
    "verify_ledger",
]

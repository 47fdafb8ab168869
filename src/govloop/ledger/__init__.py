"""The generation ledger: an RFC 9162 Merkle log of outputs with signed C2SP checkpoints.

``from govloop.ledger import Ledger``; the proof functions (:func:`verify_inclusion`,
:func:`verify_consistency`, :func:`verify_inclusion_proof`, ...) need no database.
"""

from govloop.ledger._cosign import (
    Cosignature,
    CosignVerifier,
    cosign,
    cosign_key_id,
    cosigned_message,
    verify_cosignatures,
)
from govloop.ledger._entry import (
    AppendResult,
    LedgerEntry,
    LedgerRecord,
    MediaType,
    canonical_json,
    pseudonymize,
    utc_now_iso,
)
from govloop.ledger._fingerprint import image_fingerprint, text_fingerprint, text_fingerprints
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
from govloop.ledger._note import (
    SIG_PREFIX,
    CheckpointBody,
    NoteVerifier,
    check_key_name,
    note_from_file,
    open_note,
    sign_note,
    split_note,
)
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
from govloop.ledger._tiles import parse_tile_path
from govloop.ledger._tiles_client import TileClient, prove_from_tiles
from govloop.ledger._tiles_dir import DirTiles, TileSource
from govloop.ledger._tiles_source import TilesSource, is_tiles_location
from govloop.ledger._tiles_store import LedgerTiles, export_tiles
from govloop.ledger._verify import KeptCheckpoint, VerifyReport, verify_against, verify_ledger

__all__ = [
    "AppendResult",
    "CheckpointBody",
    "CheckpointSource",
    "CheckpointTimer",
    "ConsistencyProof",
    "CosignVerifier",
    "Cosignature",
    "DirTiles",
    "EMPTY_ROOT",
    "InclusionProof",
    "KEY_PURPOSE",
    "KeptCheckpoint",
    "Ledger",
    "LedgerEntry",
    "LedgerRecord",
    "LedgerSource",
    "LedgerTiles",
    "MediaType",
    "MemoryTree",
    "NoteVerifier",
    "Outcome",
    "SIG_PREFIX",
    "SignedCheckpoint",
    "TileClient",
    "TileSource",
    "TilesSource",
    "VerifyReport",
    "canonical_json",
    "check_key_name",
    "checkpoint_if_due",
    "checkpoint_loop",
    "consistency_path",
    "content_fingerprint",
    "cosign",
    "cosign_key_id",
    "cosigned_message",
    "export_tiles",
    "image_fingerprint",
    "inclusion_path",
    "is_tiles_location",
    "leaf_hash",
    "load_proof",
    "load_state",
    "load_verifiers",
    "monitor_once",
    "node_hash",
    "note_from_file",
    "open_checkpoint",
    "open_note",
    "open_readonly",
    "parse_tile_path",
    "prove_from_tiles",
    "pseudonymize",
    "record_output",
    "root_of_leaves",
    "sign_note",
    "split_note",
    "text_fingerprint",
    "text_fingerprints",
    "utc_now_iso",
    "verify_against",
    "verify_consistency",
    "verify_consistency_proof",
    "verify_cosignatures",
    "verify_inclusion",
    "verify_inclusion_proof",
    "verify_ledger",
]

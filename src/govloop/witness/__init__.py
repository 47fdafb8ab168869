"""Witnesses for the ledger: C2SP tlog-witness and tlog-cosignature, as a library.

- :class:`Witness` is the witness itself: the logs it watches, ``add_checkpoint`` with every check
  the spec asks for, and Ed25519 ``cosignature/v1`` signing;
- :func:`submit_checkpoint` is the log's side: push the newest checkpoint to a witness and keep
  the cosignatures it returns (:func:`cosigned_note` shows them on the checkpoint);
- :class:`WitnessPolicy` and :func:`check_quorum` let a verifier require N cosignatures.

No HTTP server here; ``govloop.witness_http`` is the web face.
"""

from govloop.ledger import (
    Cosignature,
    CosignVerifier,
    cosign,
    cosign_key_id,
    cosigned_message,
    verify_cosignatures,
)
from govloop.witness._client import (
    Post,
    Submission,
    WitnessRefused,
    http_post,
    submit_checkpoint,
)
from govloop.witness._cosigs import (
    cosigned_note,
    merge_signatures,
    note_body,
    store_cosignatures,
    stored_cosignatures,
)
from govloop.witness._policy import PolicyWitness, WitnessPolicy, check_quorum, load_policy
from govloop.witness._request import (
    MAX_BODY_BYTES,
    MAX_PROOF_LINES,
    AddCheckpoint,
    format_add_checkpoint,
    parse_add_checkpoint,
)
from govloop.witness._witness import KEY_PURPOSE, LogState, SizeConflict, Witness

__all__ = [
    "AddCheckpoint",
    "CosignVerifier",
    "Cosignature",
    "KEY_PURPOSE",
    "LogState",
    "MAX_BODY_BYTES",
    "MAX_PROOF_LINES",
    "PolicyWitness",
    "Post",
    "SizeConflict",
    "Submission",
    "Witness",
    "WitnessPolicy",
    "WitnessRefused",
    "check_quorum",
    "cosign",
    "cosign_key_id",
    "cosigned_message",
    "cosigned_note",
    "format_add_checkpoint",
    "http_post",
    "load_policy",
    "merge_signatures",
    "note_body",
    "parse_add_checkpoint",
    "store_cosignatures",
    "stored_cosignatures",
    "submit_checkpoint",
    "verify_cosignatures",
]

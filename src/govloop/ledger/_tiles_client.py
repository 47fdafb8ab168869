"""A tlog-tiles client: proofs built from a log's published tiles alone, with no database.

Anyone holding the log's public key can point this at a tile server (``https://...``) or at a
mirrored directory and get inclusion and consistency proofs they need not take on trust: the
checkpoint signature is checked first, the tiles are then checked to give the signed root, and
the proofs are verified against that root (RFC 9162). Every download is bounded by the largest
size the thing fetched can validly have.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from govloop.errors import InputError, NotFoundError, VerificationError
from govloop.ledger import _merkle as mk
from govloop.ledger._note import CheckpointBody, NoteVerifier
from govloop.ledger._note import _split_note as split_note
from govloop.ledger._proofs import ConsistencyProof, InclusionProof, open_checkpoint
from govloop.ledger._tiles import TILE_WIDTH, Tile, TileTree, encode_bundle, parse_bundle
from govloop.ledger._tiles_dir import CHECKPOINT_NAME, MAX_CHECKPOINT_BYTES, DirTiles

DEFAULT_TIMEOUT_S = 10.0
"""Per-request timeout of HTTP fetches."""


class TileClient:
    """Reads a tlog-tiles log from a base URL (``http(s)://``) or a local directory."""

    def __init__(
        self, location: str, *, http: httpx.Client | None = None, timeout: float = DEFAULT_TIMEOUT_S
    ) -> None:
        self.location = location
        self._remote = location.startswith(("http://", "https://"))
        self._base = location.rstrip("/") + "/"
        self._dir = None if self._remote else Path(location.removeprefix("file://"))
        self._http = http
        self._timeout = timeout

    def __enter__(self) -> TileClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connection pool, if this client made one."""
        if self._http is not None:
            self._http.close()
            self._http = None

    def get(self, path: str, limit: int) -> bytes:
        """The bytes at a layout ``path``, at most ``limit`` of them.

        :class:`NotFoundError` when absent, :class:`VerificationError` when larger than
        ``limit``, :class:`InputError` when the server cannot be reached.
        """
        if self._dir is not None:
            files = DirTiles(self._dir)
            if path == CHECKPOINT_NAME:
                text = files.checkpoint_text()
                data = None if text is None else text.encode()
            else:
                data = files.read_path(path)
            if data is None:
                raise NotFoundError(f"{self._dir / path} does not exist")
            return data
        if self._http is None:
            self._http = httpx.Client(timeout=self._timeout, follow_redirects=False)
        url = self._base + path
        try:
            with self._http.stream("GET", url) as resp:
                if resp.status_code == 404:
                    raise NotFoundError(f"{url}: 404 Not Found")
                if resp.status_code != 200:
                    raise VerificationError(f"{url}: HTTP status {resp.status_code}")
                announced = resp.headers.get("content-length")
                if announced is not None and announced.isdigit() and int(announced) > limit:
                    raise VerificationError(f"{url}: {announced} bytes, more than {limit}")
                chunks: list[bytes] = []
                total = 0
                for chunk in resp.iter_bytes():  # decoded (gzip bundles), bounded
                    total += len(chunk)
                    if total > limit:
                        raise VerificationError(f"{url}: more than {limit} bytes")
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.HTTPError as exc:
            raise InputError(f"{url}: cannot fetch: {exc}") from exc

    def fetch_tile(self, tile: Tile) -> bytes:
        """One tile's bytes (bounded by the largest valid tile of its width).

        A log may delete a partial tile once the full tile exists (c2sp.org/tlog-tiles), so a
        missing partial is read as the prefix of the full tile at the same index.
        """
        try:
            return self.get(tile.path, tile.max_bytes)
        except NotFoundError:
            if tile.full:
                raise
        full = Tile(tile.level, tile.index)
        data = self.get(full.path, full.max_bytes)
        if tile.is_bundle:
            return encode_bundle(parse_bundle(data, TILE_WIDTH)[: tile.width])
        return data[: tile.width * mk.HASH_SIZE]

    def checkpoint_note(self) -> str:
        """The ``checkpoint`` note text, unverified."""
        data = self.get(CHECKPOINT_NAME, MAX_CHECKPOINT_BYTES)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise VerificationError(f"{self._base}{CHECKPOINT_NAME}: not UTF-8 text") from exc

    def verified_tree(
        self, verifiers: list[NoteVerifier] | None
    ) -> tuple[str, CheckpointBody, TileTree]:
        """The checkpoint and its tree, whose tiles give the checkpoint's root.

        With ``verifiers`` the signature is checked; ``None`` skips that (the proofs are then
        only as good as the channel the checkpoint came over).
        """
        note = self.checkpoint_note()
        body = _open(note, verifiers, f"{self.location} checkpoint")
        tree = TileTree(self.fetch_tile, body.tree_size)
        tree.check_root(body.root_hash)
        return note, body, tree


def _open(note: str, verifiers: list[NoteVerifier] | None, source: str) -> CheckpointBody:
    """A checkpoint's body, its signature checked unless ``verifiers`` is None."""
    if verifiers is not None:
        return open_checkpoint(note, verifiers, source=source)
    try:
        body, _ = split_note(note)
        return CheckpointBody.from_text(body)
    except VerificationError as exc:
        raise VerificationError(f"{source}: {exc}") from exc


@dataclass
class TileProofs:
    """What :func:`prove_from_tiles` built and checked."""

    location: str
    """Where the tiles came from."""
    checkpoint: str
    """The signed checkpoint note the proofs are against."""
    body: CheckpointBody
    """Its parsed body."""
    inclusion: InclusionProof | None = None
    """Inclusion proof of the asked entry, when one was asked for."""
    entry: bytes | None = None
    """That entry's leaf bytes from its bundle (hash checked)."""
    consistency: ConsistencyProof | None = None
    """Consistency proof from the older size, when one was asked for."""
    old_root: bytes | None = None
    """Root hash of the older size (from the old checkpoint when given, else the tiles)."""
    signature_checked: bool = True
    """Whether the checkpoint signatures were verified (False: no key was given)."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready report (proofs in the documented proof shapes)."""
        out: dict[str, Any] = {
            "location": self.location,
            "origin": self.body.origin,
            "tree_size": self.body.tree_size,
            "root_hash": self.body.root_hash.hex(),
            "checkpoint": self.checkpoint,
            "signature_checked": self.signature_checked,
        }
        if self.inclusion is not None:
            out["inclusion"] = self.inclusion.to_json()
        if self.entry is not None:
            out["entry"] = self.entry.decode("utf-8", "replace")
        if self.consistency is not None:
            out["consistency"] = self.consistency.to_json()
        if self.old_root is not None:
            out["old_root_hash"] = self.old_root.hex()
        return out


def prove_from_tiles(
    client: TileClient,
    verifiers: list[NoteVerifier] | None,
    *,
    index: int | None = None,
    old_size: int | None = None,
    old_checkpoint: str | None = None,
) -> TileProofs:
    """Fetch the checkpoint and build + verify proofs from tiles; :class:`VerificationError` if bad.

    ``index``: inclusion of that entry in the checkpoint's tree (and its bundle leaf checked
    against the leaf hash). ``old_checkpoint`` (a note kept from earlier, signature checked):
    the current tree must extend it; ``old_size`` alone proves consistency with the root the
    tiles give for that size, which is only as good as the current checkpoint. ``verifiers``
    None: no signature is checked (say so to whoever reads the result).
    """
    note, body, tree = client.verified_tree(verifiers)
    out = TileProofs(client.location, note, body, signature_checked=verifiers is not None)
    if index is not None:
        if not 0 <= index < body.tree_size:
            raise VerificationError(
                f"entry {index} is not in {body.origin} at size {body.tree_size}"
            )
        path = tree.inclusion_path(index)
        leaf = tree.leaf_hash(index)
        mk.verify_inclusion(leaf, index, body.tree_size, path, body.root_hash)
        out.entry = tree.leaf(index)
        out.inclusion = InclusionProof(
            leaf_index=index,
            tree_size=body.tree_size,
            leaf_hash=leaf.hex(),
            inclusion_path=[h.hex() for h in path],
        )
    if old_checkpoint is not None:
        old = _open(old_checkpoint, verifiers, "old checkpoint")
        if old.origin != body.origin:
            raise VerificationError(
                f"old checkpoint is from log {old.origin!r}, the tiles from {body.origin!r}"
            )
        if old_size is not None and old_size != old.tree_size:
            raise InputError(
                f"--old-size {old_size} differs from the old checkpoint's size {old.tree_size}"
            )
        old_size, out.old_root = old.tree_size, old.root_hash
    if old_size is not None:
        if old_size > body.tree_size:
            raise VerificationError(
                f"the log shrank: size {body.tree_size} now, {old_size} before (rollback)"
            )
        if old_size < 1:
            raise InputError(f"old size {old_size} must be at least 1")
        if out.old_root is None:
            out.old_root = tree.root(old_size)
        cpath = [] if old_size == body.tree_size else tree.consistency_path(old_size)
        mk.verify_consistency(old_size, body.tree_size, cpath, out.old_root, body.root_hash)
        out.consistency = ConsistencyProof(
            old_size=old_size,
            new_size=body.tree_size,
            consistency_path=[h.hex() for h in cpath],
        )
    return out

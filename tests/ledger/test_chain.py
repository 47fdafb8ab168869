"""The checkpoint chain line and the monitor's state file: parsers of outside input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govloop.errors import InputError, VerificationError
from govloop.ledger import CheckpointBody, load_state
from govloop.ledger._chain import CHAIN_PREFIX, NO_PREVIOUS, chain_link, chain_problems, next_link
from govloop.ledger._monitor import save_state

ORIGIN = "example.org/log"


def chained(n: int) -> list[CheckpointBody]:
    """``n`` checkpoints as the ledger issues them, sizes 1..n."""
    out: list[CheckpointBody] = []
    for size in range(1, n + 1):
        link = next_link(out[-1] if out else None, lambda: len(out))
        out.append(CheckpointBody(ORIGIN, size, bytes([size]) * 32, (link.to_line(),)))
    return out


def test_an_unbroken_chain_passes_and_numbers_from_one() -> None:
    bodies = chained(4)
    assert chain_problems(bodies) == []
    assert [chain_link(b).number for b in bodies] == [1, 2, 3, 4]  # type: ignore[union-attr]
    assert bodies[0].extensions == (f"{CHAIN_PREFIX} 1 {'A' * 43}=",)


def test_a_deleted_row_is_named_by_its_number() -> None:
    bodies = chained(5)
    assert chain_problems(bodies[:1] + bodies[3:]) == [
        "checkpoint numbers 2..3 missing before checkpoint number 4 (size 4): "
        "checkpoint rows deleted?"
    ]
    (gap,) = chain_problems(bodies[1:])
    assert "number 1 missing" in gap


def test_a_replaced_row_breaks_the_link() -> None:
    bodies = chained(3)
    forged = CheckpointBody(ORIGIN, 2, bytes(32) + b"", bodies[1].extensions)
    (broken,) = chain_problems([bodies[0], forged, bodies[2]])
    assert "checkpoint number 3" in broken and "does not link" in broken


def test_old_checkpoints_without_chain_come_first() -> None:
    old = [CheckpointBody(ORIGIN, s, bytes([s]) * 32) for s in (1, 2)]
    link = next_link(old[-1], lambda: 2)
    new = CheckpointBody(ORIGIN, 3, bytes(32), (link.to_line(),))
    assert link.number == 3 and chain_problems([*old, new]) == []
    (inserted,) = chain_problems([*old, new, CheckpointBody(ORIGIN, 4, bytes(32))])
    assert "size 4 after checkpoint number 3 has no chain line" in inserted


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="\n"), min_size=1, max_size=80))
def test_chain_line_parser_takes_any_extension(line: str) -> None:
    body = CheckpointBody(ORIGIN, 7, bytes(32), (f"{CHAIN_PREFIX} {line}",))
    try:
        link = chain_link(body)
    except VerificationError as exc:
        assert "size 7" in str(exc)
        return
    assert link is not None and len(link.previous) == 32
    assert (link.number == 1) == (link.previous == NO_PREVIOUS)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=10), c, max_size=3),
    max_leaves=10,
).map(lambda d: json.dumps({"version": 1, "logs": d}).encode())))  # fmt: skip
def test_state_file_parser_gives_input_errors_only(tmp_path_factory: pytest.TempPathFactory,
                                                   data: bytes) -> None:  # fmt: skip
    path = tmp_path_factory.mktemp("state") / "state.json"
    path.write_bytes(data)
    try:
        logs = load_state(path)
    except InputError as exc:
        assert str(path) in str(exc)
        return
    assert isinstance(logs, dict)


def test_state_round_trips_and_a_missing_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "m" / "state.json"
    assert load_state(path) == {}
    from govloop.ledger._monitor import Kept

    kept = Kept(origin=ORIGIN, tree_size=3, root_hash="00" * 32, checkpoint="x\n",
                verified_at="2026-01-01T00:00:00Z")  # fmt: skip
    save_state(path, {"log 日志": kept})
    assert load_state(path) == {"log 日志": kept}
    assert [p.name for p in path.parent.iterdir()] == ["state.json"]  # no temp file left

"""The condition language of regime files: parsed and evaluated here, never ``eval()``-ed.

A condition is either a string expression or a YAML mapping ``{all: [...]}``, ``{any: [...]}``,
``{not: ...}`` whose items are conditions again. The string grammar::

    expr       := or
    or         := and ('or' and)*
    and        := unary ('and' unary)*
    unary      := 'not' unary | 'exists' PATH | '(' expr ')' | comparison
    comparison := operand [op operand]         (a lone operand tests truthiness)
    op         := == | != | < | <= | > | >= | in | not in | contains | has_any | has_all
    operand    := PATH | literal | '[' literal (',' literal)* ']'
    literal    := NUMBER | 'string' | "string" | true | false | null
    PATH       := name ('.' name)*

Semantics: an absent or null value fails every comparison except ``!=``; ``<`` and friends
compare numbers only; ``x in list`` is membership (substring for strings); ``list contains x``
is the reverse; ``has_any`` / ``has_all`` compare two lists. ``exists p`` is true when ``p`` is
present, not null and not empty.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from govloop.errors import RegimeError

Value = Any

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?![A-Za-z_])
    | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {
    "and",
    "or",
    "not",
    "in",
    "contains",
    "has_any",
    "has_all",
    "exists",
    "true",
    "false",
    "null",
}
_WORD_OPS = ("in", "contains", "has_any", "has_all")
_SYMBOL_OPS = ("==", "!=", "<", "<=", ">", ">=")


class ExprError(RegimeError):
    """A condition that does not parse; ``column`` is 1-based within the expression."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Path:
    """A dotted attribute path."""

    parts: tuple[str, ...]

    def __str__(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Literal:
    """A literal value: number, string, boolean, null or a list of those."""

    value: Value


@dataclass(frozen=True)
class Compare:
    """``left op right``."""

    op: str
    left: Path | Literal
    right: Path | Literal


@dataclass(frozen=True)
class Truthy:
    """A lone operand: true when its value is truthy."""

    operand: Path | Literal


@dataclass(frozen=True)
class Exists:
    """``exists path``."""

    path: Path


@dataclass(frozen=True)
class Not:
    """Negation."""

    item: Node


@dataclass(frozen=True)
class All:
    """Conjunction (true when empty)."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    """Disjunction (false when empty)."""

    items: tuple[Node, ...]


Node = Compare | Truthy | Exists | Not | All | Any_


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    col: int


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            col = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
            raise ExprError(f"unexpected character {text[col - 1]!r}", col)
        kind = m.lastgroup or ""
        tok = m.group(kind)
        col = m.start(kind) + 1
        if kind == "name" and tok in _KEYWORDS:
            kind = "kw"
        out.append(_Tok(kind, tok, col))
        pos = m.end()
    return out


def _unquote(raw: str) -> str:
    return re.sub(r"\\(.)", r"\1", raw[1:-1])


#: Deepest nesting of ``not`` and parentheses (and all/any/not mappings) a condition may have.
MAX_DEPTH = 100


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0
        self.depth = 0

    def peek(self, ahead: int = 0) -> _Tok | None:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else None

    def is_(self, text: str, ahead: int = 0) -> bool:
        tok = self.peek(ahead)
        return tok is not None and tok.text == text and tok.kind in ("kw", "op")

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise ExprError("expression ends too early", len(self.text) + 1)
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            raise ExprError(f"expected {text!r}, found {tok.text!r}", tok.col)

    def parse(self) -> Node:
        if not self.toks:
            raise ExprError("empty condition", 1)
        node = self.or_()
        tok = self.peek()
        if tok is not None:
            raise ExprError(f"unexpected {tok.text!r}", tok.col)
        return node

    def or_(self) -> Node:
        items = [self.and_()]
        while self.is_("or"):
            self.take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else Any_(tuple(items))

    def and_(self) -> Node:
        items = [self.unary()]
        while self.is_("and"):
            self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else All(tuple(items))

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and self.is_(tok.text) and tok.text in ("not", "("):
            if self.depth >= MAX_DEPTH:
                raise ExprError(f"nested more than {MAX_DEPTH} levels deep", tok.col)
            self.depth += 1
            try:
                return self._nested()
            finally:
                self.depth -= 1
        return self._simple()

    def _nested(self) -> Node:
        if self.is_("not"):
            self.take()
            return Not(self.unary())
        self.take()
        node = self.or_()
        self.expect(")")
        return node

    def _simple(self) -> Node:
        if self.is_("exists"):
            self.take()
            tok = self.take()
            if tok.kind != "name":
                raise ExprError(f"'exists' needs an attribute path, found {tok.text!r}", tok.col)
            return Exists(Path(tuple(tok.text.split("."))))
        left = self.operand()
        op = self.operator()
        if op is None:
            return Truthy(left)
        return Compare(op, left, self.operand())

    def operator(self) -> str | None:
        tok = self.peek()
        if tok is None:
            return None
        if tok.kind == "op" and tok.text in _SYMBOL_OPS:
            self.take()
            return tok.text
        if tok.kind == "kw" and tok.text in _WORD_OPS:
            self.take()
            return tok.text
        if tok.text == "not" and self.is_("in", 1):
            self.i += 2
            return "not in"
        return None

    def operand(self) -> Path | Literal:
        tok = self.take()
        if tok.kind == "name":
            return Path(tuple(tok.text.split(".")))
        if tok.text == "[":
            items: list[Value] = []
            if self.is_("]"):
                self.take()
                return Literal(items)
            while True:
                item = self.take()
                items.append(self.literal(item))
                sep = self.take()
                if sep.text == "]":
                    return Literal(items)
                if sep.text != ",":
                    raise ExprError(f"expected ',' or ']' in a list, found {sep.text!r}", sep.col)
        return Literal(self.literal(tok))

    def literal(self, tok: _Tok) -> Value:
        if tok.kind == "num":
            number = float(tok.text)
            is_int = re.fullmatch(r"[-+]?\d+", tok.text) is not None
            try:
                return int(tok.text) if is_int else number
            except ValueError as exc:  # over Python's 4300-digit limit
                raise ExprError(f"number too long ({len(tok.text)} characters)", tok.col) from exc
        if tok.kind == "str":
            return _unquote(tok.text)
        if tok.kind == "kw" and tok.text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[tok.text]
        raise ExprError(f"expected a value, found {tok.text!r}", tok.col)


def parse_expression(text: str) -> Node:
    """Parse one string condition; :class:`ExprError` carries the column of the problem."""
    return _Parser(text).parse()


def parse_condition(raw: object, _depth: int = 0) -> Node:
    """Parse a condition as it appears in YAML: a string, a boolean, or all/any/not mappings."""
    if _depth > MAX_DEPTH:
        raise ExprError(f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(raw, bool):
        return All(()) if raw else Any_(())
    if isinstance(raw, str):
        return parse_expression(raw)
    if isinstance(raw, Mapping):
        if len(raw) != 1:
            raise ExprError("a condition mapping must have exactly one key: all, any or not")
        ((key, value),) = raw.items()
        if key == "not":
            return Not(parse_condition(value, _depth + 1))
        if key in ("all", "any"):
            if not isinstance(value, list):
                raise ExprError(f"'{key}' needs a list of conditions")
            items = tuple(parse_condition(v, _depth + 1) for v in value)
            return All(items) if key == "all" else Any_(items)
        raise ExprError(f"unknown condition key {key!r}; use all, any or not")
    raise ExprError(
        f"a condition must be a string or an all/any/not mapping, not {type(raw).__name__}"
    )


def walk(node: Node) -> Iterator[Node]:
    """Every node of a condition tree, depth first."""
    yield node
    if isinstance(node, Not):
        yield from walk(node.item)
    elif isinstance(node, (All, Any_)):
        for item in node.items:
            yield from walk(item)


def resolve(context: Mapping[str, Any], path: Path) -> Value:
    """The value at ``path`` in ``context`` (``None`` when absent)."""
    value: Any = context
    for part in path.parts:
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _num(value: Value) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and not (isinstance(value, float) and math.isnan(value))
    )


def _compare(op: str, left: Value, right: Value) -> bool:
    if op == "!=":
        return bool(left != right)
    if left is None or right is None:
        return op == "==" and left is right
    if op == "==":
        return bool(left == right)
    if op in ("<", "<=", ">", ">="):
        if not (_num(left) and _num(right)):
            return False
        return bool(
            {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]
        )
    if op in ("in", "not in"):
        if isinstance(right, list):
            found = left in right
        elif isinstance(right, str) and isinstance(left, str):
            found = left in right
        else:
            return False
        return found if op == "in" else not found
    if op == "contains":
        return _compare("in", right, left)
    if op in ("has_any", "has_all"):
        if not isinstance(left, list):
            return False
        wanted = right if isinstance(right, list) else [right]
        hits = [w in left for w in wanted]
        return any(hits) if op == "has_any" else all(hits)
    raise ExprError(f"unknown operator {op!r}")


def _value(context: Mapping[str, Any], operand: Path | Literal) -> Value:
    return resolve(context, operand) if isinstance(operand, Path) else operand.value


def evaluate(node: Node, context: Mapping[str, Any]) -> bool:
    """Evaluate a parsed condition against ``context`` (nested mappings)."""
    if isinstance(node, All):
        return all(evaluate(i, context) for i in node.items)
    if isinstance(node, Any_):
        return any(evaluate(i, context) for i in node.items)
    if isinstance(node, Not):
        return not evaluate(node.item, context)
    if isinstance(node, Exists):
        value = resolve(context, node.path)
        return value is not None and value != [] and value != "" and value != {}
    if isinstance(node, Truthy):
        return bool(_value(context, node.operand))
    return _compare(node.op, _value(context, node.left), _value(context, node.right))

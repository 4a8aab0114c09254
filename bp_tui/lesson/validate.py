"""Check a YAML :class:`~bp_tui.lesson.source.Node` tree against a :mod:`spec`.

:func:`check` returns the tree as plain Python values, with defaults filled in, and
records a problem for every value that does not match. A value that does not match
becomes :data:`INVALID`, so later rules can skip what depends on it instead of piling
nonsense on top of the first problem.
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Any

from bp_tui.lesson.errors import FieldPath, Problems, clip, field_name
from bp_tui.lesson.source import LIST, MAPPING, SCALAR, Node
from bp_tui.lesson.spec import (
    Choice,
    Either,
    Integer,
    ListOf,
    Mapping,
    Number,
    Spec,
    Tagged,
    Text,
)


class _Invalid:
    """The value of something that did not match its spec (its problem is recorded)."""

    def __repr__(self) -> str:
        return "INVALID"


#: Stands in for a value that did not match; compare with ``is``.
INVALID: Any = _Invalid()


class Record(dict[str, Any]):
    """A checked mapping: its values by key, defaults included.

    ``given`` are the keys written in the file; ``complete`` is False when a required
    key is missing (so the record lacks it).
    """

    def __init__(self) -> None:
        super().__init__()
        self.given: set[str] = set()
        self.complete = True


def ok(value: Any) -> bool:
    """True when ``value`` and everything inside it matched its spec."""
    if value is INVALID:
        return False
    if isinstance(value, list):
        return all(ok(v) for v in value)
    if isinstance(value, dict):
        return getattr(value, "complete", True) and all(ok(v) for v in value.values())
    return True


def describe(node: Node) -> str:
    """What a node is, as the "got …" part of a message says it."""
    if node.kind == LIST:
        n = len(node.value)
        return "an empty list" if n == 0 else f"a list of {n:,} item{'s' * (n != 1)}"
    if node.kind == MAPPING:
        if not node.value:
            return "an empty mapping"
        keys = [k.text for k, _ in node.value if k.kind == SCALAR]
        more = ", …" if len(keys) > 3 else ""
        return f"a mapping (with {', '.join(keys[:3])}{more})"
    if node.type == "null":
        if node.text in ("", "~"):
            return "nothing"
        return "null" if node.text.lower() == "null" else f"{node.text}, which YAML reads as null"
    if node.type == "bool":
        word = "true" if node.value else "false"
        if node.text.lower() == word:
            return f"the boolean {node.text}"
        return f"{node.text}, which YAML reads as the boolean {word}"
    if node.type in ("int", "float"):
        return node.text
    return f"the text {clip(node.value)}"


def mismatch(what: str, spec: Spec | str, node: Node | str, hint: str = "") -> str:
    """The message "what (expected …, got …); hint"."""
    expected = spec if isinstance(spec, str) else spec.expected()
    got = node if isinstance(node, str) else describe(node)
    return f"{what} (expected {expected}, got {got})" + (f"; {hint}" if hint else "")


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """The choice closest to ``word`` (ignoring case first), or ``None``."""
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def check(spec: Spec, node: Node, where: FieldPath, problems: Problems) -> Any:
    """``node`` as plain values if it matches ``spec``; else :data:`INVALID`, problems added."""
    if not node.ok:  # its tag was not allowed; that problem is already recorded
        return INVALID
    checker = _CHECKERS[type(spec)]
    return checker(spec, node, where, problems)


def _add(problems: Problems, where: FieldPath, node: Node, message: str) -> Any:
    problems.add(field_name(where), message, node.line, node.column)
    return INVALID


def _quote_hint(node: Node) -> str:
    if node.kind == SCALAR and node.type == "str" and node.quoted:
        try:
            float(node.value)
        except ValueError:
            return ""
        return "remove the quotes to make it a number"
    return ""


def _check_number(spec: Number, node: Node, where: FieldPath, problems: Problems) -> Any:
    if node.kind != SCALAR or node.type not in ("int", "float"):
        return _add(problems, where, node, mismatch("not a number", spec, node, _quote_hint(node)))
    try:
        value = float(node.value)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        return _add(problems, where, node, mismatch("not a finite number", spec, node))
    if spec.above is not None and value <= spec.above:
        return _add(problems, where, node, mismatch("too small", spec, node))
    return value


def _check_integer(spec: Integer, node: Node, where: FieldPath, problems: Problems) -> Any:
    if node.kind != SCALAR or node.type != "int":
        hint = _quote_hint(node)
        if node.kind == SCALAR and node.type == "float" and float(node.value).is_integer():
            hint = f"write it without the decimal point: {int(node.value)}"
        return _add(problems, where, node, mismatch("not a whole number", spec, node, hint))
    value: int = node.value
    if value < spec.minimum:
        return _add(problems, where, node, mismatch("too small", spec, node))
    if spec.maximum is not None and value > spec.maximum:
        return _add(problems, where, node, mismatch("too large", spec, node))
    return value


def _check_text(spec: Text, node: Node, where: FieldPath, problems: Problems) -> Any:
    if node.kind != SCALAR or node.type != "str":
        hint = f"put it in quotes: '{node.text}'" if node.kind == SCALAR and node.text else ""
        return _add(problems, where, node, mismatch("not text", spec, node, hint))
    value: str = node.value
    if spec.nonblank and not value.strip():
        return _add(problems, where, node, mismatch("empty", spec, node))
    if spec.pattern is not None and not _full_match(spec.pattern, value):
        return _add(problems, where, node, mismatch(f"not a valid {spec.noun}", spec, node))
    return value


def _full_match(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value) is not None


def _check_choice(spec: Choice, node: Node, where: FieldPath, problems: Problems) -> Any:
    if node.kind != SCALAR or node.type != "str":
        return _add(problems, where, node, mismatch("not a name", spec, node))
    if node.value not in spec.values:
        close = suggest(node.value, spec.values)
        hint = f"did you mean '{close}'?" if close else ""
        return _add(problems, where, node, mismatch("unknown name", spec, node, hint))
    return node.value


def _check_list(spec: ListOf, node: Node, where: FieldPath, problems: Problems) -> Any:
    if node.kind != LIST:
        return _add(problems, where, node, mismatch("not a list", spec, node))
    n = len(node.value)
    if n < spec.min_items:
        return _add(problems, where, node, mismatch("too short", spec, f"{n:,}"))
    if spec.max_items is not None and n > spec.max_items:
        return _add(problems, where, node, mismatch("too long", spec, f"{n:,}"))
    values = [check(spec.item, child, (*where, i), problems) for i, child in enumerate(node.value)]
    if spec.unique:
        first: dict[Any, int] = {}
        for i, value in enumerate(values):
            if value is INVALID:
                continue
            if value in first:
                child = node.value[i]
                message = mismatch(
                    "repeated",
                    f"{spec.noun} that are all different",
                    f"{describe(child)} again, as at {field_name((*where, first[value]))}",
                )
                values[i] = _add(problems, (*where, i), child, message)
            else:
                first[value] = i
    return values


def _check_mapping(spec: Mapping, node: Node, where: FieldPath, problems: Problems) -> Any:
    if node.kind != MAPPING:
        return _add(problems, where, node, mismatch("not a mapping", spec, node))
    record = Record()
    allowed = [k.name for k in spec.keys]
    seen: dict[str, Node] = {}
    suggested: set[str] = set()  # keys a misspelt key was taken for: not also "missing"
    # A key that could not be read (a merge key '<<', a refused tag) may have stood for
    # any key, so no key is reported missing beside it: one mistake, one message.
    unread = any(not key_node.ok for key_node, _ in node.value)
    for key_node, value_node in node.value:
        if not key_node.ok:
            continue
        if key_node.kind != SCALAR or key_node.type != "str":
            got = describe(key_node)
            _add(problems, where, key_node, mismatch("a key that is not text", "a key name", got))
            continue
        name: str = key_node.value
        if name in seen:
            message = mismatch(
                f"duplicate key '{name}'",
                "each key once",
                f"it on line {seen[name].line} and again on line {key_node.line}",
                "remove one of them",
            )
            _add(problems, (*where, name), key_node, message)
            continue
        seen[name] = key_node
        if name not in allowed:
            close = suggest(name, allowed)
            if close:
                suggested.add(close)
                message = f"unknown key '{name}' (did you mean '{close}'?)"
            else:
                message = f"unknown key '{name}' (expected one of: {', '.join(allowed)})"
            _add(problems, (*where, name), key_node, message)
            continue
        record[name] = check(spec.key(name).spec, value_node, (*where, name), problems)
        record.given.add(name)
    for key in spec.keys:
        if key.name in record.given:
            continue
        if not key.required:
            if key.default is not None:
                record[key.name] = key.default
            continue
        record.complete = False
        if key.name not in suggested and not unread:
            example = f"; add a line such as {key.name}: {key.example}" if key.example else ""
            message = f"missing (expected {key.spec.expected()}){example}"
            _add(problems, (*where, key.name), node, message)
    _check_exactly_one(spec, record, node, seen, where, problems, unread)
    _check_at_most_one(spec, record, seen, where, problems)
    _check_requires(spec, record, seen, where, problems)
    return record


def _check_exactly_one(
    spec: Mapping,
    record: Record,
    node: Node,
    seen: dict[str, Node],
    where: FieldPath,
    problems: Problems,
    unread: bool = False,
) -> None:
    for group in spec.exactly_one:
        given = [name for name in group if name in record.given]
        names = " or ".join(group)
        if not given and unread:
            record.complete = False
        elif not given:
            docs = "; ".join(f"{k}: {spec.key(k).spec.expected()}" for k in group)
            example = spec.key(group[-1]).example
            hint = f"add e.g. {group[-1]}: {example}" if example else ""
            neither = " nor ".join(group)
            message = mismatch(f"neither {neither} is given", f"one of them: {docs}", "none", hint)
            _add(problems, where, node, message)
        elif len(given) > 1:
            message = mismatch(
                f"both {' and '.join(given)} are given",
                f"only one of {names}",
                "both",
                f"remove {given[-1]} or {given[0]}",
            )
            _add(problems, (*where, given[-1]), seen[given[-1]], message)
            for name in given:
                record[name] = INVALID


def _check_at_most_one(
    spec: Mapping, record: Record, seen: dict[str, Node], where: FieldPath, problems: Problems
) -> None:
    for group in spec.at_most_one:
        given = [name for name in group if name in record.given]
        if len(given) < 2:
            continue
        message = mismatch(
            f"both {' and '.join(given)} are given",
            f"at most one of {' or '.join(group)}",
            "both" if len(given) == 2 else f"{len(given)} of them",
            f"remove {given[-1]} or {given[0]}",
        )
        _add(problems, (*where, given[-1]), seen[given[-1]], message)
        for name in given:
            record[name] = INVALID


def _check_requires(
    spec: Mapping, record: Record, seen: dict[str, Node], where: FieldPath, problems: Problems
) -> None:
    for rule in spec.requires:
        if rule.key not in record.given or record.get(rule.other) is INVALID:
            continue
        other = record.get(rule.other)
        if other in rule.values:
            continue
        default = "" if rule.other in record.given else ", the default"
        wanted = " or ".join(f"{rule.other}: {v}" for v in rule.values)
        message = mismatch(
            f"only used with {wanted}",
            f"{wanted} beside {rule.key}",
            f"{rule.other}: {other}{default}",
            f"set {rule.other}: {rule.values[-1]}, or remove {rule.key}",
        )
        _add(problems, (*where, rule.key), seen[rule.key], message)
        record[rule.key] = INVALID


def _check_tagged(spec: Tagged, node: Node, where: FieldPath, problems: Problems) -> Any:
    if node.kind != MAPPING:
        return _add(problems, where, node, mismatch("not a mapping", spec, node))
    tag_node = next(
        (v for k, v in node.value if k.kind == SCALAR and k.type == "str" and k.value == spec.tag),
        None,
    )
    names = spec.names()
    if tag_node is None:
        message = mismatch("missing", Choice(names), "nothing", f"add {spec.tag}: {names[0]}")
        return _add(problems, (*where, spec.tag), node, message)
    name = check(Choice(names), tag_node, (*where, spec.tag), problems)
    if name is INVALID:
        return INVALID
    return check(spec.variant(name), node, where, problems)


def _check_either(spec: Either, node: Node, where: FieldPath, problems: Problems) -> Any:
    option = spec.option(node.kind)
    if option is None:
        return _add(problems, where, node, mismatch("wrong type", spec, node))
    return check(option, node, where, problems)


_CHECKERS: dict[type, Any] = {
    Number: _check_number,
    Integer: _check_integer,
    Text: _check_text,
    Choice: _check_choice,
    ListOf: _check_list,
    Mapping: _check_mapping,
    Tagged: _check_tagged,
    Either: _check_either,
}

"""A small declarative language for the fields of a lesson file.

One description (``bp_tui.lesson.schema.LESSON``) says which keys exist, their types,
ranges, defaults and documentation. Two things are derived from it, so they cannot
drift apart:

- :func:`json_schema` turns it into JSON Schema (draft 2020-12) for editors;
- :mod:`bp_tui.lesson.validate` checks a YAML tree against it, with messages.

Only what a JSON Schema can say lives here. Rules that compare a value with another
part of the file (matrix shapes against ``layers``, ``low < high``) are in
:mod:`bp_tui.lesson.rules`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from itertools import combinations
from typing import Any


class Spec(ABC):
    """What one value of a lesson must be."""

    #: The YAML node kind the value must have: "scalar", "list" or "mapping".
    kind: str = "scalar"

    @abstractmethod
    def expected(self) -> str:
        """What is expected, as the "(expected …)" part of a message says it."""

    @abstractmethod
    def json(self) -> dict[str, Any]:
        """This spec as JSON Schema."""


def _n(value: int | float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


@dataclass(frozen=True)
class Text(Spec):
    """A string; ``nonblank`` forbids one of only spaces; ``pattern`` is a full-match regex."""

    nonblank: bool = False
    pattern: str | None = None
    described: str = "text"  # how ``expected`` names it, e.g. "1 to 3 letters or digits"
    noun: str = "text"  # what it is, for "not a valid label"

    def expected(self) -> str:
        return "non-empty text" if self.nonblank and self.described == "text" else self.described

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string"}
        if self.nonblank:
            out["pattern"] = r"\S"
        if self.pattern:
            out["pattern"] = f"^(?:{self.pattern})$"
        return out


@dataclass(frozen=True)
class Choice(Spec):
    """One of a few names."""

    values: tuple[str, ...]

    def expected(self) -> str:
        if len(self.values) == 1:
            return f"'{self.values[0]}'"
        return "one of " + ", ".join(self.values)

    def json(self) -> dict[str, Any]:
        if len(self.values) == 1:
            return {"const": self.values[0]}
        return {"enum": list(self.values)}


@dataclass(frozen=True)
class Integer(Spec):
    """A whole number (not a float such as 2.0, not a boolean) in [minimum, maximum]."""

    minimum: int
    maximum: int | None = None

    def expected(self) -> str:
        if self.maximum is None:
            return f"a whole number ≥ {_n(self.minimum)}"
        return f"a whole number from {_n(self.minimum)} to {_n(self.maximum)}"

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer", "minimum": self.minimum}
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out


@dataclass(frozen=True)
class Number(Spec):
    """A finite number (an integer is fine, a boolean is not), optionally > ``above``."""

    above: float | None = None

    def expected(self) -> str:
        return "a number" if self.above is None else f"a number > {_n(self.above)}"

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "number"}
        if self.above is not None:
            out["exclusiveMinimum"] = self.above
        return out


@dataclass(frozen=True)
class ListOf(Spec):
    """A list of values that all match ``item``; ``noun`` names them in messages."""

    item: Spec
    noun: str
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False
    kind = "list"

    def expected(self) -> str:
        lo, hi = self.min_items, self.max_items
        if hi is None:
            count = f"at least {_n(lo)} " if lo > 1 else ""
        elif lo == hi:
            count = f"{_n(lo)} "
        else:
            count = f"{_n(lo)} to {_n(hi)} "
        return f"a list of {count}{self.noun}"

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.json()}
        if self.min_items:
            out["minItems"] = self.min_items
        if self.max_items is not None:
            out["maxItems"] = self.max_items
        if self.unique:
            out["uniqueItems"] = True
        return out


@dataclass(frozen=True)
class Key:
    """One key of a mapping: its spec, whether it is required, its default and its docs."""

    name: str
    spec: Spec
    doc: str
    required: bool = False
    default: Any = None  # filled in when the key is absent (None: stays absent)
    example: str = ""  # a value to suggest when a required key is missing

    def json(self) -> dict[str, Any]:
        out = {"description": self.doc, **self.spec.json()}
        if self.default is not None:
            out["default"] = self.default
        return out


@dataclass(frozen=True)
class Requires:
    """``key`` may only be given when ``other`` (given or by default) is one of ``values``."""

    key: str
    other: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Mapping(Spec):
    """A mapping with known keys only.

    ``exactly_one`` lists groups of keys of which exactly one must be given, and
    ``at_most_one`` groups of which no two may be given together; ``requires`` lists
    keys that only make sense beside a certain value of another.
    """

    keys: tuple[Key, ...]
    noun: str = "a mapping"
    exactly_one: tuple[tuple[str, ...], ...] = ()
    at_most_one: tuple[tuple[str, ...], ...] = ()
    requires: tuple[Requires, ...] = ()
    kind = "mapping"

    def key(self, name: str) -> Key:
        return next(k for k in self.keys if k.name == name)

    def expected(self) -> str:
        return self.noun

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "object",
            "properties": {k.name: k.json() for k in self.keys},
            "additionalProperties": False,
        }
        required = [k.name for k in self.keys if k.required]
        if required:
            out["required"] = required
        groups: list[dict[str, Any]] = [
            {"oneOf": [{"required": [name]} for name in g]} for g in self.exactly_one
        ]
        groups += [
            {"not": {"anyOf": [{"required": [a, b]} for a, b in combinations(g, 2)]}}
            if len(g) > 2
            else {"not": {"required": list(g)}}
            for g in self.at_most_one
        ]
        if len(groups) == 1:
            out.update(groups[0])
        elif groups:
            out["allOf"] = groups
        if self.requires:
            out["dependentSchemas"] = {}
            for rule in self.requires:
                other = self.key(rule.other)
                condition: dict[str, Any] = {
                    "properties": {rule.other: {"enum": list(rule.values)}}
                }
                if other.default not in rule.values:
                    condition["required"] = [rule.other]
                out["dependentSchemas"][rule.key] = condition
        return out


@dataclass(frozen=True)
class Tagged(Spec):
    """A mapping whose ``tag`` key picks which of several mappings it is (``scheme: uniform``)."""

    tag: str
    variants: tuple[tuple[str, Mapping], ...]
    kind = "mapping"

    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.variants)

    def variant(self, name: str) -> Mapping:
        return dict(self.variants)[name]

    def expected(self) -> str:
        return f"a mapping with {self.tag}: " + " or ".join(self.names())

    def json(self) -> dict[str, Any]:
        return {
            "type": "object",
            "required": [self.tag],
            "properties": {self.tag: {"enum": list(self.names())}},
            "oneOf": [m.json() for _, m in self.variants],
        }


@dataclass(frozen=True)
class Either(Spec):
    """One of several specs, told apart by the YAML kind of the value (text, list, mapping)."""

    options: tuple[Spec, ...]

    def __post_init__(self) -> None:
        kinds = [o.kind for o in self.options]
        assert len(set(kinds)) == len(kinds), "Either needs options of different kinds"

    def option(self, kind: str) -> Spec | None:
        return next((o for o in self.options if o.kind == kind), None)

    def expected(self) -> str:
        return " or ".join(o.expected() for o in self.options)

    def json(self) -> dict[str, Any]:
        return {"anyOf": [o.json() for o in self.options]}


def json_schema(spec: Mapping, title: str, description: str) -> dict[str, Any]:
    """A complete draft 2020-12 JSON Schema document for a top-level mapping ``spec``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": description,
        **spec.json(),
    }

"""Lesson text to a tree of YAML values with line numbers, safely.

Only YAML's event stream is used (libyaml's parser when PyYAML has it, else PyYAML's
own); the tree is composed here, not by PyYAML, so that:

- nothing is ever constructed from a tag: ``!!python/object``, ``!custom`` and every
  tag outside YAML's plain types (null, bool, int, float, str) is a problem;
- nesting deeper than ``MAX_YAML_DEPTH`` stops composition at once;
- aliases are never expanded: each node knows how many values it stands for once
  every alias in it is expanded, so an alias bomb ("billion laughs") is rejected
  after reading it once, long before ``MAX_YAML_NODES`` values would be visited;
- every node keeps its 1-based line and column for messages.

Numbers follow YAML 1.2 as well as YAML 1.1: ``1e-3`` is a number here, as it is to
editors that check the file against the JSON Schema.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

from bp_tui.lesson.errors import FieldPath, LessonError, Problems, clip, fail, field_name
from bp_tui.lesson.limits import MAX_FILE_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES

SCALAR, LIST, MAPPING = "scalar", "list", "mapping"

_YAML = "tag:yaml.org,2002:"
#: Scalar tags a lesson may use, and the type each becomes (timestamps stay text).
_SCALAR_TAGS = {
    f"{_YAML}null": "null",
    f"{_YAML}bool": "bool",
    f"{_YAML}int": "int",
    f"{_YAML}float": "float",
    f"{_YAML}str": "str",
    f"{_YAML}timestamp": "str",
    f"{_YAML}value": "str",
}
_COLLECTION_TAGS = {LIST: f"{_YAML}seq", MAPPING: f"{_YAML}map"}
#: Characters YAML does not allow in a stream (the complement of its printable set).
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


class _Resolver(yaml.resolver.Resolver):
    """PyYAML's implicit types, plus YAML 1.2 floats without a dot (``1e-3``, ``2E5``)."""


_Resolver.add_implicit_resolver(
    f"{_YAML}float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)
_RESOLVER = _Resolver()
_CONSTRUCTOR = SafeConstructor()
#: Plain numbers in their everyday spelling, read without the resolver (a file of data
#: is mostly these); anything else (``+1``, ``0x1f``, ``1_000``, ``.5``) takes YAML's path.
_EVERYDAY_NUMBER = re.compile(
    r"-?(?:(?P<int>0|[1-9][0-9]{0,17})|(?P<float>[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?))\Z"
)


@dataclass(slots=True, eq=False)
class Node:
    """A YAML value with its place: a scalar, a list of nodes or a mapping of node pairs."""

    kind: str  # SCALAR, LIST or MAPPING
    line: int  # 1-based
    column: int  # 1-based
    value: Any  # scalar: None/bool/int/float/str; LIST: list[Node]; MAPPING: list of pairs
    text: str = ""  # a scalar's text as written ("" for an empty value)
    type: str = ""  # a scalar's type: null, bool, int, float or str
    quoted: bool = False  # a scalar written in quotes
    ok: bool = True  # False when the node's tag is not allowed (already reported)
    size: int = 1  # values this node stands for, every alias in it expanded
    height: int = 1  # levels of nesting, itself included, every alias expanded


class _Stop(Exception):
    """Composition cannot go on; the problem is already recorded."""


def decode(data: bytes, path: str) -> str:
    """UTF-8 bytes to text; a leading byte-order mark is dropped."""
    if len(data) > MAX_FILE_BYTES:
        raise too_large(path, len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        start = data.rfind(b"\n", 0, e.start) + 1
        col = len(data[start : e.start].decode("utf-8", "replace")) + 1
        raise fail(
            path,
            f"the file is not valid UTF-8 text (expected UTF-8, got the byte "
            f"0x{data[e.start]:02x} at byte offset {e.start}); save the file as UTF-8",
            line,
            col,
        ) from None
    return text.removeprefix("\ufeff")


def too_large(path: str, size: int) -> LessonError:
    """The problem of a file over ``MAX_FILE_BYTES``."""
    return fail(
        path,
        f"the file is too large (expected at most {MAX_FILE_BYTES:,} bytes, "
        f"got {size:,} bytes); a lesson file may be at most {MAX_FILE_BYTES // 2**20} MB",
    )


def compose(text: str, problems: Problems) -> Node | None:
    """The YAML document in ``text`` as a :class:`Node` tree, ``None`` when it is empty.

    Syntax errors and limits raise :class:`LessonError` at once; tags that are not
    allowed are added to ``problems`` and their nodes marked not ok.
    """
    text = text.removeprefix("\ufeff")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise too_large(problems.path, size)
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - text.rfind("\n", 0, bad.start())
        raise fail(
            problems.path,
            f"a character YAML does not allow (expected printable text, got the "
            f"character U+{ord(bad.group()):04X}); delete it",
            line,
            col,
        )
    parser = _parser(text)
    try:
        return _Composer(parser, problems).document()
    except _Stop:
        raise problems.error() from None
    except yaml.MarkedYAMLError as e:
        raise _syntax_error(e, text, problems.path) from None
    except yaml.YAMLError as e:  # a reader error without a mark
        raise fail(problems.path, f"YAML cannot read the file: {e}") from None
    finally:
        parser.dispose()


def _parser(text: str) -> Any:
    """An event source: libyaml's parser when PyYAML was built with it."""
    if yaml.__with_libyaml__:
        from yaml.cyaml import CParser

        return CParser(text)
    return yaml.SafeLoader(text)


def _syntax_error(e: yaml.MarkedYAMLError, text: str, path: str) -> LessonError:
    mark = e.problem_mark or e.context_mark
    line = mark.line + 1 if mark else None
    col = mark.column + 1 if mark else None
    lines = text.splitlines()
    if mark and lines and mark.line >= len(lines) and not text.endswith(("\n", "\r")):
        # libyaml puts the end of a file without a final line break on a line after the
        # last; the end is just after the last character, as PyYAML's own parser says.
        line, col = len(lines), len(lines[-1]) + 1
    message = f"YAML syntax error: {e.problem or e.context}"
    if e.context and e.problem:
        cm = e.context_mark
        where = ""
        if cm and mark and (cm.line, cm.column) != (mark.line, mark.column):
            where = f" that starts at line {cm.line + 1}, column {cm.column + 1}"
        message += f" ({e.context}{where})"
    source = lines[mark.line] if mark and mark.line < len(lines) else ""
    if "\t" in source[: len(source) - len(source.lstrip())] or "'\\t'" in str(e.problem):
        message += "; indent with spaces: YAML does not allow tabs"
    elif "mapping values are not allowed" in str(e.problem):
        message += "; put a value with ': ' in it in quotes, or start the next key on a new line"
    return fail(path, message, line, col)


class _Composer:
    """Builds :class:`Node` trees from parser events, keeping every limit as it goes."""

    def __init__(self, parser: Any, problems: Problems) -> None:
        self.parser = parser
        self.problems = problems
        self.anchors: dict[str, Node] = {}
        self.open_anchors: set[str] = set()

    def stop(self, message: str, event: Any, where: FieldPath = ()) -> _Stop:
        mark = event.start_mark
        self.problems.add(field_name(where), message, mark.line + 1, mark.column + 1)
        return _Stop()

    def document(self) -> Node | None:
        p = self.parser
        p.get_event()  # StreamStart
        if p.check_event(yaml.StreamEndEvent):
            return None
        p.get_event()  # DocumentStart
        root = self.node(())
        p.get_event()  # DocumentEnd
        if p.check_event(yaml.DocumentStartEvent):
            raise self.stop(
                "a second YAML document (expected one document per lesson file, got a "
                "second one after '---' or '...'); put each lesson in its own file",
                p.peek_event(),
            )
        if root.kind == SCALAR and root.type == "null" and root.ok:
            return None
        return root

    def node(self, where: FieldPath) -> Node:
        """Compose the node that starts at the next event, and all nodes inside it."""
        event = self.parser.get_event()
        depth = len(where) + 1
        if isinstance(event, yaml.AliasEvent):
            return self.alias(event, where, depth)
        if depth > MAX_YAML_DEPTH:
            raise self.stop(
                f"nested too deeply (expected at most {MAX_YAML_DEPTH} levels of lists and "
                f"mappings, got more)",
                event,
                where,
            )
        if isinstance(event, yaml.ScalarEvent):
            node = self.scalar(event, where)
        else:
            kind = LIST if isinstance(event, yaml.SequenceStartEvent) else MAPPING
            node = Node(kind, event.start_mark.line + 1, event.start_mark.column + 1, [])
            self.check_collection_tag(node, event, where)
            if event.anchor:
                self.open_anchors.add(event.anchor)
            if kind == LIST:
                self.items(node, where)
            else:
                self.pairs(node, where)
            self.open_anchors.discard(event.anchor)
        if node.size > MAX_YAML_NODES:
            raise self.stop(self.too_many_nodes(), event, where)
        if event.anchor:
            self.anchors[event.anchor] = node
        return node

    def items(self, node: Node, where: FieldPath) -> None:
        p = self.parser
        while not p.check_event(yaml.SequenceEndEvent):
            child = self.node((*where, len(node.value)))
            node.value.append(child)
            self.grow(node, child)
        p.get_event()

    def pairs(self, node: Node, where: FieldPath) -> None:
        p = self.parser
        while not p.check_event(yaml.MappingEndEvent):
            key = self.node(where)
            name = key.text if key.kind == SCALAR else "?"
            value = self.node((*where, name))
            node.value.append((key, value))
            self.grow(node, key)
            self.grow(node, value)
        p.get_event()

    @staticmethod
    def grow(parent: Node, child: Node) -> None:
        parent.size += child.size
        parent.height = max(parent.height, child.height + 1)

    def alias(self, event: Any, where: FieldPath, depth: int) -> Node:
        name = event.anchor
        if name in self.open_anchors:
            raise self.stop(
                f"the alias *{name} is used inside the value it names (expected an alias to a "
                f"value defined before it, got a loop)",
                event,
                where,
            )
        target = self.anchors.get(name)
        if target is None:
            raise self.stop(
                f"unknown alias *{name} (expected an anchor &{name} defined before it)",
                event,
                where,
            )
        if depth + target.height - 1 > MAX_YAML_DEPTH:
            raise self.stop(
                f"nested too deeply once the alias *{name} is expanded (expected at most "
                f"{MAX_YAML_DEPTH} levels of lists and mappings, got "
                f"{depth + target.height - 1})",
                event,
                where,
            )
        return target

    def too_many_nodes(self) -> str:
        return (
            f"too many YAML values (expected at most {MAX_YAML_NODES:,}, counting each "
            f"use of an alias again, got more); write the values out instead of "
            f"repeating aliases"
        )

    def scalar(self, event: Any, where: FieldPath) -> Node:
        mark = event.start_mark
        node = Node(SCALAR, mark.line + 1, mark.column + 1, None, text=event.value)
        node.quoted = event.style in ("'", '"')
        tag = event.tag
        if tag is None and event.implicit[0]:
            number = _EVERYDAY_NUMBER.match(event.value)
            if number:
                if number.lastgroup == "int":
                    node.type, node.value = "int", int(event.value)
                else:
                    node.type, node.value = "float", float(event.value)
                return node
        if tag is None or tag == "!":
            tag = _RESOLVER.resolve(ScalarNode, event.value, event.implicit)
        kind = _SCALAR_TAGS.get(tag)
        if kind is None:
            node.ok = False
            self.problems.add(field_name(where), _tag_message(tag), node.line, node.column)
            return node
        node.type = kind
        if kind == "str":
            node.value = event.value
            return node
        try:
            node.value = _construct(kind, tag, event.value)
        except (ValueError, OverflowError):
            node.ok = False
            self.problems.add(
                field_name(where),
                f"not a number YAML can read (expected a number of at most "
                f"{sys.get_int_max_str_digits():,} digits, got {clip(event.value)}, "
                f"{len(event.value):,} characters long)",
                node.line,
                node.column,
            )
        return node

    def check_collection_tag(self, node: Node, event: Any, where: FieldPath) -> None:
        tag = event.tag
        if tag is None or tag == "!" or tag == _COLLECTION_TAGS[node.kind]:
            return
        node.ok = False
        mark = event.start_mark
        self.problems.add(field_name(where), _tag_message(tag), mark.line + 1, mark.column + 1)


def _construct(kind: str, tag: str, text: str) -> Any:
    if kind == "null":
        return None
    node = ScalarNode(tag, text)
    if kind == "bool":
        return _CONSTRUCTOR.construct_yaml_bool(node)
    if kind == "int":
        return _CONSTRUCTOR.construct_yaml_int(node)
    return _CONSTRUCTOR.construct_yaml_float(node)


def _tag_message(tag: str) -> str:
    if tag == f"{_YAML}merge":
        return (
            "a merge key '<<' (expected plain keys, got '<<', which lessons do not "
            "support); write the keys out"
        )
    shown = tag.replace(_YAML, "!!")
    return (
        f"a YAML tag lessons do not allow (expected plain values: text, numbers, "
        f"true/false, null, lists and mappings, got the tag {clip(shown)}); remove the tag"
    )


def plain(node: Node | None) -> Any:
    """The node tree as plain Python values (a mapping's later duplicate keys win).

    Used to check lessons against the JSON Schema; aliases are expanded, so call it only
    on trees that passed :func:`compose`'s limits.
    """
    if node is None:
        return None
    if node.kind == SCALAR:
        return node.value
    if node.kind == LIST:
        return [plain(child) for child in node.value]
    return {k.value if k.kind == SCALAR else k.kind: plain(v) for k, v in node.value}

"""The hardened XML parsing under ``parse_nml``: what may reach lxml, how lxml runs, what it may keep.

Documents with a DOCTYPE or entity declarations are refused before parsing (``DOCTYPE_TEXT``, the
real server's Xerces message); only ASCII-compatible encodings are accepted; lxml runs without entity
resolution, DTD loading or network access and with libxml2's default limits (10 MB per text node or
tag, 256 levels of nesting). Files over ``MAX_NML_BYTES`` or with more than ``MAX_ELEMENTS`` elements
(counted on the raw bytes) never reach lxml.

Memory stays near the size of the content that matters: the document is parsed incrementally, and
the elements of the long lists (nodes, edges, comments, branch points, segments; ``Streamed``) are
taken out of the tree as soon as they are complete, keeping only the attributes the reader uses. The
rest of the tree may hold at most ``MAX_KEPT_ELEMENTS`` elements and ``MAX_KEPT_ATTRIBUTES``
attributes. Every problem is an ``InvalidXml`` with the reason text.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree


class InvalidXml(Exception):
    """A document the hardened parser refuses or cannot read (the message is the reason)."""


MAX_NML_BYTES = 64 * 1024 * 1024
MAX_ELEMENTS = 2_000_000
MAX_KEPT_ELEMENTS = 500_000
MAX_KEPT_ATTRIBUTES = 1_000_000
DOCTYPE_TEXT = ('DOCTYPE is disallowed when the feature "http://apache.org/xml/features/disallow-doctype-decl" '
                "set to true.")
ASCII_COMPATIBLE = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "iso-8859-15",
                    "windows-1252", "cp1252"}
PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False, "dtd_validation": False,
    "remove_comments": True, "remove_pis": True, "collect_ids": False,
}

Streamed = Mapping[tuple[str, ...], Sequence[str]]
"""Element paths below the root (``("thing", "nodes", "node")``) → the attributes to keep of them."""


def syntax_reason(filename: str, line: int, column: int, message: str) -> str:
    """The real parser's text for a syntax error."""
    return f"Failed to parse NML '{filename}'. Error in Line {line} (column {column}): {message}"


def check_size(data: bytes) -> None:
    """Refuse files over ``MAX_NML_BYTES`` before looking at them."""
    if len(data) > MAX_NML_BYTES:
        raise InvalidXml(f"File too large ({len(data)} bytes; at most {MAX_NML_BYTES} are accepted)")


def _declared_encoding(data: bytes) -> str | None:
    match = re.match(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']", data[:1024])
    return match.group(1).decode("ascii").lower() if match else None


def check_prolog(data: bytes, filename: str) -> None:
    """Reject what the hardened parser must never see: non-ASCII-compatible encodings, DOCTYPE, entities."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4] or data[:4] == b"\x4c\x6f\xa7\x94":
        raise InvalidXml(syntax_reason(filename, 1, 1, "Unsupported document encoding (only UTF-8 is accepted)"))
    encoding = _declared_encoding(data)
    if encoding is not None and encoding not in ASCII_COMPATIBLE:
        raise InvalidXml(syntax_reason(filename, 1, 1, f"Unsupported document encoding {encoding}"))
    for marker in (b"<!DOCTYPE", b"<!ENTITY"):
        position = data.find(marker)
        if position >= 0:
            line = data.count(b"\n", 0, position) + 1
            column = position - (data.rfind(b"\n", 0, position) + 1) + 1
            raise InvalidXml(syntax_reason(filename, line, column, DOCTYPE_TEXT))


def _too_many(what: str, limit: int) -> InvalidXml:
    return InvalidXml(f"Too many {what} (more than {limit})")


@dataclasses.dataclass
class Document:
    """A parsed NML: the tree without the streamed elements, and what was kept of those per parent."""

    root: Any
    streamed: dict[tuple[Any, str], list[dict[str, str]]]

    def grandchildren(self, element: Any, tag: str, child_tag: str) -> list[dict[str, str]]:
        """The kept attributes of the streamed ``child_tag`` children of ``element``'s ``tag`` children."""
        return [item for child in element if child.tag == tag for item in self.streamed.get((child, child_tag), ())]


class _Collector:
    """Takes streamed elements out of the tree as they complete and counts what stays in it."""

    def __init__(self, streamed: Streamed) -> None:
        self.rules: dict[str, list[tuple[tuple[str, ...], Sequence[str]]]] = {}
        for path, keep in streamed.items():
            self.rules.setdefault(path[-1], []).append((path[:-1], keep))
        self.document = Document(None, {})
        self.kept_elements = 0
        self.kept_attributes = 0
        self._parent: Any = None
        self._tag = ""
        self._target: tuple[list[dict[str, str]], Sequence[str], frozenset[str]] | None = None

    def end(self, element: Any) -> None:
        tag = element.tag
        if tag in self.rules:
            parent = element.getparent()
            target = self._target if parent is self._parent and tag == self._tag else self._find(parent, tag)
            if target is not None:
                target[0].append(_kept(element, target[1], target[2]))
                parent.remove(element)
                return
        self.kept_elements += 1
        self.kept_attributes += len(element.attrib)
        if self.kept_elements > MAX_KEPT_ELEMENTS:
            raise _too_many("elements", MAX_KEPT_ELEMENTS)
        if self.kept_attributes > MAX_KEPT_ATTRIBUTES:
            raise _too_many("attributes", MAX_KEPT_ATTRIBUTES)

    def _find(self, parent: Any, tag: str) -> tuple[list[dict[str, str]], Sequence[str], frozenset[str]] | None:
        """Where streamed ``tag`` children of ``parent`` go (None: not a streamed path); remembered for the
        siblings that follow."""
        self._parent, self._tag, self._target = parent, tag, None
        for ancestors, keep in self.rules[tag]:
            if _below_root(parent, ancestors):
                self._target = (self.document.streamed.setdefault((parent, tag), []), keep, frozenset(keep))
        return self._target


def _kept(element: Any, names: Sequence[str], known: frozenset[str]) -> dict[str, str]:
    """The attributes ``names`` of ``element`` (cost bounded by ``names``, however many others it has)."""
    if len(element.attrib) > len(names):
        get = element.get
        return {name: value for name in names if (value := get(name)) is not None}
    kept = dict(element.items())
    return kept if known.issuperset(kept) else {name: value for name, value in kept.items() if name in known}


def _below_root(element: Any, ancestors: tuple[str, ...]) -> bool:
    """Whether ``element`` and its ancestors have the tags ``ancestors`` (innermost last) up to the root."""
    for tag in reversed(ancestors):
        if element is None or element.tag != tag:
            return False
        element = element.getparent()
    return element is not None and element.getparent() is None


def parse_xml(data: bytes, filename: str, streamed: Streamed) -> Document:
    """``data`` parsed by the hardened lxml parser (prolog and element count checked first)."""
    check_prolog(data, filename)
    if data.count(b"<") - data.count(b"</") > MAX_ELEMENTS:
        raise _too_many("elements", MAX_ELEMENTS)
    collector = _Collector(streamed)
    try:
        events = etree.iterparse(io.BytesIO(data), events=("end",), **PARSER_OPTIONS)
        for _, element in events:
            collector.end(element)
        root = events.root
    except etree.XMLSyntaxError as error:
        entry = error.error_log.last_error if error.error_log else None
        if entry is not None:
            raise InvalidXml(syntax_reason(filename, entry.line, entry.column, entry.message.strip())) from None
        raise InvalidXml(syntax_reason(filename, 1, 1, str(error))) from None
    except (ValueError, TypeError, LookupError, MemoryError) as error:
        raise InvalidXml(syntax_reason(filename, 1, 1, str(error) or type(error).__name__)) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise InvalidXml(syntax_reason(filename, 1, 1, DOCTYPE_TEXT))
    if any(not isinstance(element.tag, str) for element in root.iter()):
        raise InvalidXml(syntax_reason(filename, 1, 1, "Entity references are not allowed"))
    collector.document.root = root
    return collector.document

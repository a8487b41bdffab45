"""Recorded traffic → the scenario that makes a mock start where the recorded deployment was
(``mockserver import-world``).

A pack that can read its API's traffic has a ``Pack.world_from_traffic``: it goes through the exchanges of a HAR
file (``mockserver.har``) in order, keeps what the answers last said (the last writer wins), and returns an
``Imported``: scenario steps over its own ``scenario_actions``, what they hold, and why the other exchanges were
not used. The helpers here are what every such importer needs: routing an exchange by ``"METHOD /path/{param}"``
(``Routes``), reading its JSON bodies, and counting what was left out. ``to_yaml`` writes the scenario file
that ``serve --scenario`` and ``POST /__admin/scenarios`` load.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from mockserver.har import Entry

SUCCESS = range(200, 300)


class NotMapped(Exception):
    """An exchange a route cannot use; the message is the reason the summary counts (``truncated body``)."""


@dataclasses.dataclass(frozen=True)
class Exchange:
    """One recorded exchange as a route reads it: path parameters, query, bodies as JSON."""

    entry: Entry
    params: Mapping[str, str]

    @property
    def status(self) -> int:
        return self.entry.response.status

    @property
    def query(self) -> dict[str, str]:
        """The query arguments, first value of each."""
        return {key: values[0] for key, values in parse_qs(urlsplit(self.entry.request.url).query).items()}

    def answer(self) -> Any:
        """The answer's body as JSON (``NotMapped`` if it is cut or not JSON)."""
        return _json(self.entry.response.body, self.entry.response.truncated, "answer")

    def sent(self) -> Any:
        """The request's body as JSON (``NotMapped`` if it is cut or not JSON)."""
        return _json(self.entry.request.body, self.entry.request.truncated, "request")

    def form(self) -> dict[str, str]:
        """The request's body as a URL-encoded form (first value of each field)."""
        if self.entry.request.truncated:
            raise NotMapped("truncated request body")
        text = self.entry.request.body.decode("utf-8", "replace")
        return {key: values[0] for key, values in parse_qs(text, keep_blank_values=True).items()}

    def media_type(self) -> str:
        return (self.entry.request.header("content-type") or "").split(";")[0].strip().lower()


def _json(body: bytes, truncated: bool, what: str) -> Any:
    if truncated:
        raise NotMapped(f"truncated {what} body")
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise NotMapped(f"{what} body not JSON") from None


Route = Callable[[Exchange], None]
"""Reads one successful exchange into the importer's view of the world (``NotMapped`` to leave it out)."""


class Routes:
    """``"METHOD /path/{param}"`` → route; paths match without a trailing slash, parameters are one segment, and a
    template with fewer parameters wins (``/projects/withStatus`` before ``/projects/{id}``)."""

    def __init__(self, routes: Mapping[str, Route]) -> None:
        split = sorted(((key.split(" ", 1), route) for key, route in routes.items()), key=lambda r: r[0][1].count("{"))
        self._compiled = [(method, _pattern(path), route) for (method, path), route in split]

    def match(self, entry: Entry) -> tuple[Route, dict[str, str]] | None:
        path = urlsplit(entry.request.url).path.rstrip("/") or "/"
        for method, pattern, route in self._compiled:
            found = pattern.fullmatch(path) if method == entry.request.method else None
            if found:
                return route, found.groupdict()
        return None

    def replay(self, entries: Iterable[Entry]) -> Counter[str]:
        """Feed every successful exchange to its route, in order; what was not used, by reason."""
        left: Counter[str] = Counter()
        for entry in entries:
            matched = self.match(entry)
            if matched is None:
                left[f"{entry.request.method} {_shape(entry)}"] += 1
            elif entry.response.status not in SUCCESS:
                left[f"answered {entry.response.status // 100}xx"] += 1
            else:
                try:
                    matched[0](Exchange(entry, matched[1]))
                except NotMapped as exc:
                    left[str(exc)] += 1
        return left


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template.rstrip("/"))
    return re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts)))


def _shape(entry: Entry) -> str:
    """A path with its number segments as ``{n}``: one line per kind of unmapped exchange, not per id."""
    path = urlsplit(entry.request.url).path.rstrip("/") or "/"
    return re.sub(r"(?<=/)[0-9]+(?=/|$)", "{n}", path)


@dataclasses.dataclass(frozen=True)
class Imported:
    """What a pack made of recorded traffic: scenario steps, what they hold and what was left out."""

    description: str
    steps: tuple[tuple[str, dict[str, Any]], ...]
    """(action, parameters) over the pack's ``scenario_actions``, in order."""
    mapped: tuple[tuple[str, int], ...]
    """What the steps hold: (``tasks``, 42) …, in the order the summary names those with a count."""
    unmapped: Mapping[str, int]
    """Exchanges not used, by reason (``GET /api/models``, ``answered 4xx``, ``truncated answer body``)."""
    notes: tuple[str, ...] = ()
    """Further things the summary says (``2 deleted tasks left out``)."""

    def summary(self) -> str:
        """One line: ``1 project config, 42 tasks; 12 exchanges not mapped (5 GET /api/models, 4 answered 4xx)``."""
        held = ", ".join(f"{count} {what}" for what, count in self.mapped if count) or "nothing mapped"
        parts = [held, *self.notes]
        total = sum(self.unmapped.values())
        if total:
            reasons = ", ".join(f"{count} {reason}" for reason, count in
                                sorted(self.unmapped.items(), key=lambda item: (-item[1], item[0])))
            parts.append(f"{total} exchange{'s' if total != 1 else ''} not mapped ({reasons})")
        return "; ".join(parts)


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as literal blocks (a label config stays readable); others as PyYAML chooses."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    literal = "\n" in value and "\r" not in value and value == value.rstrip(" ") and "\t" not in value
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if literal else None)


_Dumper.add_representer(str, _string)


def to_yaml(imported: Imported, origin: str = "") -> str:
    """The scenario file: a comment naming the traffic, the description and one step per line group."""
    document = {"description": imported.description,
                "steps": [{action: params} for action, params in imported.steps]}
    header = f"# Made by mockserver import-world from {origin}: {imported.summary()}\n" if origin else ""
    return header + yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)


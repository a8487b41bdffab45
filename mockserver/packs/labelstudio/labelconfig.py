"""Labeling configs and task data as Label Studio 0.8.1 checks them, with its texts.

What is checked when a config is saved (``POST /api/project/config``, ``/api/validate-config``): XML syntax (lxml's
text), ``toName`` references, a ``<Choices>`` with a single ``<Choice>`` (rejected by the real server, an artefact
of its XML-to-JSON conversion), and, once tasks exist, the data keys the config reads and the labels completions
use. Imports check every task's data against the config's object tags (labelstudio-real.md §3 items 6–7).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft6Validator  # type: ignore[import-untyped]
from lxml import etree

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

DATA_TYPES: dict[str, tuple[type, ...]] = {
    "Text": (str, int, float), "Header": (str, int, float), "HyperText": (str,), "Image": (str,),
    "List": (list,), "Dialog": (list,), "Table": (dict,), "TimeSeries": (dict, list, str),
    "TimeSeriesChannel": (dict, list, str),
}
"""The Python types a data value of each object tag may have (anything else: ``str``)."""


class ConfigError(Exception):
    """A labeling config the real server refuses; the text is its message."""


@dataclasses.dataclass(frozen=True)
class Control:
    """A control (output) tag as the real ``parse_config`` reads it."""

    name: str
    tag: str
    to_names: tuple[str, ...]
    labels: tuple[str, ...]
    """``alias`` or ``value`` of the ``<Label>``/``<Choice>`` tags under it, first occurrence first."""
    input_values: tuple[str, ...]
    """The ``value`` (without ``$``) of each object tag it points to."""

    @property
    def type(self) -> str:
        """The result type (``choices``)."""
        return self.tag.lower()

    @property
    def to_name(self) -> str:
        return self.to_names[0]


@dataclasses.dataclass(frozen=True)
class LabelConfig:
    text: str
    root: Any

    @property
    def data_types(self) -> dict[str, str]:
        """Data key → object tag (``{"image": "Image"}``): every tag below the root whose ``value`` is ``$`` and a
        name (a later tag wins)."""
        return {element.get("value")[1:]: element.tag for element in self.root.iter()
                if element is not self.root and isinstance(element.tag, str)
                and len(element.get("value", "")) > 1 and element.get("value").startswith("$")}

    @property
    def controls(self) -> dict[str, Control]:
        """The real ``parse_config``: tags with ``name`` and ``toName`` (not ``<Filter>``), each ``toName`` an object
        tag (``name`` and ``value``); ``ConfigError`` with the real (``KeyError``) text otherwise."""
        inputs: dict[str, str] = {}
        outputs: dict[str, tuple[str, tuple[str, ...]]] = {}
        labels: dict[str, dict[str, None]] = {}
        for element in self.root.iter():
            if not isinstance(element.tag, str):
                continue
            name = element.get("name")
            if name and element.get("toName") and element.tag != "Filter":
                outputs[name] = (element.tag, tuple(element.get("toName").split(",")))
            elif name and element.get("value"):
                inputs[name] = element.get("value").lstrip("$")
            if element.tag in ("Label", "Choice"):
                parent = element.getparent()
                while parent is not None and parent.get("name") not in outputs:
                    parent = parent.getparent()
                value = element.get("alias") or element.get("value")
                if parent is not None and value:
                    labels.setdefault(parent.get("name"), {})[value] = None
        found = {}
        for name, (tag, to_names) in outputs.items():
            for to_name in to_names:
                if to_name not in inputs:
                    raise ConfigError(str(KeyError(f"to_name={to_name} is specified for output tag name={name}, "
                                                   "but we can't find it among input tags")))
            found[name] = Control(name, tag, to_names, tuple(labels.get(name, {})),
                                  tuple(inputs[n] for n in to_names))
        return found

    @property
    def line(self) -> str:
        """``label_config_line``: without comments (then re-serialised as HTML), without line breaks."""
        text = self.text
        if "<!--" in text:
            root = etree.fromstring(text.encode(), _PARSER)
            for comment in root.xpath("//comment()"):
                parent = comment.getparent()
                if parent is not None and len(parent):
                    parent.remove(comment)
            text = etree.tostring(root, encoding="utf8", method="html").decode()
        return text.replace("\n", "").replace("\r", "")


def parse(text: Any) -> LabelConfig:
    """The config, or ``ConfigError`` with the real server's text."""
    if not isinstance(text, str):
        raise ConfigError("can only parse strings")  # lxml of 2020; today's lxml words it differently
    try:
        root = etree.fromstring(text, _PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:  # ValueError: a str with an encoding declaration
        raise ConfigError(str(exc)) from exc
    return LabelConfig(text, root)


class BadgerDict(dict[str, Any]):
    """An element as xmljson's BadgerFish makes it (an ``OrderedDict``), with Python 3.8's ``OrderedDict`` repr,
    which the real validation messages quote."""

    def __repr__(self) -> str:
        if not self:
            return "OrderedDict()"
        return "OrderedDict([" + ", ".join(f"({key!r}, {value!r})" for key, value in self.items()) + "])"


def _from_string(value: str) -> Any:
    """xmljson's value conversion: booleans, then int, then finite float, else the text."""
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def badgerfish(element: Any) -> BadgerDict:
    """``{tag: {"@attr": value, "$": text, child tag: child (or a list of them when repeated)}}``."""
    value = BadgerDict()
    children = [child for child in element if isinstance(child.tag, str)]
    for name, attribute in element.attrib.items():
        value["@" + name] = _from_string(attribute)
    if element.text and element.text.strip():
        value["$"] = _from_string(element.text.strip())
    counts = Counter(child.tag for child in children)
    for child in children:
        converted = badgerfish(child)
        if counts[child.tag] == 1:
            value.update(converted)
        else:
            value.setdefault(child.tag, []).extend(converted.values())
    return BadgerDict([(element.tag, value)])


def _best_match(errors: Any) -> Any:
    """jsonschema 3.2's ``best_match`` (the real install's): the shallowest strong error, then down its context
    to the deepest one."""
    def relevance(error: Any) -> tuple[int, bool]:
        return -len(error.path), error.validator not in ("anyOf", "oneOf")

    errors = list(errors)
    if not errors:
        return None
    best = max(errors, key=relevance)
    while best.context:
        best = min(best.context, key=relevance)
    return best


def validate(text: Any) -> LabelConfig:
    """Parse and check a config on its own (no tasks considered), in the real order: the tag schema (on the
    BadgerFish form of the XML), unique names, then ``toName`` references (both read with regular expressions
    for double-quoted attributes, as the real server does)."""
    config = parse(text)
    error = _best_match(_SCHEMA_VALIDATOR.iter_errors(badgerfish(config.root)))
    if error is not None:
        try:
            where = "/".join(error.path)
        except TypeError as exc:  # an index in the path: the real handler's join fails, and its text is the answer
            raise ConfigError(str(exc)) from exc
        raise ConfigError(f"Validation failed on {where}: {error.message.replace('@', '')}")
    names = re.findall(r'name="([^"]*)"', config.text)
    if len(set(names)) != len(names):
        raise ConfigError(f"Label config contains non-unique names {names}")
    for targets in re.findall(r'toName="([^"]*)"', config.text):
        for target in targets.split(","):
            if target not in names:
                raise ConfigError(f'toName="{target}" not found in names: {sorted(set(names))}')
    config.controls  # noqa: B018  # the project's parse_config runs next and fails on what the regexes missed
    return config


def _many(definition: str) -> dict[str, Any]:
    """One tag or a list of them."""
    return {"anyOf": [{"type": "array", "items": {"$ref": f"#/definitions/{definition}"}},
                      {"$ref": f"#/definitions/{definition}"}]}


def _control(child: str, many_children: bool) -> dict[str, Any]:
    children = _many(child) if many_children else {"type": "array", "items": {"$ref": f"#/definitions/{child}"}}
    return {"type": "object",
            "anyOf": [{"required": ["@name", "@toName", child]}, {"required": ["@name", "@toName", "View"]}],
            "properties": {"@name": {"$ref": "#/definitions/@name"}, "@toName": {"$ref": "#/definitions/@toName"},
                           "$": {"$ref": "#/definitions/$"}, child: children,
                           "View": {"$ref": "#/definitions/MaybeMultipleView"}}}


_VALUED = {"@value": {"$ref": "#/definitions/@value"}, "$": {"$ref": "#/definitions/$"}}
LABEL_CONFIG_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-06/schema#",
    "definitions": {
        "$": {"type": "string"}, "@name": {"type": "string"}, "@toName": {"type": "string"},
        "@value": {"type": "string"},
        "tag_with_value": {"type": "object", "required": ["@value"], "properties": _VALUED},
        "tag_with_value_required_name": {"type": "object", "required": ["@name", "@value"], "properties": _VALUED},
        "tags_with_value_required_name": _many("tag_with_value_required_name"),
        "View": {"type": "object", "additionalProperties": True, "properties": {
            "Labels": {"$ref": "#/definitions/MaybeMultipleLabels"},
            "Choices": {"$ref": "#/definitions/MaybeMultipleChoices"},
            "Label": {"$ref": "#/definitions/MaybeMultipleLabel"},
            "Choice": {"$ref": "#/definitions/MaybeMultipleChoice"},
            "Image": {"$ref": "#/definitions/tags_with_value_required_name"},
            "Text": {"$ref": "#/definitions/tags_with_value_required_name"},
            "HyperText": {"$ref": "#/definitions/tags_with_value_required_name"},
            "View": {"$ref": "#/definitions/MaybeMultipleView"}}},
        "MaybeMultipleView": _many("View"),
        "Choice": {"$ref": "#/definitions/tag_with_value"}, "MaybeMultipleChoice": _many("Choice"),
        "Label": {"$ref": "#/definitions/tag_with_value"}, "MaybeMultipleLabel": _many("Label"),
        "Choices": _control("Choice", many_children=False), "MaybeMultipleChoices": _many("Choices"),
        "Labels": _control("Label", many_children=True), "MaybeMultipleLabels": _many("Labels"),
    },
    "type": "object",
    "properties": {"View": {"type": "object", "additionalProperties": True, "properties": {
        "Choices": {"$ref": "#/definitions/MaybeMultipleChoices"},
        "Labels": {"$ref": "#/definitions/MaybeMultipleLabels"},
        "View": {"$ref": "#/definitions/MaybeMultipleView"},
        "Image": {"$ref": "#/definitions/tags_with_value_required_name"},
        "Text": {"$ref": "#/definitions/tags_with_value_required_name"},
        "HyperText": {"$ref": "#/definitions/tags_with_value_required_name"}}}},
}
"""The tag schema of Label Studio 0.8.1 (``utils/schema/label_config_schema.json``, draft 6), restated: object
tags need ``name`` and ``value``, ``<Choices>`` a list of ``<Choice>`` (so a single one fails), ``<Labels>`` one
or more ``<Label>``; other tags are free."""
_SCHEMA_VALIDATOR = Draft6Validator(LABEL_CONFIG_SCHEMA)


def check_against_tasks(config: LabelConfig, data_keys: list[str] | None,
                        used: Mapping[tuple[str, str, str], set[str]]) -> None:
    """A new config against the imported tasks (the data keys all of them share: each object tag a control points
    to must read one of them) and the labels completions use (each control and label must stay)."""
    controls = config.controls
    if data_keys:
        for control in controls.values():
            for key in control.input_values:
                if key not in data_keys:
                    raise ConfigError("You have already imported tasks and they are incompatible with a new config. "
                                      f"You've specified value=${key}, but imported tasks contain only keys: "
                                      f"{data_keys}")
    prefix = "You've already completed some tasks, but some of them couldn't be loaded with this config: "
    present = {(c.name, c.to_name, c.type) for c in controls.values()}
    for triple in used:
        if triple not in present:
            raise ConfigError(f"{prefix}name={triple[0]}, toName={triple[1]}, type={triple[2]} are expected")
    for (from_name, _, _), labels in used.items():
        extra = sorted(labels - set(controls[from_name].labels))
        if extra:
            raise ConfigError(f'{prefix}there are labels already created for "{from_name}":\n{extra}')


def used_labels(completions: list[dict[str, Any]]) -> dict[tuple[str, str, str], set[str]]:
    """(from_name, to_name, type) → labels, over results of ``completions`` (relations, ratings and pairwise
    results name no labels)."""
    used: dict[tuple[str, str, str], set[str]] = {}
    for completion in completions:
        for result in completion.get("result") or []:
            kind = result.get("type")
            if kind in ("relation", "rating", "pairwise") or "from_name" not in result or "to_name" not in result:
                continue
            labels = used.setdefault((result["from_name"], result["to_name"], kind), set())
            value = result.get("value") or {}
            labels.update(v for v in value.get(kind, []) if isinstance(v, str))
    return used


UNDEFINED = "$undefined$"
"""The data key of uploaded TXT lines and stored files: validation gives it the config's first data key."""


def check_data(data_types: Mapping[str, str], data: Any) -> None:
    if UNDEFINED in data and data_types:  # renamed in place, as the real validator does
        data[next(iter(data_types))] = data.pop(UNDEFINED)
    for key, tag in data_types.items():
        if key not in data:
            raise ConfigError(f'"{key}" key is expected in task data')
        expected = DATA_TYPES.get(tag, (str,))
        if not isinstance(data[key], expected):
            raise ConfigError(f'data["{key}"]={data[key]} is of type "{type(data[key])}", '
                              f'but types "{list(expected)}" are expected')
        if tag == "List":
            for item in data[key]:
                if "text" not in item:  # a TypeError for items that are not containers, as in the real server
                    raise ConfigError("Each item from List must have key text")


def check_task(data_types: Mapping[str, str], item: Any) -> dict[str, Any]:
    """One imported item → the task it becomes (``{"data", …}``), or ``ConfigError`` with the real text."""
    if not isinstance(item, dict):
        raise ConfigError('Task root must be dict with "data", "meta", "completions", "predictions" fields')
    if "data" not in item:
        try:
            check_data(data_types, item)
        except ConfigError as exc:
            raise ConfigError(f"{exc} [assume: item as is = task root with values] ") from exc
        return {"data": item}
    if not isinstance(item["data"], dict | list):
        raise ConfigError(f"Task[data] must be {(dict, list)}")
    try:
        check_data(data_types, item["data"])
    except ConfigError as exc:
        raise ConfigError(f'{exc} [assume: item["data"] = task root with values]') from exc
    for key, what in (("completions", "Completion"), ("predictions", "Prediction")):
        if key in item and not isinstance(item[key], list):
            raise ConfigError(f"Task[{key}] must be {list}")
        for entry in item.get(key, []):
            if "result" not in entry:
                raise ConfigError(f'{what} must have "result" fields')
            if not isinstance(entry.get("result", []), list):
                raise ConfigError(f'"result" field in {what.lower()} must be list')
    if "meta" in item and not isinstance(item["meta"], dict | list):
        raise ConfigError(f"Task[meta] must be {(dict, list)}")
    return item


def import_error(index: int, reason: str, item: Any) -> str:
    """``Error   at item 0: … :: <the item as Python prints it>`` (three spaces, 0-based)."""
    return f"Error   at item {index}: {reason} :: {item}"

"""Labeling configs and task data as Label Studio 0.8.1 checks them, with its texts.

What is checked when a config is saved (``POST /api/project/config``, ``/api/validate-config``): XML syntax (lxml's
text), ``toName`` references, a ``<Choices>`` with a single ``<Choice>`` (rejected by the real server, an artefact
of its XML-to-JSON conversion), and, once tasks exist, the data keys the config reads and the labels completions
use. Imports check every task's data against the config's object tags (labelstudio-real.md §3 items 6–7).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

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
    name: str
    type: str
    to_name: str
    labels: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class LabelConfig:
    text: str
    root: Any

    @property
    def data_types(self) -> dict[str, str]:
        """Data key → object tag (``{"image": "Image"}``): tags with a ``name`` and a ``$`` value."""
        return {element.get("value")[1:]: element.tag for element in self.root.iter()
                if isinstance(element.tag, str) and element.get("name") and element.get("value", "").startswith("$")}

    @property
    def controls(self) -> dict[str, Control]:
        """Control tags (those with ``toName``) by name: their type and labels."""
        found: dict[str, Control] = {}
        for element in self.root.iter():
            if isinstance(element.tag, str) and element.get("name") and element.get("toName"):
                labels = tuple(child.get("value") for child in element.iter() if child is not element
                               and isinstance(child.tag, str) and child.get("value") is not None)
                found[element.get("name")] = Control(element.get("name"), element.tag.lower(),
                                                     element.get("toName").split(",")[0], labels)
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
        root = etree.fromstring(text.encode(), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ConfigError(str(exc)) from exc
    return LabelConfig(text, root)


def validate(text: Any) -> LabelConfig:
    """Parse and check a config on its own (no tasks considered)."""
    config = parse(text)
    names = sorted({e.get("name") for e in config.root.iter() if isinstance(e.tag, str) and e.get("name")})
    for element in config.root.iter():
        if not isinstance(element.tag, str):
            continue
        to_name = element.get("toName")
        if to_name is not None:
            for target in to_name.split(","):
                if target not in names:
                    raise ConfigError(f'toName="{target}" not found in names: {names}')
        if element.tag == "Choices":
            choices = [child for child in element if isinstance(child.tag, str) and child.tag == "Choice"]
            if len(choices) == 1:
                attributes = ", ".join(f"({k!r}, {v!r})" for k, v in choices[0].attrib.items())
                raise ConfigError(f"Validation failed on Choice: OrderedDict([{attributes}]) is not of type 'array'")
    return config


def check_against_tasks(config: LabelConfig, data_keys: list[str] | None,
                        used: Mapping[tuple[str, str, str], set[str]]) -> None:
    """A new config against the imported tasks (the keys all of them share) and the labels completions use."""
    if data_keys:
        for key in config.data_types:
            if key not in data_keys:
                raise ConfigError("You have already imported tasks and they are incompatible with a new config. "
                                  f"You've specified value=${key}, but imported tasks contain only keys: {data_keys}")
    prefix = "You've already completed some tasks, but some of them couldn't be loaded with this config: "
    controls = config.controls
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


def check_data(data_types: Mapping[str, str], data: Any) -> None:
    for key, tag in data_types.items():
        if key not in data:
            raise ConfigError(f'"{key}" key is expected in task data')
        expected = DATA_TYPES.get(tag, (str,))
        if not isinstance(data[key], expected):
            raise ConfigError(f'data["{key}"]={data[key]} is of type "{type(data[key])}", '
                              f'but types "{list(expected)}" are expected')


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

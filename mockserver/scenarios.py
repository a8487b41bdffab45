"""Scenarios: declarative states loaded on top of a world (``fixtures/<pack>/scenarios/*.yaml``).

A scenario file::

    description: A paused project in the plain user's team, with open tasks.
    steps:
      - add_project: {name: paused_project, tasks: 10, as: project}
      - pause_project: {project: $project}

Each step names one action of the pack's ``scenario_actions`` (a method of its arranger) with its keyword
parameters;
``as`` keeps the id of what the step returned, later steps refer to it as ``$name``. A file is
checked completely before anything is applied, and every error names the file and line. Applying
runs in one transaction: a failing step leaves the world unchanged.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, get_type_hints

import yaml

from mockserver.errors import ConfigurationError
from mockserver.pack import Pack
from mockserver.store import Store
from mockserver.typecheck import conforms, describe
from mockserver.world import WorldInfo

TOP_LEVEL_KEYS = ("description", "steps")


class ScenarioError(ConfigurationError):
    """A scenario cannot be read or applied; the message names the file and line."""


class ScenarioNotFound(ScenarioError):
    """No scenario of that name or path."""


@dataclasses.dataclass(frozen=True)
class Step:
    action: str
    params: dict[str, Any]
    save_as: str | None
    line: int


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    steps: tuple[Step, ...]
    origin: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description,
                "steps": [{"action": s.action, "params": s.params, "as": s.save_as} for s in self.steps]}


@dataclasses.dataclass(frozen=True)
class Applied:
    """A loaded scenario and the ids its steps kept with ``as``."""

    name: str
    refs: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "refs": self.refs}


def parameters(actions: Mapping[str, Callable[..., Any]], action: str) -> dict[str, tuple[Any, bool]]:
    """Keyword parameters of an action: name → (type annotation, required)."""
    return _parameters(actions[action])


@cache
def _parameters(function: Callable[..., Any]) -> dict[str, tuple[Any, bool]]:
    hints = get_type_hints(function)
    return {name: (hints[name], p.default is inspect.Parameter.empty)
            for name, p in inspect.signature(function).parameters.items() if name != "self"}


def scenario_dir(pack: Pack) -> Path:
    return pack.fixtures / "scenarios"


def available(pack: Pack) -> list[Scenario]:
    """The bundled world scenarios of ``pack``, by name."""
    return [load(pack, path.stem) for path in sorted(scenario_dir(pack).glob("*.yaml"))]


def load(pack: Pack, name_or_path: str) -> Scenario:
    """A bundled scenario of ``pack`` by name, or a scenario file by path."""
    candidate = Path(name_or_path)
    path = candidate if candidate.suffix in {".yaml", ".yml"} else scenario_dir(pack) / f"{name_or_path}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        known = ", ".join(p.stem for p in sorted(scenario_dir(pack).glob("*.yaml"))) or "none"
        raise ScenarioNotFound(f"scenario {name_or_path!r} not found (bundled: {known})") from None
    return parse(pack, text, origin=str(path), name=path.stem)


def parse(pack: Pack, text: str, *, origin: str = "<scenario>", name: str = "inline") -> Scenario:
    """Check a scenario document; ``ScenarioError`` names ``origin`` and the line of the first problem."""
    return _Parser(pack.scenario_actions, text, origin, name).scenario()


class _Parser:
    def __init__(self, actions: Mapping[str, Callable[..., Any]], text: str, origin: str, name: str) -> None:
        self.actions, self.text, self.origin, self.name = actions, text, origin, name
        self.loader = yaml.SafeLoader(text)

    def fail(self, node: yaml.Node | None, message: str) -> ScenarioError:
        line = node.start_mark.line + 1 if node is not None else 1
        return ScenarioError(f"scenario {self.origin}, line {line}: {message}")

    def scenario(self) -> Scenario:
        try:
            root = self.loader.get_single_node()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f", line {mark.line + 1}" if mark is not None else ""
            raise ScenarioError(f"scenario {self.origin}{where}: invalid YAML: {exc}") from None
        finally:
            self.loader.dispose()
        if not isinstance(root, yaml.MappingNode):
            raise self.fail(root, f"expected a mapping with the keys {', '.join(TOP_LEVEL_KEYS)}")
        fields = self.mapping(root, TOP_LEVEL_KEYS)
        description = self.value(fields.get("description"), str, "description", root)
        steps_node = fields.get("steps")
        if not isinstance(steps_node, yaml.SequenceNode) or not steps_node.value:
            raise self.fail(steps_node or root, "steps must be a non-empty list of actions")
        saved: set[str] = set()
        steps = tuple(self.step(node, saved) for node in steps_node.value)
        return Scenario(self.name, description, steps, self.origin)

    def mapping(self, node: yaml.MappingNode, allowed: tuple[str, ...] | None) -> dict[str, yaml.Node]:
        fields: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or (allowed is not None and key not in allowed):
                raise self.fail(key_node, f"unknown key {key!r} (known: {', '.join(allowed or ())})")
            if key in fields:
                raise self.fail(key_node, f"duplicate key {key!r}")
            fields[key] = value_node
        return fields

    def value(self, node: yaml.Node | None, hint: Any, what: str, parent: yaml.Node) -> Any:
        if node is None:
            raise self.fail(parent, f"{what} is missing")
        value = self.loader.construct_object(node, deep=True)
        if not conforms(value, hint):
            raise self.fail(node, f"{what} must be {describe(hint)}, got {value!r}")
        return value

    def step(self, node: yaml.Node, saved: set[str]) -> Step:
        if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
            raise self.fail(node, "each step is one action: `- action_name: {parameter: value, …}`")
        key_node, params_node = node.value[0]
        action = key_node.value
        if action not in self.actions:
            raise self.fail(key_node, f"unknown action {action!r} (known: {', '.join(sorted(self.actions)) or 'none'})")
        if isinstance(params_node, yaml.ScalarNode) and params_node.tag == "tag:yaml.org,2002:null":
            fields = {}
        elif isinstance(params_node, yaml.MappingNode):
            fields = self.mapping(params_node, None)
        else:
            raise self.fail(params_node, f"the parameters of {action} must be a mapping")
        save_as = self.value(fields.pop("as"), str, "as", node) if "as" in fields else None
        params = self.params(action, fields, saved, key_node)
        if save_as is not None:
            saved.add(save_as)
        return Step(action, params, save_as, key_node.start_mark.line + 1)

    def params(self, action: str, fields: dict[str, yaml.Node], saved: set[str], at: yaml.Node) -> dict[str, Any]:
        known = parameters(self.actions, action)
        params = {}
        for key, node in fields.items():
            if key not in known:
                raise self.fail(node, f"{action} has no parameter {key!r} (parameters: {', '.join(known)}, as)")
            value = self.loader.construct_object(node, deep=True)
            if isinstance(value, str) and value.startswith("$"):
                if value[1:] not in saved:
                    raise self.fail(node, f"{value} is not kept by an earlier step (`as: {value[1:]}`)")
            elif not conforms(value, known[key][0]):
                raise self.fail(node, f"{action}.{key} must be {describe(known[key][0])}, got {value!r}")
            params[key] = value
        missing = [name for name, (_, required) in known.items() if required and name not in params]
        if missing:
            raise self.fail(at, f"{action} needs {', '.join(missing)}")
        return params


def fingerprint(store: Store) -> int:
    """Rows in the store: scenario ids differ when a scenario is loaded twice into one world."""
    return sum(store.count(cls) for cls in store.schema.records)


def apply(pack: Pack, scenario: Scenario, store: Store, world: WorldInfo) -> Applied:
    """Run the steps of ``scenario`` in one transaction."""
    if pack.arranger is None:
        raise ScenarioError(f"the {pack.name} pack has no scenario actions")
    arranger = pack.arranger(store, world, f"{scenario.name}:{world.seed}:{fingerprint(store)}")
    refs: dict[str, str] = {}
    with store.transaction():
        for step in scenario.steps:
            params = {key: refs[value[1:]] if isinstance(value, str) and value.startswith("$") else value
                      for key, value in step.params.items()}
            try:
                result = pack.scenario_actions[step.action](arranger, **params)
            except ConfigurationError as exc:
                raise ScenarioError(f"scenario {scenario.origin}, line {step.line}: {step.action}: {exc}") from None
            if step.save_as:
                refs[step.save_as] = str(getattr(result, "id", result))
    return Applied(scenario.name, refs)


def apply_all(pack: Pack, names: str | None, store: Store, world: WorldInfo) -> list[Applied]:
    """Apply comma-separated scenario names or paths (``Settings.scenario``), in order."""
    return [apply(pack, load(pack, name.strip()), store, world) for name in (names or "").split(",") if name.strip()]

"""The ML-backend coupling against the real Label Studio 0.8.1 and the mock, each pointing at its own fake backend
(``tests/packs/labelstudio/fake_ml_backend.py``): the answers must agree as in ``test_differential.py``, and so
must the calls each backend received during each exchange (method, path, query and body, normalised). Accepted
differences are listed in ``fixtures/labelstudio/compare/accepted.yaml`` (``differs`` may name ``calls``)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import pytest
import yaml

from differential_tests.labelstudio.conftest import Servers, free_port, server_pair
from differential_tests.labelstudio.flows import IMAGE, choice
from differential_tests.labelstudio.test_differential import KNOWN, MOCK_DIR, differences, normalised, send, shape
from tests.packs.labelstudio.fake_ml_backend import Call, FakeMLBackend

BACKEND, CLOSED = "@backend@", "@closed@"
"""Placeholders in a step's path or body: the side's own fake backend, and a port nothing listens on."""
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}")
GENERATED_NAME = re.compile(r"\bproject[0-9a-f]{4}\b")


@dataclasses.dataclass(frozen=True)
class Arrange:
    """Not an exchange: the same change to both fake backends."""

    label: str
    change: Callable[[FakeMLBackend], None]


def _set(**fields: Any) -> Callable[[FakeMLBackend], None]:
    def change(backend: FakeMLBackend) -> None:
        for name, value in fields.items():
            setattr(backend, name, value)

    return change


Step = tuple[str, str, str, Any] | Arrange

FLOW: list[Step] = [
    ("config", "POST", "/api/project/config", {"label_config": IMAGE}),
    ("import", "POST", "/api/project/import",
     [{"image": "a.png"}, {"image": "b.png"},
      {"data": {"image": "c.png"}, "predictions": [{"result": [], "score": 0.3}]}]),
    ("models without a backend", "GET", "/api/models", None),
    ("train without a backend", "POST", "/api/models/train", None),
    ("predictions without a backend", "POST", "/api/models/predictions?mode=all_tasks", None),
    ("a backend that is no URL", "PATCH", "/api/project", {"ml_backend": "nope"}),
    ("a backend that is a number", "PATCH", "/api/project", {"ml_backend": 5}),
    ("a backend that is a list", "PATCH", "/api/project", {"ml_backend": ["http://x"]}),
    ("a named backend that is no URL", "PATCH", "/api/project", {"ml_backend": "x=httpfoo"}),
    ("a body that is a list", "PATCH", "/api/project", ["ml_backend"]),
    ("a body that is a string", "PATCH", "/api/project", "xml_backend"),
    ("an unreachable backend", "PATCH", "/api/project", {"ml_backend": f"http://127.0.0.1:{CLOSED}"}),
    ("models after refusals", "GET", "/api/models", None),
    ("connect by name", "PATCH", "/api/project", {"ml_backend": f"fake={BACKEND}"}),
    ("the project", "GET", "/api/project", None),
    ("models", "GET", "/api/models", None),
    ("an open task", "GET", "/api/tasks/0", None),
    ("a task with imported predictions", "GET", "/api/tasks/2", None),
    ("next", "GET", "/api/project/next", None),
    ("label task 1", "POST", "/api/tasks/1/completions", {"result": choice("Dog")}),
    ("a done task", "GET", "/api/tasks/1", None),
    ("predict posted data", "POST", "/api/models/predictions", {"image": "x.png"}),
    ("predict a posted task", "POST", "/api/models/predictions?mode=data", {"id": 7, "data": {"image": "y.png"}}),
    ("predict nothing", "POST", "/api/models/predictions", None),
    ("predict with GET and a body", "GET", "/api/models/predictions", {"image": "g.png"}),
    ("predict with GET and no body", "GET", "/api/models/predictions", None),
    ("predict a list", "POST", "/api/models/predictions", [{"image": "l.png"}]),
    ("predict a list naming data", "POST", "/api/models/predictions", ["data"]),
    ("predict a number", "POST", "/api/models/predictions", 5),
    ("predict a string", "POST", "/api/models/predictions", "some text"),
    ("deprecated predict", "POST", "/predict", {"image": "d.png"}),
    ("deprecated predict of a list naming data", "POST", "/predict", ["data"]),
    ("an unknown mode", "POST", "/api/models/predictions?mode=some", {"image": "x.png"}),
    ("all tasks", "POST", "/api/models/predictions?mode=all_tasks", None),
    ("the tasks after all_tasks", "GET", "/api/tasks?fields=all", None),
    Arrange("predict fails", _set(failing={"/predict"})),
    ("a task while predict fails", "GET", "/api/tasks/2", None),
    ("next while predict fails", "GET", "/api/project/next", None),
    Arrange("setup fails", _set(failing={"/setup"})),
    ("a task while setup fails", "GET", "/api/tasks/0", None),
    Arrange("predict answers no results", _set(failing=set(), overrides={"/predict": (200, {"results": []})})),
    ("a task while predict answers no results", "GET", "/api/tasks/0", None),
    Arrange("predict answers a string", _set(overrides={"/predict": (200, {"results": ["x"]})})),
    ("a task while predict answers a string", "GET", "/api/tasks/0", None),
    Arrange("setup answers a list", _set(overrides={"/setup": (200, [])})),
    ("a task while setup answers a list", "GET", "/api/tasks/0", None),
    Arrange("health answers no JSON", _set(overrides={"/health": (200, b"up")})),
    ("a task while health answers no JSON", "GET", "/api/tasks/0", None),
    ("connect while health answers no JSON", "PATCH", "/api/project", {"ml_backend": f"other={BACKEND}"}),
    Arrange("is_training answers no flag", _set(overrides={"/is_training": (200, {})})),
    ("train while is_training answers no flag", "POST", "/api/models/train", None),
    Arrange("train answers a list", _set(overrides={"/train": (201, [])})),
    ("train while train answers a list", "POST", "/api/models/train", None),
    Arrange("train answers no JSON", _set(overrides={"/train": (201, b"started")})),
    ("train while train answers no JSON", "POST", "/api/models/train", None),
    Arrange("train answers a number job", _set(overrides={"/train": (201, {"job": 5})})),
    ("train while train answers a number job", "POST", "/api/models/train", None),
    Arrange("no overrides", _set(overrides={})),
    Arrange("health fails", _set(failing={"/health"})),
    ("a task while health fails", "GET", "/api/tasks/0", None),
    ("train while health fails", "POST", "/api/models/train", None),
    Arrange("healthy again", _set(failing=set())),
    ("train", "POST", "/api/models/train", None),
    Arrange("training", _set(training=True)),
    ("train while training", "POST", "/api/models/train", None),
    Arrange("is_training fails", _set(training=False, failing={"/is_training"})),
    ("train while is_training fails", "POST", "/api/models/train", None),
    Arrange("train fails", _set(failing={"/train"})),
    ("train while train fails", "POST", "/api/models/train", None),
    Arrange("healthy, train jobs", _set(failing=set(), job_ids=True)),
    ("train with a job", "POST", "/api/models/train", None),
    ("train after a job", "POST", "/api/models/train", None),
    Arrange("training again", _set(training=True)),
    ("train while the job runs", "POST", "/api/models/train", None),
    Arrange("not training", _set(training=False, job_ids=False)),
    ("deprecated train", "POST", "/api/train", None),
    ("connect a second, unnamed", "PATCH", "/api/project", {"ml_backend": BACKEND}),
    ("two models", "GET", "/api/models", None),
    ("a task from two backends", "GET", "/api/tasks/0", None),
    ("save the config again", "POST", "/api/project/config", {"label_config": IMAGE}),
    ("disconnect an unknown name", "DELETE", "/api/models", {"name": "nope"}),
    ("disconnect without a name", "DELETE", "/api/models", {}),
    ("disconnect a number", "DELETE", "/api/models", {"name": 5}),
    ("disconnect fake", "DELETE", "/api/models", {"name": "fake"}),
    ("deprecated disconnect of an unknown name", "POST", "/api/remove-ml-backend", {"name": "fake"}),
    ("models after disconnecting", "GET", "/api/models", None),
    ("reconnect fake", "PATCH", "/api/project", {"ml_backend": f"fake={BACKEND}"}),
    ("train after reconnecting", "POST", "/api/models/train", None),
    ("delete all tasks", "DELETE", "/api/tasks", None),
    ("next without tasks", "GET", "/api/project/next", None),
]


def placed(value: Any, backend: str, closed: int) -> Any:
    text = json.dumps(value).replace(BACKEND, backend).replace(CLOSED, str(closed))
    return json.loads(text)


def scrubbed(text: str, backend: str) -> str:
    """The side's backend URL, generated backend names and prediction times made comparable."""
    for url in (backend, backend.replace("/", "\\/")):
        text = text.replace(url, "<backend>")
    return ISO_TIME.sub("<local iso time>", GENERATED_NAME.sub("project<4 hex>", text))


def answer_shape(response: httpx.Response, directory: str, backend: str) -> dict[str, Any]:
    seen = shape(response, directory)
    seen["bytes"] = scrubbed(seen["bytes"], backend)
    seen["body"] = json.loads(scrubbed(json.dumps(seen["body"]), backend))
    return seen


def call_shape(call: Call, directory: str, backend: str) -> list[Any]:
    body = normalised(call.body, directory)
    if call.path == "/train" and isinstance(body, dict):  # the real server lists completion files unordered
        body["completions"] = sorted(body["completions"], key=lambda c: c.get("id", -1))
    shown: list[Any] = json.loads(scrubbed(json.dumps([call.method, call.path, call.query, body], sort_keys=True),
                                           backend))
    return shown


@pytest.fixture(scope="module")
def ml_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """A fresh pair; the real server keeps train jobs under XDG_DATA_HOME, here a directory of its own."""
    work = tmp_path_factory.mktemp("labelstudio-ml")
    with mock.patch.dict(os.environ, {"XDG_DATA_HOME": str(work / "data")}), server_pair(work, "empty") as pair:
        yield pair


@pytest.fixture
def fakes() -> Iterator[tuple[FakeMLBackend, FakeMLBackend]]:
    with FakeMLBackend.running() as real, FakeMLBackend.running() as mocked:
        yield real, mocked


def test_ml_backend_coupling_as_the_real_server(ml_servers: Servers,
                                                fakes: tuple[FakeMLBackend, FakeMLBackend]) -> None:
    known = {entry["exchange"]: entry for entry in yaml.safe_load(KNOWN.read_text()) or []}
    closed, flow = free_port(), "ml backend"
    sides = ((ml_servers.real, ml_servers.real_dir, fakes[0]), (ml_servers.mock, MOCK_DIR, fakes[1]))
    unexplained, seen, exchanges, calls, started = [], set(), 0, 0, time.monotonic()
    with httpx.Client(timeout=60) as client:
        for step in FLOW:
            if isinstance(step, Arrange):
                for *_, fake in sides:
                    step.change(fake)
                continue
            label, method, path, body = step
            shapes = []
            for base, directory, fake in sides:
                fake.calls.clear()
                response = send(client, base, method, placed(path, fake.url, closed), placed(body, fake.url, closed))
                answer = answer_shape(response, directory, fake.url)
                answer["calls"] = [call_shape(call, directory, fake.url) for call in fake.calls]
                shapes.append(answer)
            real, mocked = shapes
            exchanges, calls = exchanges + 1, calls + len(real["calls"])
            differ = differences(real, mocked) + (["calls"] if real["calls"] != mocked["calls"] else [])
            if not differ:
                continue
            exchange = f"{flow}: {label}"
            listed = known.get(exchange)
            if listed is not None and sorted(listed["differs"]) == sorted(differ):
                seen.add(exchange)
                continue
            unexplained.append(f"{exchange} ({method} {path}) differs in {differ}:\n"
                               f"  real: {json.dumps(real)[:2500]}\n  mock: {json.dumps(mocked)[:2500]}")
    print(f"\n{exchanges} exchanges, {calls} backend calls on the real side, {len(seen) + len(unexplained)} differ: "
          f"{len(seen)} known, {len(unexplained)} unexplained ({time.monotonic() - started:.1f} s)")
    stale = sorted(name for name in set(known) - seen if name.split(": ", 1)[0] == flow)
    assert not unexplained, "\n".join(unexplained)
    assert not stale, f"listed in {KNOWN.name} but no longer different: {stale}"


def test_the_flow_is_well_formed() -> None:
    labels = [step.label if isinstance(step, Arrange) else step[0] for step in FLOW]
    assert len(labels) == len(set(labels))
    assert Path(KNOWN).exists()

"""``mockserver import-world --api labelstudio``: traffic recorded from a served mock becomes a scenario, and the
empty world with that scenario answers as the traffic's last answers did."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from click.testing import CliRunner
from starlette.testclient import TestClient

from mockserver import Settings, create_app, har
from mockserver.app import MockApp
from mockserver.cli import main
from mockserver.pack import load_pack
from tests.packs.labelstudio.conftest import IMAGE_CONFIG, choice

NOW_MS = 1_700_000_000_000
"""The recorded mock's clock (completions it stamps) and the time of every recorded exchange."""
BIRD_CONFIG = IMAGE_CONFIG.replace('<Choice value="Dog"/>', '<Choice value="Dog"/>\n  <Choice value="Bird"/>')


class Recorder:
    """Requests to a served mock, kept as HAR entries (as ``mockserver record`` keeps a deployment's)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.entries: list[har.Entry] = []

    def __call__(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.client.request(method, path, **kwargs)
        request = response.request
        self.entries.append(har.Entry(
            har.Request(method, str(request.url), tuple(request.headers.items()), request.content),
            har.Response(response.status_code, tuple(response.headers.items()), response.content),
            started=datetime.datetime.fromtimestamp(NOW_MS / 1000, datetime.UTC)))
        return response

    def last_answers(self) -> dict[str, bytes]:
        """Target → the body of the last successful GET of it."""
        return {e.request.target: e.response.body for e in self.entries
                if e.request.method == "GET" and e.response.status == 200}


@pytest.fixture
def record(ls_app: MockApp, monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    """A recorder in front of the freshly reset default world (20 tasks, 5 done, 3 predicted)."""
    ls_app.backend.store.reset()
    monkeypatch.setattr(ls_app.backend, "clock", lambda: NOW_MS)
    with ls_app.test_client() as client:
        yield Recorder(client)


def import_world(tmp_path: Path, entries: list[har.Entry]) -> tuple[Path, str]:
    """Write the HAR, run the command; the scenario file and the summary line."""
    har.write(tmp_path / "traffic.har", entries)
    scenario = tmp_path / "scenario.yaml"
    result = CliRunner().invoke(main, ["import-world", str(tmp_path / "traffic.har"), "--api", "labelstudio",
                                       "-o", str(scenario)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr.count("\n") == 1
    return scenario, result.stderr.strip()


def served(scenario: Path) -> TestClient:
    """The empty world with the scenario loaded, as ``serve --api labelstudio --recipe empty --scenario FILE``."""
    return create_app(Settings(api="labelstudio", seed=1, recipe="empty", scenario=str(scenario))).test_client()


def read_everything(record: Recorder) -> None:
    record("GET", "/api/project")
    for page in (1, 2, 3):
        record("GET", f"/api/tasks?page={page}&page_size=10")
    for task in record("GET", "/api/tasks?page_size=100").json():
        record("GET", f"/api/tasks/{task['id']}")


def test_the_mock_answers_as_the_traffic_last_did(record: Recorder, tmp_path: Path) -> None:
    record("POST", "/api/project/config", json={"label_config": BIRD_CONFIG})
    record("POST", "/api/project/import", json=[{"image": "a.jpg"},
                                                {"data": {"image": "b.jpg"}, "predictions": [{"result": []}]}])
    record("POST", "/api/tasks/20/completions", json={"result": choice("Bird"), "lead_time": 2.5})
    record("DELETE", "/api/tasks/4")
    record("DELETE", "/api/tasks/2/completions")
    read_everything(record)
    scenario, summary = import_world(tmp_path, record.entries)
    tasks = record.client.get("/api/tasks?page_size=100").json()
    completions = sum(len(t["completions"]) for t in tasks if "completed_at" in t)
    predictions = sum(len(t.get("predictions") or []) for t in tasks)
    assert summary == (f"1 project config, 21 tasks, {completions} completions, {predictions} predictions; 1 task "
                       "deleted; 1 exchange not mapped (1 completion writes to tasks not seen)")
    with served(scenario) as mock:
        for target, body in record.last_answers().items():
            assert json.loads(mock.get(target).content) == json.loads(body), target
            if target.startswith("/api/tasks/"):
                assert mock.get(target).content == body, target  # the same bytes: key order kept
        assert mock.get("/api/tasks/4").status_code == 500
        assert mock.post("/api/project/import", json={"image": "c.jpg"}).json()["new_task_ids"] == [22]


def test_the_config_saved_is_kept_with_its_line_breaks(record: Recorder, tmp_path: Path) -> None:
    record("POST", "/api/project/config", json={"label_config": BIRD_CONFIG})
    record("GET", "/api/project")
    scenario, _ = import_world(tmp_path, record.entries)
    [project] = [step["set_project"] for step in yaml.safe_load(scenario.read_text())["steps"]]
    assert project["label_config"] == BIRD_CONFIG and project["label_config_updated"] is True
    with served(scenario) as mock:
        shown, recorded = mock.get("/api/project").json(), json.loads(record.entries[-1].response.body)
        assert (shown["task_count"], recorded["task_count"]) == (0, 20)  # no task was in the traffic
        assert {**shown, "task_count": 20, "completion_count": 5} == recorded


def test_writes_without_a_later_read_are_applied_as_the_server_applies_them(
        record: Recorder, tmp_path: Path) -> None:
    read_everything(record)
    record("POST", "/api/project/import", json=[{"data": {"image": "new.jpg"}, "completions": [
        {"result": choice("Dog")}]}])
    record("POST", "/api/tasks/0/completions", json={"result": choice("Cat")})
    record("POST", "/api/tasks/1/completions?was_cancelled=1", json={"result": []})
    record("PATCH", "/api/tasks/0/completions/1", json={"result": choice("Dog"), "was_cancelled": True})
    record("DELETE", "/api/tasks/2/completions/2001")
    record("DELETE", "/api/tasks/5")
    record("DELETE", "/api/tasks/7/completions")
    scenario, summary = import_world(tmp_path, record.entries)
    assert "exchanges not mapped" not in summary
    with served(scenario) as mock:
        for target in ["/api/project", "/api/tasks?page_size=100", *(f"/api/tasks/{i}" for i in range(21))]:
            assert mock.get(target).content == record.client.get(target).content, target


def test_deleting_every_task_starts_the_ids_again(record: Recorder, tmp_path: Path) -> None:
    read_everything(record)
    record("DELETE", "/api/tasks")
    record("POST", "/api/project/import", json=[{"image": "x.jpg"}, {"image": "y.jpg"}])
    scenario, summary = import_world(tmp_path, record.entries)
    assert summary == "1 project config, 2 tasks; 20 tasks deleted"
    steps = yaml.safe_load(scenario.read_text())["steps"]
    assert [step["put_task"]["id"] for step in steps if "put_task" in step] == [0, 1]
    with served(scenario) as mock:
        assert mock.get("/api/tasks").content == record.client.get("/api/tasks").content


def test_what_is_not_mapped_is_counted(record: Recorder, tmp_path: Path) -> None:
    record("GET", "/api/project")
    record("GET", "/api/models")
    record("GET", "/api/tasks/999")
    record("GET", "/api/tasks/abc")
    record("POST", "/api/project/import", files={"file": ("tasks.csv", b"image\nz.jpg\n", "text/csv")})
    entries = [*record.entries, har.Entry(har.Request("GET", "http://testserver/api/tasks/1"),
                                          har.Response(200, body=b'{"id": 1, "da', truncated=True))]
    _, summary = import_world(tmp_path, entries)
    assert summary == ("1 project config; 5 exchanges not mapped (2 answered 5xx, 1 GET /api/models, 1 file imports, "
                       "1 truncated answer body)")


def test_task_pages_with_fields_give_what_they_name(record: Recorder) -> None:
    record("GET", "/api/tasks?fields=id,data&page_size=100")
    done = record("GET", "/api/tasks?fields=id,completions,completed_at&order=-completed_at&page_size=5").json()
    imported = load_pack("labelstudio").world_from_traffic
    assert imported is not None
    tasks = {params["id"]: params for action, params in imported(record.entries).steps if action == "put_task"}
    done_ids = {task["id"] for task in done}
    assert len(tasks) == 20 and len(done_ids) == 5
    for task_id, task in tasks.items():
        shown = record.client.get(f"/api/tasks/{task_id}").json()
        assert task["data"] == shown["data"] and "imported_completions" not in task
        assert task.get("completions") == (shown["completions"] if task_id in done_ids else None)

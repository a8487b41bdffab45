"""``/__admin`` over HTTP, against a real server (the plugin's ``mockserver`` fixture)."""

from __future__ import annotations

import time

import httpx
import pytest
import yaml
from openapi_spec_validator import validate

from mockserver.admin import HANDLERS
from mockserver.pytest_plugin import MockServer
from mockserver.resources import spec_dir
from mockserver.settings import Settings, derived_admin_key


@pytest.fixture
def admin(mockserver: MockServer) -> httpx.Client:
    return mockserver.admin()


def test_admin_spec_is_valid_and_every_operation_has_a_handler() -> None:
    document = yaml.safe_load((spec_dir() / "admin" / "openapi.yaml").read_text())
    validate(document)
    operations = {op["operationId"] for item in document["paths"].values() for op in item.values()
                  if isinstance(op, dict) and "operationId" in op}
    assert operations == set(HANDLERS)


def test_only_the_admin_key_opens_the_admin_api(mockserver: MockServer) -> None:
    url = f"{mockserver.url}/__admin/"
    for headers in ({}, {"X-Admin-Key": "wrong"}, mockserver.headers("admin"),
                    {"X-Auth-Token": mockserver.admin_key}):
        response = httpx.get(url, headers=headers)
        assert response.status_code == 401 and response.headers["content-type"].startswith("text/plain")
    assert httpx.get(url, headers={"X-Admin-Key": mockserver.admin_key}).status_code == 200
    assert httpx.get(f"{mockserver.api_url}/user", headers={"X-Admin-Key": mockserver.admin_key}).status_code == 401


def test_default_key_is_derived_from_the_seed() -> None:
    assert Settings(seed=3).effective_admin_key == Settings(seed=3).effective_admin_key == derived_admin_key(3)
    assert derived_admin_key(3) != derived_admin_key(4)
    assert Settings(seed=3, admin_key="mine").effective_admin_key == "mine"


def test_reset_returns_to_the_start_and_clears_journal_and_rules(mockserver: MockServer, admin: httpx.Client) -> None:
    users = mockserver.client("admin")
    created = users.post("/teams", json={"name": "temporary_lab"}).json()
    admin.post("/rules", json={"kind": "latency", "delayMs": 1})
    state = admin.post("/reset").json()
    assert state["seed"] == 1 and state["recipe"] == "default" and len(state["users"]) == 3
    assert created["id"] not in {team["id"] for team in users.get("/teams").json()}
    assert admin.get("/rules").json() == []
    assert [e["path"] for e in admin.get("/journal").json()["entries"]] == ["/api/v5/teams"]


def test_reset_keeps_journal_and_rules_when_asked(mockserver: MockServer, admin: httpx.Client) -> None:
    mockserver.client().get("/user")
    admin.post("/rules", json={"kind": "latency", "delayMs": 1})
    admin.post("/reset", json={"journal": False, "rules": False})
    assert admin.get("/journal/count").json() == {"count": 1} and len(admin.get("/rules").json()) == 1


def test_reset_to_another_seed_switches_the_world(mockserver: MockServer, admin: httpx.Client) -> None:
    before = mockserver.token("user")
    state = admin.post("/reset", json={"seed": 7, "recipe": "tiny"}).json()
    assert (state["seed"], state["recipe"]) == (7, "tiny") and mockserver.token("user") != before
    me = httpx.get(f"{mockserver.api_url}/user", headers=mockserver.headers("user"))
    assert me.status_code == 200 and me.json()["email"] == state["users"][2]["email"]
    assert admin.post("/reset", json={"recipe": "no_such_recipe"}).status_code == 400


def test_snapshots(mockserver: MockServer, admin: httpx.Client) -> None:
    users = mockserver.client("admin")
    assert admin.post("/snapshots", json={"name": "before"}).status_code == 201
    team = users.post("/teams", json={"name": "snap_lab"}).json()
    assert admin.post("/snapshots", json={"name": "after"}).json()["name"] == "after"
    assert [s["name"] for s in admin.get("/snapshots").json()] == ["after", "before"]
    admin.post("/snapshots/before/restore")
    assert team["id"] not in {t["id"] for t in users.get("/teams").json()}
    admin.post("/snapshots/after/restore")
    assert team["id"] in {t["id"] for t in users.get("/teams").json()}
    assert admin.delete("/snapshots/after").status_code == 204
    assert admin.post("/snapshots/after/restore").status_code == 404
    assert admin.delete("/snapshots/after").status_code == 404
    assert admin.post("/snapshots", json={"name": "no/slash"}).status_code == 400
    for name in ("before",):
        admin.delete(f"/snapshots/{name}")


def test_export_and_import_the_world(mockserver: MockServer, admin: httpx.Client) -> None:
    exported = admin.get("/world").json()
    assert exported["format"] == "mockserver-world/1" and len(exported["tables"]["users"]) == 50
    exported["tables"]["teams"][0]["name"] = "renamed_lab"
    assert admin.put("/world", json=exported).status_code == 200
    assert "renamed_lab" in {t["name"] for t in mockserver.client("admin").get("/teams").json()}
    exported["tables"]["teams"][0]["name"] = 42
    refused = admin.put("/world", json=exported)
    assert refused.status_code == 400
    assert refused.json()["messages"][0]["error"] == "tables.teams[0].name: expected a string, got 42"
    assert admin.put("/world", json={"format": "other", "tables": {}}).status_code == 400
    assert "renamed_lab" in {t["name"] for t in mockserver.client("admin").get("/teams").json()}


def test_journal(mockserver: MockServer, admin: httpx.Client) -> None:
    client = mockserver.client("user")
    client.get("/user", params={"token": mockserver.token("user")})
    client.post("/user/tasks/request")
    httpx.get(f"{mockserver.url}/api/v5/tasks/nope")
    admin.get("/journal")  # admin requests are not journaled
    result = admin.get("/journal").json()
    assert result["count"] == 3
    assert [(e["method"], e["path"], e["status"]) for e in result["entries"]] == [
        ("GET", "/api/v5/tasks/nope", 401), ("POST", "/api/v5/user/tasks/request", 200),
        ("GET", "/api/v5/user", 200)]
    assert result["entries"][2]["query"] == "token=redacted" and result["entries"][2]["durationMs"] > 0
    assert admin.get("/journal", params={"method": "POST"}).json()["count"] == 1
    assert admin.get("/journal", params={"path": "/api/*/user/**", "limit": 1}).json()["count"] == 1
    assert admin.get("/journal/count", params={"path": "/api/v5/**"}).json() == {"count": 3}
    assert admin.get("/journal", params={"limit": 1}).json()["entries"][0]["path"] == "/api/v5/tasks/nope"
    assert admin.delete("/journal").status_code == 204 and admin.get("/journal/count").json() == {"count": 0}


def test_status_fault_then_normal_again(mockserver: MockServer, admin: httpx.Client) -> None:
    rule = admin.post("/rules", json={"kind": "status", "method": "GET", "path": "/api/*/user", "status": 503,
                                      "body": {"messages": [{"error": "maintenance"}]}, "times": 1}).json()
    client = mockserver.client()
    first, second = client.get("/user"), client.get("/user")
    assert first.status_code == 503 and first.json() == {"messages": [{"error": "maintenance"}]}
    assert second.status_code == 200
    assert admin.get(f"/rules/{rule['id']}").json()["applied"] == 1
    assert [e["fault"] for e in admin.get("/journal").json()["entries"]] == [None, "status"]


def test_text_body_and_nth_request(mockserver: MockServer, admin: httpx.Client) -> None:
    admin.post("/rules", json={"kind": "status", "path": "/api/v5/user", "status": 502, "body": "bad gateway",
                               "nth": 2})
    client = mockserver.client()
    statuses = [client.get("/user") for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 502, 200] and statuses[1].text == "bad gateway"


def test_latency_fixed_and_disabled(mockserver: MockServer, admin: httpx.Client) -> None:
    rule = admin.post("/rules", json={"kind": "latency", "path": "/api/v5/user", "delayMs": 150}).json()
    client = mockserver.client()
    started = time.perf_counter()
    client.get("/user")
    assert time.perf_counter() - started >= 0.15
    assert admin.patch(f"/rules/{rule['id']}", json={"enabled": False}).json()["enabled"] is False
    started = time.perf_counter()
    client.get("/user")
    assert time.perf_counter() - started < 0.15
    assert admin.get("/journal").json()["entries"][1]["fault"] == "latency"


def test_rule_errors(admin: httpx.Client) -> None:
    assert admin.post("/rules", json={"kind": "latency"}).json() == {"messages": [{"error": "minMs is required"}]}
    assert admin.post("/rules", json={"kind": "explode"}).status_code == 400
    assert admin.post("/rules", json={"kind": "drop", "status": 500}).status_code == 400
    assert admin.get("/rules/r999").status_code == 404
    assert admin.patch("/rules/r999", json={"enabled": True}).status_code == 404
    assert admin.delete("/rules/r999").status_code == 404
    admin.post("/rules", json={"kind": "drop", "path": "/nowhere"})
    assert admin.delete("/rules").status_code == 204 and admin.get("/rules").json() == []


@pytest.mark.parametrize(("kind", "error"), [
    ("reset", httpx.ReadError), ("drop", httpx.RemoteProtocolError), ("truncate", httpx.RemoteProtocolError)])
def test_connection_faults(mockserver: MockServer, admin: httpx.Client, kind: str, error: type[Exception]) -> None:
    admin.post("/rules", json={"kind": kind, "path": "/api/v5/users", "times": 1})
    client = mockserver.client("admin")
    with pytest.raises(error):
        client.get("/users")
    assert client.get("/users").status_code == 200
    entry = admin.get("/journal").json()["entries"][1]
    assert entry["fault"] == kind and entry["status"] == (200 if kind == "truncate" else None)


def test_timeout_holds_the_request_until_the_client_gives_up(mockserver: MockServer, admin: httpx.Client) -> None:
    admin.post("/rules", json={"kind": "timeout", "path": "/api/v5/user", "seconds": 10})
    started = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):
        mockserver.client(timeout=0.3).get("/user")
    assert time.perf_counter() - started < 5
    admin.post("/rules", json={"kind": "timeout", "path": "/api/v5/teams", "seconds": 0.1})
    with pytest.raises(httpx.RemoteProtocolError):  # the server gives up first and closes
        mockserver.client(timeout=5).get("/teams")


def test_scenarios(mockserver: MockServer, admin: httpx.Client) -> None:
    names = [s["name"] for s in admin.get("/scenarios").json()]
    assert {"large_project", "no_tasks_left", "paused_project", "dataset_not_active",
            "annotation_finished_by_another_user"} <= set(names)
    assert admin.post("/scenarios/no_tasks_left").json() == {"name": "no_tasks_left", "refs": {}}
    assert mockserver.client().post("/user/tasks/request").status_code == 400
    assert admin.post("/scenarios/no_such_scenario").status_code == 404
    loaded = admin.post("/scenarios", json={"name": "mine", "source": "description: d\nsteps:\n"
                                            "  - add_team: {name: scenario_lab, as: team}\n"}).json()
    assert loaded["name"] == "mine" and set(loaded["refs"]) == {"team"}
    bad = admin.post("/scenarios", json={"source": "description: d\nsteps:\n  - add_teem: {}\n"})
    assert bad.status_code == 400 and "line 3: unknown action 'add_teem'" in bad.json()["messages"][0]["error"]

"""Tokens and the admin key never reach the logs of ``mockserver serve`` nor the request journal.

One real ``mockserver serve`` process (debug log level, every request logged). Its users get fresh
tokens through ``PUT /__admin/world``, so no user token of the run was ever printed in the start-up
banner; the admin key, which the banner prints on purpose, is allowed on exactly that banner line.
Then every place the mock accepts a secret is used, with succeeding and failing requests: personal
tokens in ``X-Auth-Token`` (200, 401, 404, 400 for malformed JSON and for a body echoing the token,
a 500 injected by a fault rule), a datastore token and a personal token in ``?token=`` and the
header of the datastore routes, a dataset sharing token in ``?sharingToken=``, a personal token in
``?token=`` of an API route (not a log-in there, reference §5), an unknown token, the admin key and
a wrong one in ``X-Admin-Key``. ``tests/test_admin.py::test_only_the_admin_key_opens_the_admin_api``
checks the 401s of ``GET /__admin/`` (no key, wrong key, a user token, the key as a user token);
``test_every_admin_operation_needs_the_admin_key`` below extends that to every admin operation.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml

from mockserver.admin import AdminErrors
from mockserver.resources import spec_dir
from tests.test_serve import Served

METHODS = ("get", "put", "post", "patch", "delete")
DATASET = "/datasets/sample_organization/l4_sample"
UNKNOWN = "0" * 24


class Secrets:
    """Every secret the test sends; ``found_in`` names those that show up in a text."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def add(self, name: str, value: str) -> str:
        assert len(value) >= 16, name  # long enough not to occur by chance
        self.values[name] = value
        return value

    def found_in(self, text: str) -> list[str]:
        return sorted(name for name, value in self.values.items() if value in text)


@pytest.fixture
def server() -> Iterator[tuple[Served, str]]:
    admin_key = f"admin-key-{secrets.token_hex(16)}"
    served = Served("--recipe", "tiny", "--seed", "5", "--log-level", "debug", "--request-log-limit", "100000",
                    "--admin-key", admin_key)
    try:
        yield served, admin_key
    finally:
        served.stop()


def fresh_tokens(admin: httpx.Client, found: Secrets) -> dict[str, str]:
    """New tokens for every user (never printed by the banner); returns role → token for admin and a plain user."""
    world = admin.get("/world").json()
    users = world["tables"]["users"]
    for row in users:
        row["token"] = found.add(f"token of {row['email']}", f"fresh-{secrets.token_urlsafe(18)}")
    assert admin.put("/world", json=world).status_code == 200
    admins = [u for u in users if u["is_admin"] and u["is_active"]]
    plain = [u for u in users if not u["is_admin"] and u["is_active"]]
    return {"admin": admins[0]["token"], "user": plain[0]["token"]}


def use_every_secret(url: str, admin: httpx.Client, tokens: dict[str, str], found: Secrets) -> list[int]:
    """Requests that carry a secret in every accepted place; returns their statuses."""
    api, user = f"{url}/api/v5", {"X-Auth-Token": tokens["user"]}
    bad = found.add("unknown token", f"unknown-{secrets.token_urlsafe(18)}")
    sent = [
        httpx.get(f"{api}/user", headers=user),
        httpx.get(f"{api}/user", headers={"X-Auth-Token": bad}),
        httpx.get(f"{api}/user", params={"token": tokens["user"]}),
        httpx.get(f"{api}/annotations/Explorational/{UNKNOWN}/info", params={"timestamp": 1}, headers=user),
        httpx.post(f"{api}/tasks", content=b"{not json", headers={**user, "Content-Type": "application/json"}),
        httpx.post(f"{api}/projects", json={"name": tokens["user"], "team": 5}, headers=user),
    ]
    assert admin.post("/rules", json={"kind": "status", "path": "/api/v5/user", "status": 500, "times": 1}
                      ).status_code == 201
    sent.append(httpx.get(f"{api}/user", headers=user))
    generated = httpx.post(f"{api}/userToken/generate", headers=user).json()["token"]
    datastore_token = found.add("datastore token", generated)
    zgroup = f"{url}/data/zarr/sample_organization/l4_sample/.zgroup"
    sent += [httpx.get(zgroup, params={"token": datastore_token}), httpx.get(zgroup, params={"token": bad}),
             httpx.get(zgroup, headers=user)]
    admin_headers = {"X-Auth-Token": tokens["admin"]}
    sharing = found.add("sharing token", httpx.get(f"{api}{DATASET}/sharingToken", headers=admin_headers
                                                   ).json()["sharingToken"])
    sent += [httpx.get(f"{api}{DATASET}", params={"sharingToken": sharing}),
             httpx.get(f"{api}{DATASET}", params={"sharingToken": bad})]
    wrong_key = found.add("wrong admin key", f"wrong-key-{secrets.token_hex(12)}")
    sent.append(httpx.get(f"{url}/__admin/journal", headers={"X-Admin-Key": wrong_key}))
    return [response.status_code for response in sent]


def test_tokens_and_the_admin_key_never_reach_the_logs_or_the_journal(server: tuple[Served, str]) -> None:
    served, admin_key = server
    found = Secrets()
    found.add("admin key", admin_key)
    with httpx.Client(base_url=f"{served.url}/__admin", headers={"X-Admin-Key": admin_key}) as admin:
        tokens = fresh_tokens(admin, found)
        statuses = use_every_secret(served.url, admin, tokens, found)
        journal = admin.get("/journal", params={"limit": 1000}).text
    assert statuses == [200, 401, 401, 404, 400, 400, 500, 200, 403, 200, 200, 404, 401]
    served.stop()  # flushes the request log

    banner_line = f"__admin     {served.url}/__admin/ui/   X-Admin-Key: {admin_key}"
    log = "".join(line for line in served.lines if line.strip() != banner_line)
    assert sum(line.strip() == banner_line for line in served.lines) == 1
    assert found.found_in(log) == []
    assert found.found_in(journal) == []
    # the requests were logged and journaled, with the token values of query strings redacted
    assert "GET /api/v5/user?token=redacted 401" in log and "GET /data/zarr/sample_organization/l4_sample/.zgroup?" \
        "token=redacted 200" in log
    assert '"query":"sharingToken=redacted"' in journal.replace(" ", "")
    assert "POST /api/v5/tasks 400" in log and "GET /api/v5/user 500" in log


def admin_operations() -> list[tuple[str, str]]:
    document = yaml.safe_load((spec_dir() / "admin" / "openapi.yaml").read_text())
    return [(method.upper(), path) for path, item in document["paths"].items() for method in METHODS if method in item]


def test_every_admin_operation_needs_the_admin_key(server: tuple[Served, str]) -> None:
    """No key, a wrong key, a user token, the key as a user token: 401 in plain text, and nothing changes."""
    served, admin_key = server
    with httpx.Client(base_url=f"{served.url}/__admin", headers={"X-Admin-Key": admin_key}) as admin:
        before = admin.get("/world").json()
    user_token = next(u["token"] for u in before["tables"]["users"] if u["is_active"])
    wrong: dict[str, Any] = {}
    for method, path in admin_operations():
        concrete = path.replace("{name}", "snap").replace("{id}", "1")
        for headers in ({}, {"X-Admin-Key": "wrong"}, {"X-Auth-Token": user_token}, {"X-Auth-Token": admin_key}):
            response = httpx.request(method, f"{served.url}/__admin{concrete}", headers=headers, json={})
            if response.status_code != 401 or response.text != AdminErrors.UNAUTHORIZED:
                wrong[f"{method} {path} {sorted(headers)}"] = (response.status_code, response.text[:100])
    assert wrong == {}
    assert httpx.get(f"{served.url}/__admin/world", headers={"X-Admin-Key": admin_key}).json() == before

"""Workloads: what wrk sends. A GET, a request with a JSON body, or the write mix (a Lua chain)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benchmarks.performance.wrk import CONNECTIONS, WrkResult, run_wrk

LUA = Path(__file__).resolve().parent / "lua"


@dataclasses.dataclass(frozen=True)
class Load:
    """One workload against a server: ``path`` (with query) and how to send it."""

    name: str
    path: str
    method: str = "GET"
    script: Path | None = None
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    connections: int = CONNECTIONS
    """1: one request at a time, so the latencies are the server's own (no queueing behind other clients)."""

    @classmethod
    def get(cls, name: str, path: str, *, connections: int = CONNECTIONS) -> Load:
        return cls(name, path, connections=connections)

    @classmethod
    def json(cls, name: str, method: str, path: str, body: Any, *, connections: int = CONNECTIONS) -> Load:
        """``method`` with a JSON body, repeated (``lua/post.lua``)."""
        return cls(name, path, method, LUA / "post.lua", {"BENCH_METHOD": method, "BENCH_BODY": json.dumps(body)},
                   connections=connections)

    @classmethod
    def unique(cls, name: str, method: str, path: str, body: Any, media_type: str = "application/json", *,
               connections: int = CONNECTIONS) -> Load:
        """``method`` with a body whose ``__N__`` differs in every request (``lua/unique_post.lua``)."""
        env = {"BENCH_METHOD": method, "BENCH_BODY": json.dumps(body), "BENCH_CONTENT_TYPE": media_type}
        return cls(name, path, method, LUA / "unique_post.lua", env, connections=connections)

    @classmethod
    def write_mix(cls, name: str, organization: str, dataset: str, *, tasks: bool = True,
                  connections: int = CONNECTIONS) -> Load:
        """Create explorational → finish it; request a task → cancel it (``lua/write_mix.lua``)."""
        create = f"/api/v5/datasets/{organization}/{dataset}/createExplorational"
        env = {"BENCH_API": "/api/v5", "BENCH_CREATE_PATH": create, "BENCH_CREATE_BODY": '[{"typ":"Skeleton"}]',
               "BENCH_TASKS": "1" if tasks else "0"}
        return cls(name, create, "POST", LUA / "write_mix.lua", env, connections=connections)

    def run(self, base_url: str, duration: float, headers: Mapping[str, str]) -> WrkResult:
        return run_wrk(base_url + self.path, duration, headers=headers, script=self.script, env=self.env,
                       connections=self.connections)

    def describe(self) -> str:
        if self.script is not None and self.script.name == "write_mix.lua":
            return "POST …/createExplorational, PATCH …/finish" + (
                "; POST /user/tasks/request, DELETE /annotations/Task/{id}" if self.env.get("BENCH_TASKS") == "1"
                else "")
        body = self.env.get("BENCH_BODY")
        return f"{self.method} {self.path}" + (f" {body}" if body else "")

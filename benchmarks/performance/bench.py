"""One harness run: its options, scratch folder, notes, and the measurement every scenario shares
(warm up, then wrk while the server's RSS is sampled)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from benchmarks.performance.load import Load
from benchmarks.performance.memory import RssSampler
from benchmarks.performance.servers import MockServer, ServerProcess, mock_server
from benchmarks.performance.wrk import CONNECTIONS, THREADS


@dataclasses.dataclass
class Bench:
    duration: float
    """Seconds of measured load per workload."""
    warmup: float
    """Seconds of unmeasured load before each workload."""
    startup_runs: int
    workdir: Path
    notes: list[str] = dataclasses.field(default_factory=list)
    users_body: bytes | None = None
    """The mock's ``GET /api/v5/users`` answer (admin, default world): what the reference servers send."""
    token: str = ""
    """The admin token of the default world."""
    packs: tuple[str, ...] | None = None
    """The packs the per-pack scenarios (``packs``, ``packs-large``, ``growth``) measure; None: all of them."""

    def measures(self, pack: str) -> bool:
        return self.packs is None or pack in self.packs

    @property
    def wrk_settings(self) -> str:
        return f"wrk -t{THREADS} -c{CONNECTIONS} -d{max(1, round(self.duration))}s --latency"

    def measure(self, server: ServerProcess, load: Load, headers: Mapping[str, str]) -> dict[str, Any]:
        """Warm up, then one measured wrk run of ``load``; its row (req/s, latency, errors, peak RSS)."""
        print(f"  {server.name}: {load.name} …", end="", flush=True)
        load.run(server.url, self.warmup, headers)
        idle = server.rss_bytes()
        with RssSampler(server.pid) as rss:
            result = load.run(server.url, self.duration, headers)
        server.check_alive()
        print(f" {result.requests_per_s:,.0f} req/s, p50 {result.p50} ms, p99 {result.p99} ms"
              f"{f', {result.non_2xx} non-2xx' if result.non_2xx else ''}"
              f"{f', {result.errors} socket errors' if result.errors else ''}", flush=True)
        answered = result.requests > 0  # no answer within the run: wrk prints zero latencies, which mean nothing
        return {"server": server.name, "load": load.name, "request": load.describe(),
                "requests_per_s": result.requests_per_s, "p50_ms": result.p50 if answered else None,
                "p99_ms": result.p99 if answered else None,
                "non_2xx": result.non_2xx, "errors": result.errors, "peak_rss_mib": rss.peak_mib,
                "rss_before_mib": round(idle / 2**20, 1), "load_average": round(os.getloadavg()[0], 2),
                "wrk": result.as_dict()}

    def remember_users(self, server: MockServer) -> None:
        """Keep the mock's users list (and admin token) for the reference servers, once."""
        if self.users_body is not None:
            return
        response = httpx.get(server.url + "/api/v5/users", headers=server.admin_headers, timeout=60)
        response.raise_for_status()
        self.users_body, self.token = response.content, server.tokens["admin"]

    def users_file(self) -> Path:
        """The users list as a file (started a default mock to fetch it if no scenario did yet)."""
        if self.users_body is None:
            with mock_server(self.workdir, "mock (users list)") as server:
                self.remember_users(server)
        assert self.users_body is not None
        path = self.workdir / "users.json"
        path.write_bytes(self.users_body)
        return path

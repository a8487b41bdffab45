"""``ContractOptions``: everything one contract run needs, as one frozen dataclass."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from mockserver.errors import ConfigurationError

VERSIONS = ("v1", "v2", "v3", "v4", "v5")
PHASES = ("examples", "coverage", "fuzzing", "stateful")
REPORT_FORMATS = ("junit", "html")
_API_SUFFIX = re.compile(r"/api(/v\d+)?/?$")


@dataclasses.dataclass(frozen=True)
class ContractOptions:
    """A run of the contract suite against one deployment and one API version."""

    base_url: str
    """The deployment, e.g. ``http://host:9000`` (a trailing ``/api`` or ``/api/vN`` is ignored)."""
    version: str = "v5"
    token: str | None = None
    allow_writes: bool = False
    rate_limit: str | None = "10/s"
    """``10/s``, ``600/m`` … or ``off``."""
    max_requests: int | None = 5000
    max_time: int | None = 600
    """Seconds; fuzzing and the stateful phase repeat until the budget is spent."""
    max_examples: int = 10
    phases: tuple[str, ...] = PHASES
    operations: tuple[str, ...] = ()
    """Only these operations (``"GET /tasks/{id}"``); all by default."""
    reports: tuple[str, ...] = ()
    report_dir: Path = Path("contract-report")
    workers: int = 1
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.version not in VERSIONS:
            raise ConfigurationError(f"unknown API version {self.version!r}; choose one of {', '.join(VERSIONS)}")
        if unknown := set(self.reports) - set(REPORT_FORMATS):
            raise ConfigurationError(f"unknown report {sorted(unknown)}; choose from {', '.join(REPORT_FORMATS)}")
        if unknown := set(self.phases) - set(PHASES):
            raise ConfigurationError(f"unknown phase {sorted(unknown)}; choose from {', '.join(PHASES)}")
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigurationError(f"the base URL must start with http:// or https://, got {self.base_url!r}")

    @property
    def api_url(self) -> str:
        """The URL the version's paths are relative to, e.g. ``http://host:9000/api/v5``."""
        return f"{_API_SUFFIX.sub('', self.base_url.rstrip('/'))}/api/{self.version}"

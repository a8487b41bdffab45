"""``ContractOptions``: everything one contract run needs, as one frozen dataclass."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from mockserver.contract.signing import KeyPair
from mockserver.errors import ConfigurationError
from mockserver.pack import DEFAULT_PACK, Pack, load_pack

PHASES = ("examples", "coverage", "fuzzing", "stateful")
REPORT_FORMATS = ("junit", "html")


@dataclasses.dataclass(frozen=True)
class ContractOptions:
    """A run of the contract suite against one deployment and one API version of a pack."""

    base_url: str
    """The deployment, e.g. ``http://host:9000`` (a trailing base path of one of the pack's versions is ignored)."""
    version: str | None = None
    """A version of the pack (None: its latest)."""
    api: str = DEFAULT_PACK
    token: str | None = None
    public_key: str | None = None
    private_key: str | None = None
    """A key pair to sign every request with (packs whose profile has a ``signer``), instead of a token."""
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
    min_coverage: float = 100.0
    """Percent of the selected operations that must get a 2xx for the run to pass."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "version", self.pack.version(self.version).name)
        if unknown := set(self.reports) - set(REPORT_FORMATS):
            raise ConfigurationError(f"unknown report {sorted(unknown)}; choose from {', '.join(REPORT_FORMATS)}")
        if unknown := set(self.phases) - set(PHASES):
            raise ConfigurationError(f"unknown phase {sorted(unknown)}; choose from {', '.join(PHASES)}")
        if not 0 <= self.min_coverage <= 100:
            raise ConfigurationError(f"--min-coverage is a percentage (0–100), got {self.min_coverage:g}")
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigurationError(f"the base URL must start with http:// or https://, got {self.base_url!r}")

    @property
    def pack(self) -> Pack:
        return load_pack(self.api)

    @property
    def key_pair(self) -> KeyPair | None:
        """The key pair when both halves are given (``preflight.signer_of`` refuses half a pair)."""
        return KeyPair(self.public_key, self.private_key) if self.public_key and self.private_key else None

    @property
    def version_name(self) -> str:
        assert self.version is not None  # resolved in __post_init__
        return self.version

    @property
    def root_url(self) -> str:
        """The deployment's root: ``base_url`` without a trailing base path of one of the pack's versions."""
        url = self.base_url.rstrip("/")
        suffixes = sorted({v.base_path for v in self.pack.versions if v.base_path}
                          | ({self.pack.latest_path} if self.pack.latest_path else set()), key=len, reverse=True)
        for suffix in suffixes:
            if url.endswith(suffix):
                return url[: -len(suffix)]
        return url

    @property
    def api_url(self) -> str:
        """The URL the version's paths are relative to, e.g. ``http://host:9000/api/v5``."""
        return self.root_url + self.pack.version(self.version).base_path

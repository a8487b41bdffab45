"""The last gate before any request of a contract run leaves: policy, rate limit, request budget.

Generated cases the policy forbids are dropped before they are sent (``filter_case``); every request
that is about to leave (schemathesis' own, the domain checks' follow-ups, the cleanup) then passes
``Guard.admit`` from a ``before_call`` hook, which raises ``Refused`` instead of sending anything
forbidden, so no phase and no check can bypass the policy. ``Redactor`` removes the token from
everything the run writes.
"""

from __future__ import annotations

import _thread
import collections
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO, cast

from mockserver.contract.output import StreamWrapper
from mockserver.contract.policy import Policies, Policy, Sandbox, policy_of, targets_owned
from mockserver.errors import ConfigurationError

REDACTED = "[Filtered]"
MIN_SECRET_LENGTH = 6
PROBE_METHODS = frozenset({"TRACE", "OPTIONS"})
"""Safe methods (RFC 9110) no route declares; sent to check the 405 answer when writes are allowed."""


class Refused(Exception):
    """A request the run must not send (or may no longer send: the request budget is spent)."""


def parse_rate(text: str | None) -> float | None:
    """Requests per second from ``10/s``, ``600/m``, ``3600/h``; None for ``off``, ``none`` or ``0``."""
    if text is None or text.strip().lower() in {"off", "none", "0", ""}:
        return None
    count, _, unit = text.strip().partition("/")
    seconds = {"s": 1.0, "m": 60.0, "h": 3600.0}.get(unit.strip().lower() or "s")
    try:
        rate = float(count) / seconds if seconds else -1.0
    except ValueError:
        rate = -1.0
    if rate <= 0:
        raise ConfigurationError(f"rate limit must look like 10/s, 600/m or off, got {text!r}")
    return rate


class RateLimiter:
    """At most ``rate`` requests per second across all threads (evenly spaced)."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


class Guard:
    """Admits or refuses each request of one run and counts what was sent."""

    def __init__(self, *, allow_writes: bool, rate: float | None, max_requests: int | None,
                 policies: Policies, target_parameters: Sequence[str] = ("id",)) -> None:
        self.allow_writes = allow_writes
        self.policies, self.target_parameters = policies, tuple(target_parameters)
        self.limiter = RateLimiter(rate)
        self.max_requests = max_requests
        self.sandbox = Sandbox()
        self.sent: collections.Counter[str] = collections.Counter()
        self.refused: collections.Counter[str] = collections.Counter()
        self.budget_exhausted = False
        self._lock = threading.Lock()

    def admit(self, method: str, path: str, path_parameters: Mapping[str, Any]) -> None:
        """Return if the request may be sent now (after waiting for the rate limit); raise ``Refused`` if not."""
        reason = self.refusal(method, path, path_parameters)
        with self._lock:
            if reason is None and self.max_requests is not None and sum(self.sent.values()) >= self.max_requests:
                reason = "request budget spent"
                if not self.budget_exhausted:
                    self.budget_exhausted = True
                    _thread.interrupt_main()
            if reason is not None:
                self.refused[f"{method.upper()} {path}: {reason}"] += 1
                raise Refused(reason)
            self.sent[method.upper()] += 1
        self.limiter.wait()

    def refusal(self, method: str, path: str, path_parameters: Mapping[str, Any]) -> str | None:
        """Why ``METHOD path`` must not be sent, or None."""
        policy = policy_of(self.policies, method, path)
        if policy is Policy.READ and (self.allow_writes or method.upper() in {"GET", "HEAD"}):
            return None
        if not self.allow_writes:
            return "read-only run"
        if method.upper() in PROBE_METHODS:
            return None
        if policy is Policy.CREATE:
            return None
        if policy is Policy.ON_CREATED and targets_owned(path_parameters, self.sandbox, self.target_parameters):
            return None
        if policy is Policy.ON_CREATED:
            return "targets a resource this run did not create"
        return "changes data this run does not own"


class Redactor:
    """Replaces the token in text, in streams and in report files."""

    def __init__(self, secrets: list[str]) -> None:
        # Shorter strings are no credentials (a real token has 22 characters) and would garble the output.
        self.secrets = [secret for secret in secrets if len(secret) >= MIN_SECRET_LENGTH]

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def stream(self, target: TextIO) -> TextIO:
        return cast(TextIO, _RedactingStream(target, self))

    def files(self, directory: Path) -> None:
        """Redact every text file under ``directory`` in place."""
        for path in directory.rglob("*"):
            if path.is_file() and self.secrets:
                raw = path.read_bytes()
                cleaned = raw
                for secret in self.secrets:
                    cleaned = cleaned.replace(secret.encode(), REDACTED.encode())
                if cleaned != raw:
                    path.write_bytes(cleaned)


class _RedactingStream(StreamWrapper):
    """A text stream that writes through ``redact`` (the token may not even reach the terminal)."""

    def __init__(self, target: TextIO, redact: Redactor) -> None:
        super().__init__(target)
        self._redact = redact

    def write(self, text: str) -> int:
        self._target.write(self._redact(text))
        return len(text)

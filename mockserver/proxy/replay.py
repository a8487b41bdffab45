"""``mockserver replay``: every request of a HAR recording sent again, in order, to another deployment, each answer
compared with the recorded one (status, media type, body: JSON as parsed values without the ignored keys, anything
else as bytes) and, with a pack, held against its spec as the proxy does.

Headers go as recorded but the hop-by-hop ones, ``Host`` and ``Accept-Encoding``; a redacted credential header is
replaced with the caller's ``--header`` of that name or left out. A body the recording cut at its bound is not compared
(status and media type are); a request whose body was cut is not sent. A deployment that cannot be reached at the first
request is bad input (``ConfigurationError``); a request that gets no answer later is a difference of its exchange.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import httpx

from mockserver import har
from mockserver.errors import ConfigurationError
from mockserver.pack import load_pack
from mockserver.proxy.forward import HOP_BY_HOP, TIMEOUT
from mockserver.proxy.report import Findings, log_to_stderr
from mockserver.proxy.spec_check import SpecCheck


@dataclasses.dataclass(frozen=True)
class ReplayOptions:
    har: Path
    against: str
    api: str | None = None
    version: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    """Sent with every request, in place of a recorded header of the same name (redacted or not)."""
    ignored_keys: frozenset[str] = frozenset()
    """JSON object keys left out of the comparison wherever they occur (time stamps, generated names)."""
    report_dir: Path | None = None


@dataclasses.dataclass(frozen=True)
class Outcome:
    number: int
    request: str
    differences: tuple[str, ...]


def run_replay(options: ReplayOptions) -> int:
    """Replay, print a line per differing exchange and the summary; 1 when anything differs (or, with a pack,
    violates its spec), 0 otherwise (``ConfigurationError``: unreadable recording, unknown pack, unreachable URL)."""
    entries = har.read(options.har)
    check = SpecCheck(load_pack(options.api), options.version) if options.api else None
    findings = Findings()
    log_to_stderr()
    for _, value in options.headers:
        findings.remember_secret(value)
    left_out = sorted({name for entry in entries for name, value in entry.request.headers
                       if value == har.REDACTED and name.lower() not in {n.lower() for n, _ in options.headers}})
    outcomes: list[Outcome] = []
    for outcome in _replayed(entries, options, check, findings):
        if not outcomes and left_out:  # once the deployment answered
            click.echo(f"note: redacted in the recording and left out (give --header 'Name: value' to send yours): "
                       f"{', '.join(left_out)}", err=True)
        outcomes.append(outcome)
        if outcome.differences:
            click.echo(findings.redact(f"#{outcome.number} {outcome.request}: {'; '.join(outcome.differences)}"))
    differ = sum(1 for outcome in outcomes if outcome.differences)
    click.echo(f"{len(outcomes)} exchanges, {len(outcomes) - differ} same, {differ} differ")
    if check is not None:
        for line in findings.summary():
            click.echo(line)
    if options.report_dir is not None:
        for path in _write(options.report_dir, outcomes, findings, with_spec=check is not None):
            click.echo(f"report: {path}")
    return 1 if differ or findings.exit_code else 0


def _replayed(entries: list[har.Entry], options: ReplayOptions, check: SpecCheck | None,
              findings: Findings) -> Iterator[Outcome]:
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client:
        for number, entry in enumerate(entries, 1):
            recorded = entry.request
            label = f"{recorded.method} {recorded.target}"
            if recorded.truncated:
                yield Outcome(number, label, ("not sent: its body was cut in the recording",))
                continue
            try:
                answer = client.send(_request(entry, options))
            except httpx.InvalidURL as exc:
                yield Outcome(number, label, (f"not sent: {exc}",))
                continue
            except httpx.ConnectError as exc:
                if number == 1:
                    raise ConfigurationError(f"cannot reach {options.against}: {exc}") from exc
                yield Outcome(number, label, (f"no answer ({type(exc).__name__}: {exc})",))
                continue
            except httpx.HTTPError as exc:
                yield Outcome(number, label, (f"no answer ({type(exc).__name__}: {exc})",))
                continue
            finally:
                client.cookies.clear()  # a request carries the cookies it was recorded with, no others
            if check is not None:
                path = recorded.target.split("?")[0]
                findings.record(f"{recorded.method} {path}", answer.status_code,
                                check.check(recorded.method, path, answer))
            yield Outcome(number, label, tuple(differences(entry.response, answer, options.ignored_keys)))


NOT_REPLAYED = HOP_BY_HOP | {"accept-encoding"}
"""Headers a replay does not send as recorded: the hop-by-hop ones, and the encodings the recording client took
(bodies are compared decoded; the replaying client asks for those it can decode)."""


def _request(entry: har.Entry, options: ReplayOptions) -> httpx.Request:
    given = {name.lower() for name, _ in options.headers}
    headers = [(name, value) for name, value in entry.request.headers
               if name.lower() not in NOT_REPLAYED and name.lower() not in given and value != har.REDACTED]
    return httpx.Request(entry.request.method, options.against.rstrip("/") + entry.request.target,
                         headers=[*headers, *options.headers], content=entry.request.body)


def differences(recorded: har.Response, answer: httpx.Response, ignored: frozenset[str] = frozenset()) -> list[str]:
    """What of ``answer`` is not as ``recorded``: the status, the media type, the body (see the module)."""
    found = []
    if answer.status_code != recorded.status:
        found.append(f"status {recorded.status} → {answer.status_code}")
    media, answered_media = _media_type(recorded.header("content-type")), _media_type(answer.headers.get(
        "content-type"))
    if media != answered_media:
        found.append(f"media type {media or '(none)'} → {answered_media or '(none)'}")
    if recorded.truncated:
        return found
    if "json" in media and "json" in answered_media:
        try:
            old, new = json.loads(recorded.body or b"null"), json.loads(answer.content or b"null")
        except ValueError:
            pass
        else:
            where = first_difference(_without(old, ignored), _without(new, ignored))
            return found + ([f"body differs at {where}"] if where is not None else [])
    if recorded.body != answer.content:
        found.append(f"body differs ({len(recorded.body)} bytes recorded, {len(answer.content)} answered)")
    return found


def first_difference(old: Any, new: Any, path: str = "") -> str | None:
    """The JSON path of the first place where ``old`` and ``new`` differ (``/`` for the whole), with both values
    where they are short; None when equal."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys()):
            if key not in old or key not in new:
                return f"{path}/{key} ({'added' if key in new else 'missing'})"
            found = first_difference(old[key], new[key], f"{path}/{key}")
            if found is not None:
                return found
        return None
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return f"{path or '/'} ({len(old)} items recorded, {len(new)} answered)"
        return next((found for index, (a, b) in enumerate(zip(old, new, strict=True))
                     if (found := first_difference(a, b, f"{path}/{index}")) is not None), None)
    if old == new and type(old) is type(new):
        return None
    shown = f"{json.dumps(old)} → {json.dumps(new)}"
    return f"{path or '/'}" + (f": {shown}" if len(shown) <= 120 else "")


def _without(value: Any, ignored: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {key: _without(item, ignored) for key, item in value.items() if key not in ignored}
    if isinstance(value, list):
        return [_without(item, ignored) for item in value]
    return value


def _media_type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def _write(directory: Path, outcomes: list[Outcome], findings: Findings, with_spec: bool) -> list[Path]:
    """``replay-report.json`` (every differing exchange) and, ``with_spec``, the proxy's reports."""
    differ = [{"exchange": o.number, "request": o.request, "differences": list(o.differences)}
              for o in outcomes if o.differences]
    document = {"exchanges": len(outcomes), "same": len(outcomes) - len(differ), "differ": differ}
    path = directory / "replay-report.json"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path.write_text(findings.redact(json.dumps(document, indent=2, ensure_ascii=False)), encoding="utf-8")
        return [path, *(findings.write(directory) if with_spec else [])]
    except OSError as exc:
        raise ConfigurationError(f"cannot write the reports to {directory}: {exc.strerror or exc}") from exc

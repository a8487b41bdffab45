"""One exchange held against the spec of a pack version: is the operation documented, does the answer conform
(status, media type, headers, body schema), as schemathesis' response checks say, and does it keep the pack's
domain rules that need nothing but the exchange at hand (the contract profile's ``exchange_checks``)."""

from __future__ import annotations

import collections
import dataclasses
import datetime
import hashlib
import json
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
import schemathesis
from schemathesis.core import NOT_SET
from schemathesis.core.transport import Response as CheckedResponse

from mockserver.errors import ConfigurationError
from mockserver.foreign_warnings import silenced
from mockserver.pack import Pack


@dataclasses.dataclass(frozen=True)
class Violation:
    """What one exchange did not do as its spec says."""

    operation: str
    """``METHOD /path/{template}`` (or the request as sent when the spec has no such operation)."""
    check: str
    """The check's name: ``undocumented_operation``, or schemathesis' (``response_schema_conformance`` …)."""
    message: str
    path: str = ""
    """The JSON path in the body (``/task_count``), where the check names one."""

    def as_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


REMEMBERED = 4096
"""Checked exchanges whose violations are remembered (the most recent; a repeated exchange is not checked again)."""


def fingerprint(method: str, path: str, response: httpx.Response) -> bytes:
    """A digest of everything a check reads of an exchange: the request (method, path, URL, headers, body) and the
    answer (status, headers but ``Date``, body)."""
    digest = hashlib.blake2b(digest_size=20)
    request = response.request
    for part in (method, path, str(request.url), str(response.status_code)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for name, value in (*request.headers.multi_items(), ("", ""),
                        *((n, v) for n, v in response.headers.multi_items() if n.lower() != "date")):
        digest.update(f"{name.lower()}:{value}\n".encode("utf-8", "surrogateescape"))
    digest.update(b"\0" + request.content + b"\0" + response.content)
    return digest.digest()


DomainCheck = Callable[[Any, Any, Any], Any]
"""A pack's check ``(ctx, response, case)``: raises ``AssertionError`` (or a schemathesis failure) when the exchange
breaks its rule."""


class SpecCheck:
    """The documents of one pack version, loaded once, and the pack's single-exchange domain checks (``domain``
    True: those of its contract profile; or the checks given)."""

    def __init__(self, pack: Pack, version: str | None = None, domain: bool | Sequence[DomainCheck] = True,
                 spec: Path | None = None) -> None:
        """``spec``: another document to hold the traffic against (a draft of the version's next spec), served
        under the version's base path."""
        chosen = pack.version(version) if version else pack.latest
        self.version, self.base_path = chosen.name, chosen.base_path.rstrip("/")
        try:
            with silenced():
                self.schema = schemathesis.openapi.from_path(str(spec or chosen.spec_path))
        except Exception as exc:  # schemathesis' loader errors: a missing file, YAML or OpenAPI it cannot read
            raise ConfigurationError(f"cannot load {spec or chosen.spec_path}: {str(exc).strip().splitlines()[0]}"
                                     ) from exc
        if domain is True:
            domain = tuple(getattr(pack.contract(), "exchange_checks", ())) if pack.contract else ()
        self.domain_checks: tuple[DomainCheck, ...] = tuple(domain or ())
        self._remembered: collections.OrderedDict[bytes, tuple[Violation, ...]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def operation(self, method: str, path: str) -> Any:
        """The spec's operation of ``METHOD path`` (a path as sent, under the version's base path), or None."""
        if self.base_path and not path.startswith(self.base_path + "/") and path != self.base_path:
            return None
        relative = path[len(self.base_path):] or "/"
        for candidate in dict.fromkeys((relative, relative.rstrip("/") or "/")):  # a trailing slash is no new route
            try:
                found = self.schema.find_operation_by_path(method.upper(), candidate)
            except LookupError:
                found = None
            if found is not None:
                return found
        return None

    def check(self, method: str, path: str, response: httpx.Response) -> list[Violation]:
        """The violations of one exchange (``response`` read, with its request). OPTIONS is the framework's answer
        (not checked); HEAD is checked as its GET without a body. An exchange the same as one checked before (the
        same request and the same answer, but for its ``Date``) has the same violations: they are remembered."""
        key = fingerprint(method, path, response)
        with self._lock:
            if key in self._remembered:
                self._remembered.move_to_end(key)
                return list(self._remembered[key])
        found = self._check(method, path, response)
        with self._lock:
            self._remembered[key] = tuple(found)
            while len(self._remembered) > REMEMBERED:
                self._remembered.popitem(last=False)
        return found

    def _check(self, method: str, path: str, response: httpx.Response) -> list[Violation]:
        method = method.upper()
        if method == "OPTIONS":
            return []
        operation = self.operation("GET" if method == "HEAD" else method, path)
        if operation is None:
            return [Violation(f"{method.upper()} {path}", "undocumented_operation",
                              f"the {self.version} spec has no operation for {method.upper()} {path}")]
        documented = self._documented(operation, response)
        if documented or method == "HEAD":
            return [documented] if documented else []
        response.elapsed = datetime.timedelta(0)
        found: list[Violation] = []
        try:
            operation.validate_response(response)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis raises one failure, or a group of them
            failures = list(exc.exceptions) if isinstance(exc, BaseExceptionGroup) else [exc]
            found += dict.fromkeys(self._violation(operation.label, failure) for failure in failures)
        return found + self._domain(operation, path, response)

    def _domain(self, operation: Any, path: str, response: httpx.Response) -> list[Violation]:
        """The violations of the domain checks: each gets the exchange as a schemathesis case and response, as in a
        contract run."""
        if not self.domain_checks:
            return []
        case, checked = self._case(operation, path, response), CheckedResponse.from_httpx(response, verify=False)
        found = []
        for check in self.domain_checks:
            try:
                check(None, checked, case)
            except (AssertionError, Exception) as exc:  # a broken rule, or a check that cannot read this exchange
                name = getattr(check, "__name__", type(check).__name__)
                text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                found.append(Violation(operation.label, name, text[:300]))
        return found

    def _case(self, operation: Any, path: str, response: httpx.Response) -> Any:
        """The request of ``response`` as a case of ``operation`` (path parameters read back from the template)."""
        request = response.request
        relative = path[len(self.base_path):] or "/"
        names = re.findall(r"\{(\w+)\}", operation.path)
        pattern = re.sub(r"\\\{\w+\\\}", "([^/]+)", re.escape(operation.path.rstrip("/") or "/")) + "/?"
        matched = re.fullmatch(pattern, relative)
        parameters = {name: unquote(value) for name, value in zip(names, matched.groups(), strict=False)} if matched \
            else {}
        values: dict[str, list[str]] = {}
        for key, value in parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True):
            values.setdefault(key, []).append(value)
        query = {key: found[0] if len(found) == 1 else found for key, found in values.items()}
        body: Any = NOT_SET
        if request.content:
            try:
                body = json.loads(request.content)
            except ValueError:
                body = request.content
        return operation.Case(method=request.method.upper(), path_parameters=parameters, query=query,
                              headers=dict(request.headers), body=body)

    @staticmethod
    def _documented(operation: Any, response: httpx.Response) -> Violation | None:
        """A status the operation does not document (nor its ``NXX`` or ``default``), or a media type its response
        does not list (where the response is written out, not a ``$ref``)."""
        responses = operation.definition.raw.get("responses", {})
        status = str(response.status_code)
        found = next((responses[key] for key in (status, f"{status[0]}XX", "default") if key in responses), None)
        if found is None:
            return Violation(operation.label, "undocumented_status",
                             f"{status} is not documented (documented: {', '.join(map(str, responses))})")
        content = found.get("content") if isinstance(found, dict) and "$ref" not in found else None
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        listed = {str(key).split(";")[0].strip().lower() for key in content or {}}
        if content and response.content and media_type not in listed and not _matches(media_type, listed):
            return Violation(operation.label, "undocumented_content_type",
                             f"{media_type or 'no Content-Type'} is not documented for {status} "
                             f"(documented: {', '.join(sorted(listed))})")
        return None

    @staticmethod
    def _violation(label: str, failure: BaseException) -> Violation:
        title = str(getattr(failure, "title", None) or type(failure).__name__)
        detail = getattr(failure, "validation_message", None) or getattr(failure, "message", None) or str(failure)
        path = getattr(failure, "instance_path", None)
        pointer = "/" + "/".join(str(part) for part in path) if isinstance(path, list | tuple) and path else ""
        first = str(detail).strip().splitlines()[0] if str(detail).strip() else ""
        return Violation(label, title, first[:300], pointer)


def _matches(media_type: str, listed: set[str]) -> bool:
    """``media_type`` is covered by a wildcard of ``listed`` (``*/*``, ``application/*``)."""
    major = media_type.split("/")[0]
    return "*/*" in listed or f"{major}/*" in listed

"""One exchange held against the spec of a pack version: is the operation documented, does the answer conform
(status, media type, headers, body schema), as schemathesis' response checks say."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

import httpx
import schemathesis

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


class SpecCheck:
    """The documents of one pack version, loaded once."""

    def __init__(self, pack: Pack, version: str | None = None) -> None:
        chosen = pack.version(version) if version else pack.latest
        self.version, self.base_path = chosen.name, chosen.base_path.rstrip("/")
        with silenced():
            self.schema = schemathesis.openapi.from_path(str(chosen.spec_path))

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
        (not checked); HEAD is checked as its GET without a body."""
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
        try:
            operation.validate_response(response)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis raises one failure, or a group of them
            failures = list(exc.exceptions) if isinstance(exc, BaseExceptionGroup) else [exc]
            return list(dict.fromkeys(self._violation(operation.label, failure) for failure in failures))
        return []

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

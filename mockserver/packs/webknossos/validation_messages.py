"""WEBKNOSSOS' words for request-validation failures (the pack's ``translate``).

The core's validators report ``Violation``s (``mockserver.violations``). Keyed tables here turn them
into what the real WEBKNOSSOS server (Scala, Play framework) answers: the texts of Play's parameter
binders for query and path parameters, and for bodies one of the three shapes the real routes use
(``BODY_STYLES``). Texts marked *modelled* are the mock's own where the real server has no such check
(it does not range-check parameters, for example); they follow Play's wording. ``translate`` also
turns Connexion's own fixed-text problems and undecodable bodies into ``ApiError``s.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from connexion.exceptions import ProblemException
from jsonschema import ValidationError  # type: ignore[import-untyped]

from mockserver.packs.webknossos.errors import ApiError, BadRequest, NotFound
from mockserver.violations import Path, RequestInvalid, Violation, violations_of


class UnsupportedMediaType(ApiError):
    status = 415


# WEBKNOSSOS: parameters ---------------------------------------------------------------------------

def scala_type(schema: Mapping[str, Any]) -> str:
    """The Scala type a Play route binds a parameter of ``schema`` to."""
    kind = schema.get("type")
    if kind == "integer":
        return "Long" if schema.get("format") == "int64" else "Int"
    return {"number": "Double", "boolean": "Boolean"}.get(str(kind), "String")


def _unparseable(v: Violation) -> str:
    # Real: Play's QueryStringBindable/PathBindable ("For input string" is Java's NumberFormatException).
    if scala_type(v.schema) == "Boolean":
        return f"Cannot parse parameter {v.name} as Boolean: should be true, false, 0 or 1"
    return f'Cannot parse parameter {v.name} as {scala_type(v.schema)}: For input string: "{_raw(v.value)}"'


def _bound(word: str) -> Callable[[Violation], str]:
    def text(v: Violation) -> str:
        if _unbindable(v):  # Play cannot even parse it
            return _unparseable(v)
        # Modelled: the real server binds any Int; the mock's spec declares the range.
        return f"Cannot parse parameter {v.name} as {scala_type(v.schema)}: must be {word} {v.expected}"
    return text


PARAMETER_TEXTS: dict[str, Callable[[Violation], str]] = {
    "missing": lambda v: f"Missing parameter: {v.name}",  # real: Play's router
    "type": _unparseable,
    "range": _unparseable,  # beyond Int/Long: real, Play's parse fails
    "minimum": _bound("at least"),
    "maximum": _bound("at most"),
    # Modelled from here on (the real server takes these parameters as strings).
    "enum": lambda v: f"Cannot parse parameter {v.name}: must be one of {', '.join(map(str, v.expected))}",
    "minLength": lambda v: f"Cannot parse parameter {v.name}: must be at least {v.expected} characters long",
    "maxLength": lambda v: f"Cannot parse parameter {v.name}: must be at most {v.expected} characters long",
    "pattern": lambda v: f"Cannot parse parameter {v.name}: must match {v.expected}",
}
"""Violation kind → the text of a parameter (query, path, header, form field) failure."""


def _invalid_annotation_type(v: Violation) -> ApiError:
    # Real (reference §2.5): /annotations/:typ/:id/* look the type up first; an unknown one is "not found".
    return NotFound("Annotation could not be found", chain=f"Invalid AnnotationType: {_raw(v.value)}")


PARAMETER_ERRORS: dict[tuple[str, str, str], Callable[[Violation], ApiError]] = {
    ("path", "typ", "enum"): _invalid_annotation_type,
    ("path", "mergedTyp", "enum"): _invalid_annotation_type,
    ("form", "formJSON", "missing"): lambda _: BadRequest("Missing format json"),  # real: createFromFiles
}
"""(location, parameter, kind) → the whole error, where the real server answers more than a text."""


def parameter_error(v: Violation) -> ApiError:
    special = PARAMETER_ERRORS.get((v.location, v.name, v.kind))
    if special is not None:
        return special(v)
    text = PARAMETER_TEXTS.get(v.kind)
    return BadRequest(text(v) if text else f"Cannot parse parameter {v.name}: invalid value")  # modelled


# WEBKNOSSOS: bodies -------------------------------------------------------------------------------

PLAY_TYPE_KEYS = {"string": "error.expected.jsstring", "number": "error.expected.jsnumber",
                  "integer": "error.expected.jsnumber", "boolean": "error.expected.jsboolean",
                  "array": "error.expected.jsarray", "object": "error.expected.jsobject"}
"""Real: the error keys of Play JSON's readers for a value of the wrong JSON type."""


def play_error(v: Violation) -> tuple[str, tuple[Any, ...]]:
    """The Play JSON error key (and its arguments) of a body violation."""
    if v.kind == "missing":
        return "error.path.missing", ()  # real
    if v.kind == "key":
        return str(v.expected), ()
    if v.kind == "type":
        expected = v.expected[0] if isinstance(v.expected, list) else v.expected
        if expected == "integer" and isinstance(v.value, float):
            return _play_integer_key(v), ()  # real: Play's Int/Long readers on a fraction
        return PLAY_TYPE_KEYS.get(str(expected), "error.invalid"), ()
    if _unbindable(v):
        return _play_integer_key(v), ()  # real: not an Int/Long
    keys = {"enum": ("error.expected.validenumvalue", ()),  # real: Play's enum reader
            # Modelled from here on: Play's constraint keys for the mock's schema constraints.
            "minimum": ("error.min", (v.expected,)), "maximum": ("error.max", (v.expected,)),
            "minLength": ("error.minLength", (v.expected,)), "minItems": ("error.minLength", (v.expected,)),
            "maxLength": ("error.maxLength", (v.expected,)), "maxItems": ("error.maxLength", (v.expected,)),
            "pattern": ("error.pattern", (v.expected,))}
    return keys.get(v.kind, ("error.invalid", ()))


def _play_integer_key(v: Violation) -> str:
    return "error.expected.long" if scala_type(v.schema) == "Long" else "error.expected.int"


def play_json_path(path: Path) -> str:
    """``JsPath.toJsonString``: ``obj[0].dataSet``."""
    return "obj" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def play_path(path: Path) -> str:
    """``JsPath.toString``: ``(0)/dataSet``, ``/name``."""
    return "".join(f"({p})" if isinstance(p, int) else f"/{p}" for p in path)


def _grouped(violations: Sequence[Violation]) -> dict[Path, list[tuple[str, tuple[Any, ...]]]]:
    grouped: dict[Path, list[tuple[str, tuple[Any, ...]]]] = {}
    for v in violations:
        grouped.setdefault(v.field, []).append(play_error(v))
    return grouped


def play_validation_body(violations: Sequence[Violation]) -> dict[str, Any]:
    """Real: ``BadRequest(JsError.toJson(e))`` of WK's ``validateJson`` body parser."""
    return {play_json_path(path): [{"msg": [key], "args": list(args)} for key, args in errors]
            for path, errors in _grouped(violations).items()}


def wk_fields_body(violations: Sequence[Violation]) -> dict[str, Any]:
    """Real: WK's ``withJsonBodyUsing``/``withJsonAs`` (``jsonErrorWrites``): the last error key per field.

    The field is written ``/name`` as the reference records it (WK's source writes
    ``JsPath.toJsonString``, which would be ``obj.name``; the mock's handlers use ``/name`` too).
    """
    fields = [{"field": play_path(path), "error": errors[-1][0]} for path, errors in _grouped(violations).items()]
    return {"errors": fields, "messages": [{"error": "Invalid Json format"}]}


def js_error_text(violations: Sequence[Violation]) -> str:
    """Real: a ``JsError`` turned into a failure (``Fox``'s ``jsResult2Fox``): ``Invalid json: List((/a,…))``."""
    entries = [f"({play_path(path)},List({', '.join(_js_validation_error(key, args) for key, args in errors)}))"
               for path, errors in _grouped(violations).items()]
    return f"Invalid json: List({', '.join(entries)})"


def _js_validation_error(key: str, args: tuple[Any, ...]) -> str:
    return f"JsonValidationError(List({key}),ArraySeq({','.join(map(str, args))}))"


BODY_STYLES: dict[str, Callable[[Sequence[Violation]], ApiError]] = {
    # Real (reference §4.3): routes that parse the body with a typed validator.
    **dict.fromkeys(["tasks.create_tasks", "tasks.update_task", "datasets.create_explorational",
                     "datasets.update_dataset_teams"],
                    lambda vs: BadRequest(body=play_validation_body(vs))),
    # Real (reference §4.3; finish_many: WK's finishAll reads its ids with withJsonAs): routes that
    # validate inside the controller.
    **dict.fromkeys(["projects.create_project", "projects.update_project", "teams.create_team",
                     "task_types.create_task_type", "task_types.update_task_type", "users.update_user",
                     "datasets.update_dataset", "datastores.create_datastore", "datastores.update_datastore",
                     "datastores.update_tracingstore", "annotations.finish_many"],
                    lambda vs: BadRequest("Invalid Json format", body=wk_fields_body(vs))),
}
"""operationId → the answer to an ill-formed JSON body. Other routes: ``Invalid json: List(…)`` (real
format; modelled there, as those routes read optional fields leniently on the real server)."""


BODY_KEYS: dict[tuple[str, Path, str], str] = {
    ("projects.create_project", ("name",), "pattern"): "project.name.invalidChars",  # real: WK's project reads
    ("projects.update_project", ("name",), "pattern"): "project.name.invalidChars",
}
"""(operationId, field, kind) → the route's own error key instead of Play's."""


def body_error(violations: Sequence[Violation], operation_id: str) -> ApiError:
    violations = [dataclasses.replace(v, kind="key", expected=BODY_KEYS[(operation_id, v.field, v.kind)])
                  if (operation_id, v.field, v.kind) in BODY_KEYS else v for v in violations]
    first = violations[0]
    if first.kind == "malformed":
        line, column = first.value
        # Prefix real (Play's JSON body parser); the parser's message is modelled (Python's, not Jackson's).
        return BadRequest(f"Invalid Json: {first.expected} at line {line}, column {column}")
    if first.kind == "empty":
        return BadRequest("Invalid Json: No content to map due to end-of-input")  # real: Jackson via Play
    style = BODY_STYLES.get(operation_id)
    return style(violations) if style else BadRequest(js_error_text(violations))


# Connexion's own problems ------------------------------------------------------------------------

MULTIPART_OPERATIONS = frozenset({"annotations.upload_annotations", "tasks.create_tasks_from_files"})
"""Routes whose body the real server parses with Play's ``multipartFormData`` (all others: ``json``)."""


def _missing_body(scope: Mapping[str, Any]) -> ApiError:
    if operation_id(scope) in MULTIPART_OPERATIONS:
        return BadRequest("Missing boundary header")  # real: Play's multipart parser
    return body_error([Violation("body", (), "empty")], "")


def _unsupported_media_type(scope: Mapping[str, Any]) -> ApiError:
    if operation_id(scope) in MULTIPART_OPERATIONS:
        return BadRequest("Missing boundary header")  # real: Play's multipart parser (400)
    return UnsupportedMediaType("Expecting text/json or application/json body")  # real: Play's JSON parser


CONNEXION_TEXTS: dict[str, Callable[[Mapping[str, Any]], ApiError]] = {
    "RequestBody is required": _missing_body,
    "Request body must not be empty": _missing_body,
    "Parsed body must be a mapping": _missing_body,
    "Invalid Content-type": _unsupported_media_type,
}
"""The start of a Connexion problem's fixed ``detail`` → the API's error."""


def translate(exc: Exception, scope: Mapping[str, Any]) -> ApiError | None:
    """The API's answer to a request the framework rejected (``Pack.translate``), or None: the default."""
    if isinstance(exc, UnicodeDecodeError):
        return BadRequest(undecodable_text(exc))
    if isinstance(exc, RecursionError):
        return BadRequest("Invalid Json: the body is nested too deeply")  # modelled on Play's prefix
    return api_error(exc, scope) if isinstance(exc, ProblemException) else None


def api_error(problem: ProblemException, scope: Mapping[str, Any]) -> ApiError | None:
    """The API's answer to a request Connexion rejected, or None if ``problem`` is not about the request."""
    if isinstance(problem, RequestInvalid):
        return _answer(problem.violations, operation_id(scope))
    if isinstance(problem.__context__, ValidationError):  # a stock Connexion validator (form data)
        violations = violations_of([problem.__context__], "form")
        return _answer(violations, operation_id(scope)) if violations else None
    detail = str(problem.detail or "")
    return next((answer(scope) for start, answer in CONNEXION_TEXTS.items() if detail.startswith(start)), None)


def _answer(violations: Sequence[Violation], operation: str) -> ApiError:
    if violations[0].location == "body":
        return body_error(violations, operation)
    return parameter_error(violations[0])


def operation_id(scope: Mapping[str, Any]) -> str:
    return str(scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id") or "")


def undecodable_text(exc: UnicodeDecodeError) -> str:
    """A body that is not UTF-8. Prefix real (Play); the rest modelled on Jackson's wording."""
    return f"Invalid Json: Invalid UTF-8 start byte 0x{exc.object[exc.start]:02x} at position {exc.start}"


def _unbindable(v: Violation) -> bool:
    """An integer beyond what Play's ``Int``/``Long`` (by the schema's format) can hold."""
    if v.schema.get("type") != "integer" or isinstance(v.value, bool) or not isinstance(v.value, int):
        return False
    bits = 63 if scala_type(v.schema) == "Long" else 31
    return not -(2**bits) <= v.value < 2**bits


def _raw(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)

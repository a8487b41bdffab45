"""Request-validation failures in the API's own words.

Connexion and jsonschema describe a failed check in Python terms (``-1 is less than the minimum of
0\\n\\nFailed validating 'minimum' in schema: {…}``). Here every failure becomes a ``Violation``:
where (``query``, ``path``, ``header``, ``cookie``, ``form``, ``body``), which field (a parameter name, or
the JSON path in the body) and what kind of check failed (``missing``, ``type``, ``minimum``, ``enum`` …).
Keyed tables then turn violations into what the real WEBKNOSSOS server (Scala, Play framework)
answers: the texts of Play's parameter binders for query and path parameters, and for bodies one
of the three shapes the real routes use (``BODY_STYLES``). Texts marked *modelled* are the mock's
own where the real server has no such check (it does not range-check parameters, for example);
they follow Play's wording.

``RequestInvalid`` is what the mock's validators raise; ``api_error`` turns it (and Connexion's own
fixed-text problems) into the ``ApiError`` to render.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from connexion.exceptions import BadRequestProblem, ProblemException
from jsonschema import ValidationError  # type: ignore[import-untyped]
from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

from mockserver.errors import ApiError, BadRequest, NotFound

Path = tuple[str | int, ...]


@dataclasses.dataclass(frozen=True)
class Violation:
    """One failed check of a request: ``location`` (query, path, header, cookie, form, body), ``field``
    (parameter name first; the JSON path in a body) and ``kind`` (see ``KINDS``)."""

    location: str
    field: Path
    kind: str
    expected: Any = None
    """The schema's value for the failed keyword: a type, a bound, the enum values, a pattern."""
    value: Any = None
    schema: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def name(self) -> str:
        """The parameter (or form field) name."""
        return str(self.field[0]) if self.field else ""


KINDS = {"required": "missing", "type": "type", "enum": "enum", "minimum": "minimum", "maximum": "maximum",
         "minLength": "minLength", "maxLength": "maxLength", "minItems": "minItems", "maxItems": "maxItems",
         "pattern": "pattern", "format": "format"}
"""jsonschema keyword → violation kind; every other keyword is ``invalid``. The mock adds ``range`` (an
integer beyond its format), ``malformed`` (not JSON), ``empty`` (no body) and ``key`` (a route's own
error key, in ``expected``)."""


class RequestInvalid(BadRequestProblem):  # type: ignore[misc]
    """Connexion's 400 problem, carrying the violations (``detail``: the text of the first one)."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        answer = _answer(self.violations, "")
        super().__init__(detail=answer.error or js_error_text(self.violations))


class UnsupportedMediaType(ApiError):
    status = 415


def violations_of(errors: Iterable[ValidationError], location: str, prefix: Path = ()) -> list[Violation]:
    """The violations of jsonschema ``errors`` (anyOf/oneOf: their most relevant branch), in order, once each."""
    found: dict[tuple[Path, str], Violation] = {}
    for error in errors:
        leaf = best_match([error])
        while leaf.context:  # anyOf/oneOf branches of equal relevance: the first (the spec's main form)
            leaf = leaf.context[0]
        path: Path = (*prefix, *leaf.absolute_path)
        schema = leaf.schema if isinstance(leaf.schema, Mapping) else {}
        if leaf.validator == "required" and isinstance(leaf.instance, Mapping):
            for name in leaf.validator_value:
                if name not in leaf.instance:
                    found.setdefault(((*path, name), "missing"), Violation(location, (*path, name), "missing"))
            continue
        kind = KINDS.get(str(leaf.validator), "invalid")
        found.setdefault((path, kind), Violation(location, path, kind, leaf.validator_value, leaf.instance, schema))
    return list(found.values())


def parameter_invalid(location: str, param: Mapping[str, Any], value: Any, error: ValidationError | None,
                      kind: str | None = None) -> RequestInvalid:
    """The problem for one parameter: from a jsonschema ``error``, or of ``kind`` (``missing``, ``range``)."""
    schema = param.get("schema", param)
    if error is not None:
        return RequestInvalid(violations_of([error], location, (param["name"],)))
    return RequestInvalid([Violation(location, (param["name"],), kind or "invalid", None, value, schema)])


def body_invalid(errors: Iterable[ValidationError], location: str = "body") -> RequestInvalid | None:
    """The problem for a body's jsonschema ``errors`` (all of them, as Play reports every field), or None."""
    violations = violations_of(errors, location)
    return RequestInvalid(violations) if violations else None


def malformed_json(exc: json.JSONDecodeError) -> RequestInvalid:
    return RequestInvalid([Violation("body", (), "malformed", exc.msg, (exc.lineno, exc.colno))])


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

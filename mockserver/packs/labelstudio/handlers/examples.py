"""``/api/import-example`` and ``/api/import-example-file``: sample tasks for a config (no exception wrapper: an
unknown ``q`` is werkzeug's 500 page)."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from mockserver.packs.labelstudio import labelconfig, samples
from mockserver.packs.labelstudio.api import LabelStudio, html_response
from mockserver.packs.labelstudio.errors import TextError, Unwrapped
from mockserver.packs.labelstudio.handlers.project import check_config, form_field
from mockserver.packs.labelstudio.wire import ujson

NO_EXAMPLE = "error while example generating"


async def import_example(ls: LabelStudio, label_config: str | None = None) -> Response:
    """The config from the query: validated as a save would be (against the tasks too), then its sample task
    (``editor_preview`` examples, updated by a ``<!-- {...} -->`` comment's data) as ujson text in ``text/html``."""
    return _example(ls, label_config or "")


async def import_example_form(ls: LabelStudio, label_config: str | None = None, body: Any = None) -> Response:
    """As ``GET``; without the query parameter the config comes from the form."""
    return _example(ls, label_config or form_field(body, "label_config") or "")


def _example(ls: LabelStudio, text: str) -> Response:
    try:
        check_config(ls, text)
        config = labelconfig.parse(text)
    except labelconfig.ConfigError as exc:
        raise TextError(NO_EXAMPLE, status=400) from exc
    task = samples.sample_task(config, samples.examples(ls.backend.pack.fixtures, "editor_preview"))
    comment, _ = samples.predefined(text)
    if comment is not None:
        task.update(comment)
    return html_response(ujson(task))


def _json(tasks: list[dict[str, Any]], ls: LabelStudio) -> str:
    return ujson(tasks).decode()


def _table(separator: str) -> Callable[[list[dict[str, Any]], LabelStudio], str]:
    """pandas' ``read_json(...).to_csv(index=False, sep=...)`` for flat tasks."""
    def write(tasks: list[dict[str, Any]], ls: LabelStudio) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=separator, lineterminator="\n")
        writer.writerow(list(tasks[0]))
        writer.writerows([list(task.values()) for task in tasks])
        return out.getvalue()
    return write


def _txt(tasks: list[dict[str, Any]], ls: LabelStudio) -> str:
    if len(ls.config().data_types) > 1:
        raise Unwrapped("TXT is unsupported for projects with multiple sources in config")
    try:
        return "".join(next(iter(task.values())) + "\n" for task in tasks)
    except (StopIteration, TypeError) as exc:
        raise Unwrapped(str(exc)) from exc


WRITERS: dict[str, Callable[[list[dict[str, Any]], LabelStudio], str]] = {
    "json": _json, "csv": _table(","), "tsv": _table("\t"), "txt": _txt}
"""``q`` → the file's text (the extension is ``q``)."""


async def import_example_file(ls: LabelStudio, q: str = "json", raw: str | None = None) -> Response:
    """Two copies of the project's sample task (``upload`` examples) as a file; ``Content-Disposition`` and a
    ``filename`` header name it ``sample-YYYY-MM-DD-HH-MM.<q>`` (server local time), except with ``raw=1``."""
    if q not in WRITERS:
        raise Unwrapped('Incorrect format ("q") in request')
    task = samples.sample_task(ls.config(), samples.examples(ls.backend.pack.fixtures, "upload"))
    response = html_response(WRITERS[q]([task, task], ls))
    if raw != "1":
        filename = time.strftime("sample-%Y-%m-%d-%H-%M", time.gmtime(ls.now())) + f".{q}"
        response.headers["Content-Disposition"] = f"attachment; filename={filename}"
        response.headers["filename"] = filename
    return response

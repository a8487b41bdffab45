"""``GET /api/project/export``: a ZIP of the done tasks, as label-studio-converter 0.0.22 writes them.

Served formats: JSON (the completions files), JSON_MIN and CSV/TSV (one record per task: its data, ``id`` and per
control the newest not-cancelled completion's values, simplified), CONLL2003, COCO and VOC (``converters``),
BRUSH_TO_NUMPY and BRUSH_TO_PNG (``brush``); ASR_MANIFEST and unknown names are the real 500 envelope with an empty
detail.
"""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from typing import Any

from starlette.responses import Response

from mockserver.packs.labelstudio import brush, converters
from mockserver.packs.labelstudio.api import LabelStudio, query_args, sorted_keys
from mockserver.packs.labelstudio.errors import Crash
from mockserver.packs.labelstudio.records import Task

FORMATS = ("JSON", "JSON_MIN", "CSV", "TSV", "CONLL2003", "COCO", "VOC", "BRUSH_TO_NUMPY", "BRUSH_TO_PNG")
"""The converter's format names (``Format[name]``); others (ASR_MANIFEST, YOLO, lower case …) fail with an empty
``ValueError``."""


def _item(ls: LabelStudio, task: Task) -> dict[str, Any] | None:
    """``Converter.load_from_dict``: the data and, per control, the values of the newest not-cancelled completion
    (None when every completion is cancelled)."""
    kept = [c for c in task.completions or [] if not (c.get("skipped", False) or c.get("was_cancelled", False))]
    if not kept:
        return None
    try:
        result = sorted(kept, key=lambda c: c.get("created_at", 0), reverse=True)[0]["result"]
    except KeyError as exc:
        raise Crash(str(exc), query_args(), "KeyError") from exc
    controls = ls.config().controls
    outputs: dict[str, list[dict[str, Any]]] = {}
    for region in result:
        if "from_name" in region and region["from_name"] in controls:
            value = {**region["value"], "type": controls[region["from_name"]].tag}
            for key in ("original_width", "original_height"):
                if key in region:
                    value[key] = region[key]
            outputs.setdefault(region["from_name"], []).append(value)
    return {"id": task.id, "input": task.data, "output": outputs}


def _record(ls: LabelStudio, task: Task, dump: bool) -> dict[str, Any] | None:
    """The JSON_MIN/CSV record of a task (``dump``: control values that are not text as JSON text, as the CSV
    writer does): None when every completion is cancelled."""
    item = _item(ls, task)
    if item is None:
        return None
    record = dict(sorted_keys(task.data))  # the data as the completions file holds it
    record["id"] = task.id
    for name, values in item["output"].items():
        pretty = _prettify(values)
        record[name] = json.dumps(pretty) if dump and not isinstance(pretty, str) else pretty
    return record


def _prettify(values: list[dict[str, Any]]) -> Any:
    """One single choice → the choice; otherwise the values without their type (a one-item Choices: that item)."""
    out: list[Any] = []
    tag = None
    for value in values:
        value = dict(value)
        tag = value.pop("type")
        out.append(value["choices"][0] if tag == "Choices" and len(value["choices"]) == 1 else value)
    return out[0] if tag == "Choices" and len(out) == 1 else out


def _csv_cell(value: Any, as_float: bool) -> str:
    """pandas' ``to_csv`` of one value (str of the object; a number column with gaps is float)."""
    if value is None:
        return ""
    if as_float and isinstance(value, int) and not isinstance(value, bool):
        return repr(float(value))
    return repr(value) if isinstance(value, float) else str(value)


def _csv(records: list[dict[str, Any]], separator: str) -> str:
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    gaps = {c for c in columns if any(c not in r or r[c] is None for r in records)}
    as_float = {c for c in gaps if all(isinstance(r[c], int | float) and not isinstance(r[c], bool)
                                       for r in records if r.get(c) is not None)}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_csv_cell(record.get(c), c in as_float) for c in columns])
    return out.getvalue()


def _converted(ls: LabelStudio, export_format: str, done: list[Task]) -> dict[str, str]:
    """A converter format from the items; the converter's exceptions are the real 500 envelopes."""
    items = [item for task in done if (item := _item(ls, task)) is not None]
    inputs = [value for control in ls.config().controls.values() for value in control.input_values]
    try:
        return converters.CONVERTERS[export_format](items, inputs[0])
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise Crash(str(exc), query_args(), type(exc).__name__) from exc


def _brush(export_format: str, done: list[Task]) -> dict[str, bytes]:
    """BRUSH_TO_NUMPY/PNG files (``brush``); malformed regions are the real 500 envelopes."""
    try:
        return brush.files([(task.id, task.completions or []) for task in done], export_format)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise Crash(str(exc), query_args(), type(exc).__name__) from exc


def _members(ls: LabelStudio, export_format: str) -> dict[str, str] | dict[str, bytes]:
    done = [task for task in ls.tasks() if task.completions is not None]
    if export_format in brush.WRITERS:
        return _brush(export_format, done)
    if export_format in converters.CONVERTERS:
        return _converted(ls, export_format, done)
    if export_format == "JSON":
        held = [LabelStudio.completions_file(t) for t in done]
        return {"result.json": json.dumps(held, indent=2, ensure_ascii=False)}
    records = [r for t in done if (r := _record(ls, t, dump=export_format != "JSON_MIN")) is not None]
    if export_format == "JSON_MIN":
        return {"result.json": json.dumps(records, indent=2, ensure_ascii=False)}
    return {"result.csv": _csv(records, "," if export_format == "CSV" else "\t")}


async def export(ls: LabelStudio, format_: str | None = None) -> Response:
    """200 ``application/zip`` named by the server's local time; no ``format``: an empty ZIP."""
    if format_ is not None and format_ not in FORMATS:
        raise Crash("", query_args(), "ValueError")
    members = _members(ls, format_) if format_ is not None else {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)  # "x/": a folder
    name = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(ls.now())) + ".zip"
    return Response(buffer.getvalue(), media_type="application/zip",
                    headers={"Content-Disposition": f"attachment; filename={name}", "filename": name,
                             "Cache-Control": "public, max-age=0"})

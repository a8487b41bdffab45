"""Sample tasks for a labeling config, as Label Studio 0.8.1's ``generate_sample_task_without_check`` makes them.

The example values are the real server's ``utils/schema/data_examples.json`` (Apache-2.0, copied unchanged into
``fixtures/labelstudio/data-examples.json``): ``editor_preview`` for ``/api/import-example``, ``upload`` for
``/api/import-example-file``. Every tag with a ``$value`` gets the example named like the value (``$video``),
else the one of its tag (``Image``), else ``"Something"``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from mockserver.packs.labelstudio.labelconfig import LabelConfig


def examples(fixtures: Path, mode: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((fixtures / "data-examples.json").read_text(encoding="utf-8"))[mode]
    return loaded


def sample_task(config: LabelConfig, known: dict[str, Any]) -> dict[str, Any]:
    """The generated task data (``known``: the examples of one mode; it is not changed)."""
    known = dict(known)
    task: dict[str, Any] = {}
    for element in config.root.iterfind(".//*[@value]"):
        value, value_type = element.get("value"), element.get("valueType", element.get("valuetype"))
        if element.tag == "List":
            key = (element.get("elementValue") or "").replace("$", "")
            known["List"] = [{key: "Hello world"}, {key: "Goodbye world"}]
        known["Text"] = known["TextUrl"] if value_type == "url" else known["TextRaw"]
        known["TimeSeries"] = known["TimeSeriesUrl"] if value_type in ("url", None) else known["TimeSeriesRaw"]
        if value and value[0] == "$":
            task[value[1:]] = known[value] if value in known else known.get(element.tag, "Something")
    for series in config.root.iterfind(".//TimeSeries"):
        _time_series(task, series)
    return task


def _time_series(task: dict[str, Any], tag: Any) -> None:
    """A TimeSeries value: a URL of ``/samples/time-series.csv`` with its columns, or random JSON columns."""
    time_column = tag.get("timeColumn")
    columns = [channel.get("column") for channel in tag if channel.tag == "Channel"]
    key = tag.get("value", "").lstrip("$")
    if isinstance(task.get(key), str):
        params = {"time": time_column, "values": ",".join(columns)}
        params |= {name: tag.get(attribute) for name, attribute in (("sep", "sep"), ("tf", "timeFormat"))
                   if tag.get(attribute)}
        task[key] = "/samples/time-series.csv?" + urlencode(params)
    elif isinstance(task.get(key), dict):
        rng = random.Random()  # random in the real server too (numpy.random.randn)
        task[key] = {time_column: list(range(100)), **{c: [rng.gauss(0, 1) for _ in range(100)] for c in columns}}


def predefined(text: str) -> tuple[dict[str, Any] | None, bool]:
    """``get_task_from_labeling_config``: the task data of a ``<!-- {...} -->`` comment (None: the comment has
    completions or predictions but no ``data``) and whether a comment was found and parsed."""
    start = text.find("<!-- {")
    start = (start if start >= 0 else text.find("<!--{")) + 4
    end = text[start:].find("-->") if start >= 0 else -1
    if not 3 < start < start + end:
        return {}, False
    try:
        body = json.loads(text[start:start + end])
    except ValueError:
        return {}, False
    if not isinstance(body, dict):
        return {}, False
    if "data" in body:
        return body["data"], True
    return (None if "predictions" in body or "completions" in body else body), True

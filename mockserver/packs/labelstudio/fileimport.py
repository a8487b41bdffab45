"""Tasks from uploaded files, as Label Studio 0.8.1's ``uploader.load_tasks`` reads them.

Each file is read by the **name of its multipart field** (the web UI names fields after their files): ``.csv`` and
``.tsv`` (pandas: one task per row, numbers typed, empty cells ``""``), ``.txt`` (one task per line), ``.json`` (a
task or a list), ``.zip`` (its members, each by its own name), anything else is stored and becomes one task whose
only value is the stored copy's URL (``<host>/data/upload/<md5>-<name>``; the project's only data key gets it).
The documented ``FileUpload=@tasks.csv`` form therefore makes one URL task with the format ``""``.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import os
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from mockserver.packs.labelstudio.labelconfig import UNDEFINED
from mockserver.packs.labelstudio.uploads import Upload
from mockserver.packs.labelstudio.wire import ujson_loads

TEMP_DIR = "/tmp/htx_labelstudio"


class UploadError(Exception):
    """The real ``ValidationError`` of the uploader (a 500 envelope with this text)."""


def _number(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return None


def _column(values: list[str]) -> list[Any]:
    """pandas' type for a column, then ``fillna('')``: ints (floats if a cell is empty), floats, booleans, text."""
    filled = [v for v in values if v != ""]
    numbers = [_number(v) for v in filled]
    if filled and all(n is not None for n in numbers):
        typed = iter(numbers)
        as_float = any(v == "" for v in values) or any(isinstance(n, float) for n in numbers)
        return [float(next(typed)) if v != "" and as_float else (next(typed) if v != "" else "") for v in values]
    if filled and all(v.lower() in ("true", "false") for v in filled) and len(filled) == len(values):
        return [v.lower() == "true" for v in values]
    return values


def _table(separator: str) -> Callable[[str, bytes, str], list[Any]]:
    def read(name: str, content: bytes, host: str) -> list[Any]:
        rows = [row for row in csv.reader(io.StringIO(content.decode("utf-8")), delimiter=separator) if row]
        if not rows:
            raise ValueError("No columns to parse from file")  # pandas' EmptyDataError
        header, body = rows[0], rows[1:]
        columns = [_column([row[i] if i < len(row) else "" for row in body]) for i in range(len(header))]
        return [{"data": {key: columns[i][r] for i, key in enumerate(header)}} for r in range(len(body))]
    return read


def _txt(name: str, content: bytes, host: str) -> list[Any]:
    return [{"data": {UNDEFINED: line.decode("utf-8")}} for line in content.splitlines()]


def _json(name: str, content: bytes, host: str) -> Any:
    return ujson_loads(content)


READERS: dict[str, Callable[[str, bytes, str], Any]] = {
    ".csv": _table(","), ".tsv": _table("\t"), ".txt": _txt, ".json": _json}
"""File name ending → the tasks in it (CSV and TSV only while the config is not a single TimeSeries)."""
PAGES = (".html", ".htm", ".xml")


def stored_name(name: str, content: bytes) -> str:
    """``<md5 of the content>-<base name>``: the stored copy's name."""
    return hashlib.md5(content, usedforsecurity=False).hexdigest() + "-" + os.path.basename(name)


def _stored(name: str, content: bytes, host: str) -> tuple[list[Any], str]:
    stored = stored_name(name, content)
    return [{"data": {UNDEFINED: f"{host}/data/upload/{stored}"}}], os.path.splitext(stored)[1]


def tasks_from_file(name: str, content: bytes, data_types: Mapping[str, str],
                    host: str) -> tuple[Any, str, str | None]:
    """``uploader.tasks_from_file``: (tasks, the format counted in ``formats``, the name to store the content under
    when the file becomes a URL task)."""
    time_series_only = list(data_types.values()) == ["TimeSeries"]
    stored = None
    try:
        reader = next((r for ending, r in READERS.items() if name.endswith(ending)
                       and not (ending in (".csv", ".tsv") and time_series_only)), None)
        if reader is not None:
            tasks, file_format = reader(name, content, host), os.path.splitext(name)[1]
        elif len(data_types) > 1 and not time_series_only:
            raise UploadError("Your label config has more than one data keys, direct file upload supports only one "
                              "data key. To import data with multiple data keys use JSON or CSV")
        elif name.endswith(PAGES):
            raise UploadError("HTML and XML uploads are not served by this mock")
        else:
            (tasks, file_format), stored = _stored(name, content, host), stored_name(name, content)
    except Exception as exc:
        raise UploadError(f"Failed to parse input file {name}: {exc}") from exc
    if tasks is None:
        raise UploadError(f"null in {name} is not allowed")
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise UploadError(f'Incorrect task type in {name}: "{str(tasks)[:100]}". It is allowed "dict" or "list of '
                          'dicts" only')
    return tasks, file_format, stored


def _files(uploads: list[Upload]) -> list[tuple[str, bytes | None, bool]]:
    """(name, content, from an archive) of the request's files by field name; a ZIP archive is replaced by its
    members, named ``<temp dir>/<field>/<member>`` (None: a directory entry)."""
    files: list[tuple[str, bytes | None, bool]] = []
    for upload in uploads:
        if not upload.field.endswith(".zip"):
            files.append((upload.field, upload.content, False))
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(upload.content)) as archive:
                files += [(f"{TEMP_DIR}/{upload.field}/{member.filename}",
                           None if member.is_dir() else archive.read(member), True) for member in archive.infolist()]
        except zipfile.BadZipFile as exc:
            raise UploadError(str(exc)) from exc
    return files


def _member(name: str, content: bytes | None) -> bytes:
    """An archive member as the real server reads it (opened as text: a TXT member's lines cannot be decoded)."""
    if content is None:
        raise UploadError(f"[Errno 21] Is a directory: '{name}'")
    if name.endswith(".txt"):
        raise UploadError(f"Failed to parse input file {name}: 'str' object has no attribute 'decode'")
    return content


@dataclasses.dataclass
class Loaded:
    """What ``load`` read so far: the tasks, each file's format, and the files to store (kept even when a later
    file fails: the real uploader writes them as it goes)."""

    tasks: list[Any] = dataclasses.field(default_factory=list)
    formats: list[str] = dataclasses.field(default_factory=list)
    stored: dict[str, bytes] = dataclasses.field(default_factory=dict)


def load(uploads: list[Upload], data_types: Mapping[str, str], host: str, loaded: Loaded) -> None:
    """``uploader.load_tasks`` for files, into ``loaded``; ``UploadError`` with the real texts."""
    for name, content, archived in _files(uploads):
        data = _member(name, content) if archived else content
        assert data is not None
        found, file_format, stored = tasks_from_file(name, data, data_types, host)
        if stored is not None:
            loaded.stored[stored] = data
        loaded.tasks += found
        loaded.formats.append(file_format)
    if not loaded.tasks:
        raise UploadError("load_tasks: No tasks added")


def formats(loaded: Loaded) -> dict[str, int]:
    return dict(Counter(loaded.formats))

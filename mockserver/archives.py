"""ZIP archives in memory: writing download archives, reading uploaded ones defensively.

Reading never touches the file system and is bounded for zip bombs: at most ``MAX_ZIP_MEMBERS``
entries and ``MAX_UNPACKED_BYTES`` unpacked bytes across all archives of one ``ZipReader`` (nested
ones included), each entry at most ``max_member_bytes`` and, once over ``RATIO_FLOOR_BYTES``, at most
``MAX_RATIO`` times its compressed size; entries are read only up to those limits. Entries with unsafe
paths (absolute, ``..``, drive letters, NUL: zip slip) make the archive unusable; directories, macOS
resource forks and ``__MACOSX`` are skipped. A zip whose entries are all zips is read one level deep
(the real server's "zip of zips"); deeper archives are not opened.

Errors: ``UnusableZip`` (not a zip, damaged, unsafe paths; the caller reports it per file) and
``ZipTooLarge`` (a 400 ``HttpError`` that fails the whole request).
"""

from __future__ import annotations

import dataclasses
import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterable

from mockserver.errors import HttpError

MAX_ZIP_MEMBERS = 1000
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 1024 * 1024
ZIP_DATE = (2023, 1, 1, 0, 0, 0)
INVALID_ZIP = "Invalid ZIP file"
UNSAFE_PATH = "Invalid ZIP file: an entry has an absolute or parent-relative path"
_READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError,
                RuntimeError, zlib.error)


def zip_bytes(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A deflated ZIP of ``entries`` (fixed timestamps; a repeated name gets ``_1``, ``_2`` … before its suffix)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        for name, data in entries:
            unique, counter = name, 1
            while unique in used:
                stem, dot, extension = name.rpartition(".")
                unique = f"{stem}_{counter}.{extension}" if dot else f"{name}_{counter}"
                counter += 1
            used.add(unique)
            archive.writestr(zipfile.ZipInfo(unique, date_time=ZIP_DATE), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


class UnusableZip(Exception):
    """Not a ZIP, a damaged one, or one with unsafe entry paths (the message is the reason)."""


class ZipTooLarge(HttpError):
    """A zip bomb: 400 ``Could not parse file: <name>. The ZIP file is too large when unpacked (…)``."""

    def __init__(self, filename: str, detail: str) -> None:
        super().__init__(f"Could not parse file: {filename}. The ZIP file is too large when unpacked ({detail})")


@dataclasses.dataclass(frozen=True)
class Member:
    """One file read from an upload: the uploaded file's name, its own base name and its content."""

    source: str
    name: str
    data: bytes


def is_unsafe_path(name: str) -> bool:
    """Absolute or parent-relative paths, drive letters, NUL (after turning backslashes into slashes)."""
    path = name.replace("\\", "/")
    parts = path.split("/")
    return path.startswith("/") or "\x00" in path or ".." in parts or ":" in parts[0]


def _skipped(name: str) -> bool:
    """Directories and macOS metadata."""
    parts = name.replace("\\", "/").split("/")
    return name.endswith(("/", "\\")) or parts[0] == "__MACOSX" or parts[-1].startswith("._")


class ZipReader:
    """Reads the entries ending in ``suffix`` from uploaded zips; one budget for all archives it reads."""

    def __init__(self, suffix: str, *, max_member_bytes: int = MAX_UNPACKED_BYTES) -> None:
        self.suffix = suffix.lower()
        self.max_member_bytes = max_member_bytes
        self.members = 0
        self.unpacked = 0

    def read(self, name: str, data: bytes) -> list[Member]:
        """The matching entries of the zip ``data`` (uploaded as ``name``), or of its inner zips."""
        return self._read(name, name, data, nested=False)

    def _read(self, source: str, name: str, data: bytes, *, nested: bool) -> list[Member]:
        archive, infos = self._open(source, data)
        with archive:
            if all(info.filename.lower().endswith(".zip") for info in infos):
                if nested:
                    return []
                return [member for info in infos
                        for member in self._read(source, _base_name(info), self._entry(source, archive, info, data),
                                                 nested=True)]
            return [Member(source, _base_name(info), self._entry(source, archive, info, data))
                    for info in infos if info.filename.lower().endswith(self.suffix)]

    def _open(self, source: str, data: bytes) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except _READ_ERRORS as error:
            raise UnusableZip(INVALID_ZIP) from error
        self.members += len(infos)
        if self.members > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            archive.close()
            raise ZipTooLarge(source, f"more than {MAX_UNPACKED_BYTES} bytes or {MAX_ZIP_MEMBERS} entries")
        if any(is_unsafe_path(info.filename) for info in infos):
            archive.close()
            raise UnusableZip(UNSAFE_PATH)
        return archive, [info for info in infos if not _skipped(info.filename)]

    def _entry(self, source: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes) -> bytes:
        """The entry's content, read no further than the remaining budget, the entry limit and the ratio."""
        compressed = max(min(info.compress_size, len(data)), 1)
        limits = [(MAX_UNPACKED_BYTES - self.unpacked, f"more than {MAX_UNPACKED_BYTES} bytes in all"),
                  (self.max_member_bytes, f"an entry has more than {self.max_member_bytes} bytes"),
                  (max(RATIO_FLOOR_BYTES, MAX_RATIO * compressed), f"an entry expands more than {MAX_RATIO} times")]
        allowed, detail = min(limits, key=lambda limit: limit[0])
        if info.file_size > allowed:  # declared too large: not worth reading
            raise ZipTooLarge(source, detail)
        try:
            with archive.open(info) as handle:
                content = handle.read(allowed + 1)
        except _READ_ERRORS as error:
            raise UnusableZip(INVALID_ZIP) from error
        if len(content) > allowed:
            raise ZipTooLarge(source, detail)
        self.unpacked += len(content)
        return content


def _base_name(info: zipfile.ZipInfo) -> str:
    return posixpath.basename(info.filename.replace("\\", "/"))

"""ZIP writing and bounded reading of uploaded archives: zip bombs, zip slip, nesting, non-zips."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from mockserver import archives
from mockserver.archives import INVALID_ZIP, UNSAFE_PATH, UnusableZip, ZipReader, ZipTooLarge, zip_bytes

NML = b'<things><parameters><experiment name="l4_sample"/></parameters></things>'


def zip_of(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def read(data: bytes, name: str = "up.zip", **options: int) -> list[tuple[str, str, bytes]]:
    return [(m.source, m.name, m.data) for m in ZipReader(".nml", **options).read(name, data)]


def test_zip_bytes_are_deterministic_with_unique_names() -> None:
    first = zip_bytes([("a.nml", b"1"), ("a.nml", b"2"), ("data", b"3"), ("data", b"4")])
    assert first == zip_bytes([("a.nml", b"1"), ("a.nml", b"2"), ("data", b"3"), ("data", b"4")])
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert archive.namelist() == ["a.nml", "a_1.nml", "data", "data_1"]
    assert {info.date_time for info in archive.infolist()} == {archives.ZIP_DATE}


def test_reads_the_nmls_and_skips_metadata() -> None:
    data = zip_of([("dir/", b""), ("dir/a.nml", NML), ("__MACOSX/dir/._a.nml", b"junk"), ("._b.nml", b"junk"),
                   ("win\\c.NML", NML), ("data_Volume.zip", b"not read"), ("notes.txt", b"x")])
    assert read(data) == [("up.zip", "a.nml", NML), ("up.zip", "c.NML", NML)]


@pytest.mark.parametrize("name", ["../evil.nml", "a/../../evil.nml", "/etc/evil.nml", "..\\evil.nml",
                                  "C:/evil.nml", "c:evil.nml"])
def test_zip_slip_paths_make_the_archive_unusable(name: str) -> None:
    with pytest.raises(UnusableZip) as caught:
        read(zip_of([("good.nml", NML), (name, NML)]))
    assert str(caught.value) == UNSAFE_PATH


BAD_CRC = zip_of([("a.nml", NML)], zipfile.ZIP_STORED).replace(b"l4_sample", b"l4_simple")


@pytest.mark.parametrize("data", [NML, b"", b"PK\x03\x04 truncated", BAD_CRC],
                         ids=["nml-named-zip", "empty", "truncated", "bad-crc"])
def test_a_non_zip_with_a_zip_name_is_unusable(data: bytes) -> None:
    with pytest.raises(UnusableZip) as caught:
        read(data)
    assert str(caught.value) == INVALID_ZIP


def test_zip_of_zips_is_read_one_level_deep() -> None:
    inner = zip_of([("a.nml", NML), ("data_Volume.zip", zip_of([("1/header.wkw", b"WKW")]))])
    assert read(zip_of([("x/inner.zip", inner), ("other.zip", zip_of([("b.nml", NML)]))])) == [
        ("up.zip", "a.nml", NML), ("up.zip", "b.nml", NML)]
    deeper = zip_of([("level1.zip", zip_of([("level2.zip", zip_of([("deep.nml", NML)]))]))])
    assert read(deeper) == []


def test_zip_bomb_by_ratio_stops_reading_early() -> None:
    bomb = zip_of([("bomb.nml", b"\x00" * (64 * 1024 * 1024))])
    assert len(bomb) < 100 * 1024
    started = time.monotonic()
    with pytest.raises(ZipTooLarge) as caught:
        read(bomb, "bomb.zip")
    assert time.monotonic() - started < 1.0
    assert caught.value.status == 400
    assert caught.value.detail == (f"Could not parse file: bomb.zip. The ZIP file is too large when unpacked "
                                  f"(an entry expands more than {archives.MAX_RATIO} times)")


def test_small_highly_compressible_entries_are_fine() -> None:
    padded = NML.replace(b"<things>", b"<things>" + b" " * (archives.RATIO_FLOOR_BYTES - len(NML)))
    assert read(zip_of([("a.nml", padded)])) == [("up.zip", "a.nml", padded)]


def test_zip_bomb_by_total_size_and_entry_count(monkeypatch: pytest.MonkeyPatch) -> None:
    stored = zip_of([(f"{i}.nml", b"x" * 4096) for i in range(4)], zipfile.ZIP_STORED)
    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(ZipTooLarge, match="more than 10000 bytes or 1000 entries"):
        read(stored)
    reader = ZipReader(".nml")
    reader.read("one.zip", zip_of([("a.nml", b"x" * 6000)], zipfile.ZIP_STORED))
    with pytest.raises(ZipTooLarge, match="more than 10000 bytes in all"):  # one budget for all archives
        reader.read("two.zip", zip_of([("b.nml", b"x" * 6000)], zipfile.ZIP_STORED))
    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 256 * 1024 * 1024)
    monkeypatch.setattr(archives, "MAX_ZIP_MEMBERS", 3)
    with pytest.raises(ZipTooLarge):
        read(stored)


def test_entry_limit_and_lying_headers() -> None:
    with pytest.raises(ZipTooLarge, match="an entry has more than 100 bytes"):
        read(zip_of([("a.nml", b"x" * 101)], zipfile.ZIP_STORED), max_member_bytes=100)
    lying = bytearray(zip_of([("lie.nml", b" " * (4 * 1024 * 1024))]))
    for header, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # declare 10 bytes unpacked
        position = lying.find(header) + offset
        lying[position:position + 4] = (10).to_bytes(4, "little")
    with pytest.raises((UnusableZip, ZipTooLarge)):
        read(bytes(lying))

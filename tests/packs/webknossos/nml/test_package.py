"""The public surface of ``mockserver.packs.webknossos.nml``."""

from __future__ import annotations

from mockserver.packs.webknossos import nml


def test_public_names_are_exported_and_sorted() -> None:
    assert nml.__all__ == sorted(nml.__all__)
    for name in nml.__all__:
        assert getattr(nml, name) is not None
    assert {"parse_nml", "write_nml", "ParsedNml", "NmlDocument", "NmlParseError"} <= set(nml.__all__)

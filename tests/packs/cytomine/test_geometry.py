"""Annotation geometry: the measures of stored WKT, measured together and remembered, equal ``parse``'s."""

from __future__ import annotations

import pytest

from mockserver.packs.cytomine import geometry
from mockserver.packs.cytomine.geometry import Measurer, parse

TEXTS = ["POLYGON ((10 10, 10 60, 60 60, 60 10, 10 10))",
         "POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))",  # self-intersecting: repaired as parse repairs it
         "POINT (5.123456 7.5)", "LINESTRING (0 0, 3 4, 3 10)",
         "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 7 5, 7 8, 5 5)))"]


def test_measures_equal_those_of_parse() -> None:
    expected = [(shape.area, shape.perimeter, shape.centroid["x"], shape.centroid["y"])
                for shape in map(parse, TEXTS)]
    assert [tuple(found) for found in Measurer()(TEXTS)] == expected
    assert [tuple(found) for found in Measurer()(list(reversed(TEXTS)))] == list(reversed(expected))


def test_measures_are_remembered_up_to_the_size(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[list[str]] = []
    measured = geometry.measured
    monkeypatch.setattr(geometry, "measured", lambda texts: asked.append(texts) or measured(texts))
    measurer = Measurer(size=2)
    first = measurer(TEXTS[:3] + TEXTS[:1])
    assert asked == [TEXTS[:3]] and first[3] == first[0]
    assert measurer(TEXTS[1:3]) == first[1:3] and len(asked) == 1  # the last two are kept
    assert measurer(TEXTS[:1]) == first[:1] and asked[1:] == [TEXTS[:1]]  # the first one was let go

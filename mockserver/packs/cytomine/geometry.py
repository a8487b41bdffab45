"""Annotation geometry: WKT read with shapely, refused when malformed or empty; area, perimeter, centroid.

Coordinates are image pixels (origin bottom-left); units are pixels (``areaUnit``/``perimeterUnit`` 1 and 0 as
the real server sets them without a physical size).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from typing import Any, NamedTuple

import shapely
from shapely import wkt
from shapely.errors import ShapelyError

from mockserver.packs.cytomine.errors import BadRequest


@dataclasses.dataclass(frozen=True)
class Shape:
    wkt: str
    area: float
    perimeter: float
    centroid: dict[str, float]
    bounds: tuple[float, float, float, float]


def parse(location: Any) -> Shape:
    """The shape of a WKT text; 400 in Cytomine's words when it is not a usable geometry."""
    if not isinstance(location, str) or not location.strip():
        raise BadRequest("Annotation location is missing or empty")
    try:
        geometry = wkt.loads(location)
    except (ShapelyError, ValueError, TypeError) as exc:
        raise BadRequest(f"Annotation location is not a valid WKT geometry: {location[:200]}") from exc
    if geometry.is_empty:
        raise BadRequest("Annotation location is an empty geometry")
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)  # the real server repairs a self-intersecting polygon
    point = geometry.centroid
    return Shape(geometry.wkt, round(float(geometry.area), 3), round(float(geometry.length), 3),
                 {"x": round(float(point.x), 3), "y": round(float(point.y), 3)},
                 tuple(float(v) for v in geometry.bounds))  # type: ignore[arg-type]


class Measures(NamedTuple):
    """What an annotation shows of its geometry, as ``parse`` measures it: area, perimeter, centroid."""

    area: float
    perimeter: float
    x: float
    y: float


class Measurer:
    """The measures of stored WKT texts (ones ``parse`` accepted), remembered by text, at most ``size`` of them
    (the first remembered go first). A page of 1,000 texts new to it is measured together with shapely's array
    functions."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._known: dict[str, Measures] = {}

    def __call__(self, locations: Sequence[str]) -> list[Measures]:
        known = self._known
        missing = [text for text in dict.fromkeys(locations) if text not in known]
        if missing:
            known.update(zip(missing, measured(missing), strict=True))
        found = [known[text] for text in locations]
        for text in list(itertools.islice(known, max(0, len(known) - self.size))):
            del known[text]
        return found


def measured(locations: list[str]) -> list[Measures]:
    """``parse``'s measures of each of ``locations``, read and measured together."""
    geometries = shapely.from_wkt(locations)
    invalid = ~shapely.is_valid(geometries)
    if invalid.any():
        geometries[invalid] = shapely.make_valid(geometries[invalid])
    centroids = shapely.centroid(geometries)
    return [Measures(round(area, 3), round(length, 3), round(x, 3), round(y, 3))
            for area, length, x, y in zip(shapely.area(geometries).tolist(), shapely.length(geometries).tolist(),
                                          shapely.get_x(centroids).tolist(), shapely.get_y(centroids).tolist(),
                                          strict=True)]


def bounding_box(text: str) -> Any:
    """A query's ``bbox``: ``minX,minY,maxX,maxY`` (as the core reads it) or a WKT geometry; 400 otherwise."""
    parts = text.split(",")
    if len(parts) == 4:
        try:
            min_x, min_y, max_x, max_y = (float(part) for part in parts)
        except ValueError as exc:
            raise BadRequest(f"bbox is not minX,minY,maxX,maxY: {text[:200]}") from exc
        return shapely.box(min(min_x, max_x), min(min_y, max_y), max(min_x, max_x), max(min_y, max_y))
    try:
        return wkt.loads(text)
    except (ShapelyError, ValueError, TypeError) as exc:
        raise BadRequest(f"bbox is neither minX,minY,maxX,maxY nor WKT: {text[:200]}") from exc


def intersects(location: str, area: Any) -> bool:
    return bool(wkt.loads(location).intersects(area))

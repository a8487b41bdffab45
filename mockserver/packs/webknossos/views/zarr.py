"""The datastore's zarr (v2) view of a dataset: directory pages, datasource JSON, array headers.

The shapes follow the real datastore's ``ZarrStreamingController`` (webknossos-datastore, 2023):
layers become ``dataFormat: zarr`` with one ``mags`` entry per resolution in ``c, x, y, z`` order,
arrays are uncompressed, Fortran-ordered, in chunks of one 32³ bucket.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

from mockserver.packs.webknossos import records as r

JSON = dict[str, Any]

BUCKET = 32
AXIS_ORDER = {"x": 1, "y": 2, "z": 3, "c": 0}
DTYPES = {"uint8": "|u1", "uint16": "<u2", "uint24": "|u1", "uint32": "<u4", "uint64": "<u8", "int8": "|i1",
          "int16": "<i2", "int32": "<i4", "int64": "<i8", "float": "<f4", "double": "<f8"}
MAG_LITERAL = re.compile(r"^(\d+)(?:-(\d+)-(\d+))?$")
CHUNK = re.compile(r"^(\d+)\.(\d+)\.(\d+)\.(\d+)$")


def layers(dataset: r.Dataset) -> list[JSON]:
    return list(dataset.data_source.get("dataLayers", []))


def layer(dataset: r.Dataset, name: str) -> JSON | None:
    return next((item for item in layers(dataset) if item["name"] == name), None)


def num_channels(data_layer: JSON) -> int:
    return 3 if data_layer["elementClass"] == "uint24" else 1


def mag_literal(mag: list[int]) -> str:
    """``[1, 1, 1]`` → ``1``, ``[2, 2, 1]`` → ``2-2-1`` (the datastore's folder names of mags)."""
    return str(mag[0]) if mag[0] == mag[1] == mag[2] else "-".join(str(v) for v in mag)


def parse_mag(literal: str) -> list[int] | None:
    match = MAG_LITERAL.match(literal)
    if match is None:
        return None
    x, y, z = match.groups()
    return [int(x)] * 3 if y is None else [int(x), int(y), int(z)]


def parse_chunk(coordinates: str) -> tuple[int, int, int, int] | None:
    match = CHUNK.match(coordinates)
    if match is None:
        return None
    c, x, y, z = (int(v) for v in match.groups())
    return c, x, y, z


def directory_page(title: str, entries: list[str]) -> str:
    """The datastore's HTML folder listing; clients (fsspec) read the ``<a href>`` entries."""
    items = "\n".join(f'        <li><a href="{quote(e)}">{html.escape(e)}</a></li>' for e in entries)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n  <head>\n    <title>WEBKNOSSOS Datastore</title>\n'
        '    <meta name="robot" content="noindex" />\n  </head>\n  <body>\n'
        f"    <p id=\"hint\">This is the WEBKNOSSOS Datastore \u201c{html.escape(title)}\u201d folder.</p>\n"
        f"    <p>The following are the contents of the folder:</p>\n    <ul>\n{items}\n    </ul>\n"
        "  </body>\n</html>\n"
    )


def dataset_entries(dataset: r.Dataset) -> list[str]:
    return ["datasource-properties.json", ".zgroup", *(item["name"] for item in layers(dataset))]


def layer_entries(data_layer: JSON) -> list[str]:
    return [".zattrs", ".zgroup", *(mag_literal(mag) for mag in data_layer["resolutions"])]


def zarr_layer(data_layer: JSON) -> JSON:
    converted = {
        "name": data_layer["name"],
        "category": data_layer["category"],
        "boundingBox": data_layer["boundingBox"],
        "elementClass": data_layer["elementClass"],
        "mags": [{"mag": mag, "axisOrder": AXIS_ORDER} for mag in data_layer["resolutions"]],
        "numChannels": num_channels(data_layer),
        "dataFormat": "zarr",
    }
    if data_layer["category"] == "segmentation":
        converted["largestSegmentId"] = data_layer.get("largestSegmentId")
        if data_layer.get("mappings"):
            converted["mappings"] = data_layer["mappings"]
    return converted


def datasource_properties(dataset: r.Dataset, organization_name: str) -> JSON:
    """``datasource-properties.json`` as the datastore streams it (not the file on its disk)."""
    return {
        "id": {"name": dataset.name, "team": organization_name},
        "dataLayers": [zarr_layer(item) for item in layers(dataset)],
        "scale": dataset.data_source["scale"],
    }


def zarray(data_layer: JSON, mag: list[int]) -> JSON:
    """The ``.zarray`` of one mag: shape ``[channels, x, y, z]`` up to the bounding box's end, in that mag."""
    box = data_layer["boundingBox"]
    end = [box["topLeft"][0] + box["width"], box["topLeft"][1] + box["height"], box["topLeft"][2] + box["depth"]]
    return {
        "dtype": DTYPES.get(data_layer["elementClass"], "|u1"),
        "fill_value": 0,
        "zarr_format": 2,
        "order": "F",
        "chunks": [num_channels(data_layer), BUCKET, BUCKET, BUCKET],
        "compressor": None,
        "filters": None,
        "shape": [num_channels(data_layer), *(e // m for e, m in zip(end, mag, strict=True))],
        "dimension_seperator": ".",
    }


def ngff_attributes(data_layer: JSON, scale: list[float]) -> JSON:
    """The layer's ``.zattrs``: OME-NGFF 0.4 multiscales metadata."""
    axes = [{"name": "c", "type": "channel"}] + [
        {"name": axis, "type": "space", "unit": "nanometer"} for axis in ("x", "y", "z")]
    datasets = [{"path": mag_literal(mag), "coordinateTransformations": [
        {"type": "scale", "scale": [1.0, *(float(s * m) for s, m in zip(scale, mag, strict=True))]}]}
        for mag in data_layer["resolutions"]]
    return {"multiscales": [{"version": "0.4", "name": data_layer["name"], "axes": axes, "datasets": datasets}]}


def chunk_size(data_layer: JSON) -> int:
    """Bytes of one uncompressed chunk (channels × 32³ × bytes per value)."""
    item_size = int(DTYPES.get(data_layer["elementClass"], "|u1")[-1])
    return num_channels(data_layer) * BUCKET**3 * item_size

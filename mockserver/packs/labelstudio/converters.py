"""CONLL2003, COCO and VOC as label-studio-converter 0.0.22 writes them, from the converter's items.

An item is ``{"id", "input": task data, "output": {control name: [values]}}`` (``Converter.load_from_dict``). The
mock never downloads images (the real converter fetches every image URL and carries on without the image when the
fetch fails): COCO and VOC are written as the real server writes them for images it cannot fetch, with an empty
``images/`` folder.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from operator import itemgetter
from typing import Any
from xml.dom import minidom

Item = dict[str, Any]
Members = dict[str, str]
"""ZIP member name → text (a name ending in ``/`` is a folder)."""


def tokenize(text: str) -> list[tuple[str, int]]:
    out, start = [], 0
    for token in text.split():
        out.append((token, start))
        start += len(token) + 1
    return out


def tokens_and_tags(text: str, spans: list[dict[str, Any]] | None) -> tuple[list[str], list[str]]:
    """``create_tokens_and_tags``: each whitespace token tagged ``O``, ``B-<label>`` or ``I-<label>``."""
    tokens_and_starts = tokenize(text)
    if not spans:
        return [t for t, _ in tokens_and_starts], ["O"] * len(tokens_and_starts)
    pending = sorted(spans, key=itemgetter("start"))
    span: dict[str, Any] | None = pending.pop(0)
    prefix, tokens, tags = "B-", [], []
    for token, start in tokens_and_starts:
        tokens.append(token)
        end = start + len(token) - 1
        if not span or end < span["start"] or start >= span["end"]:
            tags.append("O")
            continue
        tags.append(prefix + span["labels"][0])
        if span["end"] - 1 > end:
            prefix = "I-"
        elif pending:
            span, prefix = pending.pop(0), "B-"
        else:
            span = None
    return tokens, tags


def conll2003(items: list[Item], data_key: str) -> Members:
    lines = ["-DOCSTART- -X- O"]
    for item in items:
        tokens, tags = tokens_and_tags(item["input"][data_key], next(iter(item["output"].values()), None))
        lines += [f"{token} -X- _ {tag}" for token, tag in zip(tokens, tags, strict=True)] + [""]
    return {"result.conll": "\n".join(lines) + "\n"}


def _pixels(label: dict[str, Any], width: Any, height: Any) -> tuple[int, int, int, int]:
    return (int(label["x"] / 100 * width), int(label["y"] / 100 * height), int(label["width"] / 100 * width),
            int(label["height"] / 100 * height))


def coco(items: list[Item], data_key: str) -> Members:
    """Rectangles only (polygons: a 500 of the mock)."""
    images: list[dict[str, Any]] = []
    categories: dict[str, int] = {}
    annotations: list[dict[str, Any]] = []
    for item in items:
        labels: list[dict[str, Any]] = next(iter(item["output"].values()), [])
        if not item["output"] or not labels:
            continue
        width, height = labels[0]["original_width"], labels[0]["original_height"]
        image_id = len(images)
        images.append({"width": width, "height": height, "id": image_id, "file_name": item["input"][data_key]})
        for label in labels:
            if "rectanglelabels" not in label:
                raise ValueError("Unknown label type")
            category = categories.setdefault(label["rectanglelabels"][0], len(categories))
            x, y, w, h = _pixels(label, width, height)
            annotations.append({"id": len(annotations), "image_id": image_id, "category_id": category,
                                "segmentation": [], "bbox": [x, y, w, h], "ignore": 0, "iscrowd": 0, "area": w * h})
    document = {"images": images, "categories": [{"id": i, "name": n} for n, i in categories.items()],
                "annotations": annotations,
                "info": {"year": time.gmtime().tm_year, "version": "1.0", "contributor": "Label Studio"}}
    return {"images/": "", "result.json": json.dumps(document, indent=2)}


def _child(doc: minidom.Document, tag: str, text: str, parent: Any) -> None:
    node = doc.createElement(tag)
    node.appendChild(doc.createTextNode(text))
    parent.appendChild(node)


def _voc_document(name: str, width: Any, height: Any, bboxes: list[dict[str, Any]]) -> str:
    doc = minidom.getDOMImplementation().createDocument(None, "annotation", None)
    root: Any = doc.documentElement
    _child(doc, "folder", "images", root)
    _child(doc, "filename", name, root)
    for parent, children in (("source", (("database", "MyDatabase"), ("annotation", "COCO2017"), ("image", "flickr"),
                                         ("flickrid", "NULL"))),
                             ("owner", (("flickrid", "NULL"), ("name", "Label Studio"))),
                             ("size", (("width", str(width)), ("height", str(height)), ("depth", "3")))):
        node = doc.createElement(parent)
        for tag, value in children:
            _child(doc, tag, value, node)
        root.appendChild(node)
    _child(doc, "segmented", "0", root)
    for bbox in bboxes:
        x, y, w, h = _pixels(bbox, width, height)
        node = doc.createElement("object")
        for tag, value in (("name", bbox["rectanglelabels"][0]), ("pose", "Unspecified"), ("truncated", "0"),
                           ("difficult", "0")):
            _child(doc, tag, value, node)
        box = doc.createElement("bndbox")
        for tag, number in (("xmin", x), ("ymin", y), ("xmax", x + w), ("ymax", y + h)):
            _child(doc, tag, str(number), box)
        node.appendChild(box)
        root.appendChild(node)
    text: str = doc.toprettyxml(indent="", newl="\n", encoding="utf-8").decode()
    return text


def voc(items: list[Item], data_key: str) -> Members:
    """``Annotations/<image name>.xml`` per item with boxes (depth 3: the image was not fetched)."""
    members: Members = {"images/": ""}
    for item in items:
        if not item["output"]:
            continue
        members["Annotations/"] = ""
        bboxes = next(iter(item["output"].values()))
        if not bboxes:
            continue
        name = os.path.splitext(os.path.basename(item["input"][data_key]))[0]
        members[f"Annotations/{name}.xml"] = _voc_document(name, bboxes[0]["original_width"],
                                                           bboxes[0]["original_height"], bboxes)
    return members


CONVERTERS: dict[str, Callable[[list[Item], str], Members]] = {"CONLL2003": conll2003, "COCO": coco, "VOC": voc}
"""The converter formats built from items (JSON, JSON_MIN, CSV and TSV are in ``handlers.export``)."""

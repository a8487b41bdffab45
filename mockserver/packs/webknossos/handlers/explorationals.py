"""Creating explorational annotations from layer parameters (shared by createExplorational and uploads)."""

from __future__ import annotations

from typing import Any

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.errors import BadRequest
from mockserver.packs.webknossos.world.skeletons import empty_skeleton, volume_content


def _layer_names(layers: list[dict[str, Any]]) -> list[str]:
    names, counts = [], {"Skeleton": 0, "Volume": 0}
    for layer in layers:
        counts[layer["typ"]] += 1
        default = layer["typ"] if counts[layer["typ"]] == 1 else f"{layer['typ']}{counts[layer['typ']]}"
        names.append(str(layer.get("name") or default))
    if len(set(names)) != len(names):
        raise BadRequest("Annotation layer names must be unique")
    return names


def create_explorational_annotation(api: Api, me: Principal, dataset: r.Dataset,
                                    layers: list[dict[str, Any]]) -> r.Annotation:
    """A new Active explorational of ``me`` on ``dataset`` with one tracing per layer parameter."""
    if not layers:
        raise BadRequest("An annotation needs at least one layer")
    if not dataset.is_active:
        raise BadRequest(f"Dataset {dataset.name} is not imported and cannot be annotated")
    if sum(1 for layer in layers if layer["typ"] == "Skeleton") > 1:
        raise BadRequest("An annotation can have at most one skeleton layer")
    now = api.now()
    center = _center(dataset)
    segmentation = {d["name"]: d for d in dataset.data_source.get("dataLayers", []) if d["category"] == "segmentation"}
    tracings, wire_layers = [], []
    for layer, name in zip(layers, _layer_names(layers), strict=True):
        if layer["typ"] == "Skeleton":
            content = empty_skeleton(center, now)
        else:
            fallback = layer.get("fallbackLayerName")
            if fallback is not None and fallback not in segmentation:
                raise BadRequest(f"Fallback layer {fallback} does not exist in dataset {dataset.name}")
            content = volume_content(fallback, segmentation[fallback].get("largestSegmentId") if fallback else None)
        tracing = r.Tracing(api.new_tracing_id(), layer["typ"], content)
        tracings.append(tracing)
        wire_layers.append({"tracingId": tracing.id, "typ": layer["typ"], "name": name})
    annotation = r.Annotation(id=api.new_id(), typ="Explorational", state="Active", user_id=me.id,
                              dataset_id=dataset.id, layers=wire_layers, created=now, modified=now)
    api.store.insert(*tracings, annotation)
    return annotation


def _center(dataset: r.Dataset) -> list[int]:
    layers = dataset.data_source.get("dataLayers") or []
    if not layers:
        return [0, 0, 0]
    box = layers[0]["boundingBox"]
    size = (box["width"], box["height"], box["depth"])
    return [box["topLeft"][i] + size[i] // 2 for i in range(3)]

"""NML writer (reference §10.1): the exact output format of the real server."""

from __future__ import annotations

import random
from typing import Any

import pytest
from lxml import etree

from mockserver.packs.webknossos.nml import NmlDocument, NmlVolume, float32, java_double, write_nml
from mockserver.packs.webknossos.world.skeletons import random_skeleton

# The server's output for an uploaded one-node skeleton (reference §10.1, recorded, v5c).
REAL_EXAMPLE = """<things>
  <meta name="writer" content="NmlWriter.scala" />
  <meta name="writerGitCommit" content="84887cde6720a8ee7f014021a288e3f808048851" />
  <meta name="timestamp" content="1698936238963" />
  <meta name="annotationId" content="6543b5ae010000a70001f84d" />
  <meta name="username" content="user_A BoyA" />
  <parameters>
    <experiment name="l4_sample" organization="Organization_X" description="" wkUrl="http://localhost:9000" />
    <scale x="11.239999771118164" y="11.239999771118164" z="28.0" />
    <offset x="0" y="0" z="0" />
    <time ms="1698936238732" />
    <editPosition x="0" y="0" z="0" />
    <editRotation xRot="0.0" yRot="0.0" zRot="0.0" />
    <zoomLevel zoom="2.0" />
    <userBoundingBox id="0" name="Unnamed Bounding Box" isVisible="true" color.r="0.20000000298023224" color.g="0.5" color.b="0.10000000149011612" color.a="1.0" topLeftX="1024" topLeftY="512" topLeftZ="128" width="64" height="64" depth="64" />
    <userBoundingBox id="1" name="task bounding box" color.r="0.2688414419435581" color.g="0.09884540310341794" color.b="0.09232899371420344" color.a="1.0" topLeftX="10" topLeftY="10" topLeftZ="10" width="5" height="5" depth="5" />
  </parameters>
  <thing id="2" color.r="0.22112327814102173" color.g="0.37779566645622253" color.b="0.7245979309082031" color.a="1.0" name="a tree" groupId="1">
    <nodes>
      <node id="3" radius="1.0" x="0" y="0" z="0" rotX="0.0" rotY="0.0" rotZ="0.0" inVp="0" inMag="0" bitDepth="0" interpolation="false" time="0" />
    </nodes>
    <edges />
  </thing>
  <branchpoints />
  <comments>
    <comment node="3" content="node 1" />
  </comments>
  <groups>
    <group name="a group" id="1" />
  </groups>
</things>"""  # noqa: E501


def doc(**changes: Any) -> NmlDocument:
    values: dict[str, Any] = {
        "dataset_name": "l4_sample", "organization": "sample_organization", "wk_url": "http://localhost:9000",
        "timestamp": 1, "writer_commit": "0" * 40, "scale": [11.24, 11.24, 28.0],
    }
    values.update(changes)
    return NmlDocument(**values)


def skeleton(seed: int = 7) -> dict[str, Any]:
    content = random_skeleton(random.Random(seed), {"topLeft": [100, 200, 300], "width": 512, "height": 512,
                                                    "depth": 128}, 1_700_000_000_000)
    content["groups"] = [{"groupId": 1, "name": "outer", "children": [{"groupId": 4, "name": "inner", "children": []}]}]
    content["trees"][0]["groupId"] = 4
    content["branchPoints"] = [{"node": 1, "time": 5}, {"node": 2, "time": 9}]
    return content



def test_writer_reproduces_the_recorded_server_output() -> None:
    content = {
        "trees": [{"id": 2, "name": "a tree", "color": [float32(0.22112327814102173), float32(0.37779566645622253),
                                                        float32(0.7245979309082031), 1.0],
                   "groupId": 1, "type": None,
                   "nodes": [{"id": 3, "position": [0, 0, 0], "radius": 1.0, "rotation": [0.0, 0.0, 0.0], "inVp": 0,
                              "inMag": 0, "bitDepth": 0, "interpolation": False, "time": 0}],
                   "edges": []}],
        "comments": [{"node": 3, "content": "node 1"}], "branchPoints": [],
        "groups": [{"groupId": 1, "name": "a group", "children": []}],
        "userBoundingBoxes": [
            {"id": 0, "name": "Unnamed Bounding Box", "isVisible": True,
             "color": [float32(0.2), 0.5, float32(0.1), 1.0],
             "boundingBox": {"topLeft": [1024, 512, 128], "width": 64, "height": 64, "depth": 64}},
            {"id": 1, "name": "task bounding box", "isVisible": None,
             "color": [0.2688414419435581, 0.09884540310341794, 0.09232899371420344, 1.0],
             "boundingBox": {"topLeft": [10, 10, 10], "width": 5, "height": 5, "depth": 5}},
        ],
        "editPosition": [0, 0, 0], "editRotation": [0.0, 0.0, 0.0], "zoomLevel": 2.0, "activeNode": None,
        "time": 1698936238732,
    }
    written = write_nml(doc(organization="Organization_X", timestamp=1698936238963,
                            writer_commit="84887cde6720a8ee7f014021a288e3f808048851", description="",
                            annotation_id="6543b5ae010000a70001f84d", username="user_A BoyA", skeleton=content))
    assert written.decode() == REAL_EXAMPLE


def test_writer_format_details() -> None:
    content = skeleton()
    content["trees"][1]["color"] = None
    text = write_nml(doc(skeleton=content, task_id="a" * 24, description='say "hi" & <bye>\nnext line')).decode()
    assert text.startswith("<things>\n  <meta name=\"writer\"")
    assert "<?xml" not in text
    assert 'color.r="" color.g="" color.b="" color.a="" name="tree002"' in text
    assert '<meta name="taskId" content="aaaaaaaaaaaaaaaaaaaaaaaa" />' in text
    assert 'description="say &quot;hi&quot; &amp; &lt;bye&gt;&#10;next line"' in text
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        assert indent % 2 == 0
    node_line = next(line for line in text.splitlines() if "<node " in line)
    attributes = [item.split("=")[0] for item in node_line.strip()[6:-3].split(" ")]
    assert attributes == ["id", "radius", "x", "y", "z", "rotX", "rotY", "rotZ", "inVp", "inMag", "bitDepth",
                          "interpolation", "time"]
    branch_lines = [line.strip() for line in text.splitlines() if "<branchpoint " in line]
    assert branch_lines == ['<branchpoint id="2" time="9" />', '<branchpoint id="1" time="5" />']  # newest first
    assert '<group name="outer" id="1">\n      <group name="inner" id="4" />\n    </group>' in text
    assert etree.fromstring(text.encode()).tag == "things"


def test_volume_elements_and_skipped_data_note() -> None:
    volume = {"fallbackLayer": "segmentation", "largestSegmentId": 2504698,
              "segments": [{"id": 2504698, "name": None, "created": 1640104460458,
                            "anchorPosition": [2785, 4423, 1792], "color": None, "groupId": None}], "groups": []}
    with_data = write_nml(doc(volumes=[NmlVolume("Volume", volume, "data_Volume.zip")])).decode()
    assert ('<volume id="0" name="Volume" location="data_Volume.zip" format="wkw" fallbackLayer="segmentation" '
            'largestSegmentId="2504698">') in with_data
    assert "<thing " not in with_data and "<comments" not in with_data
    skipped = write_nml(doc(volumes=[NmlVolume("Volume", volume, None)], skip_volume_data=True)).decode()
    assert ('  <volume id="0" name="Volume" fallbackLayer="segmentation" largestSegmentId="2504698">'
            '<!--Note that volume data was omitted when downloading this annotation.-->\n'
            '    <segments>\n'
            '      <segment id="2504698" created="1640104460458" anchorPositionX="2785" anchorPositionY="4423" '
            'anchorPositionZ="1792" />\n'
            '    </segments>\n'
            '    <groups />\n'
            '  </volume>') in skipped


@pytest.mark.parametrize(("value", "text"), [
    (1.0, "1.0"), (0.0, "0.0"), (28, "28.0"), (123.5, "123.5"), (1e7, "1.0E7"), (1.5e-4, "1.5E-4"),
    (float32(11.24), "11.239999771118164"), (-2.5, "-2.5"), (0.001, "0.001"),
])
def test_java_double(value: float, text: str) -> None:
    assert java_double(value) == text

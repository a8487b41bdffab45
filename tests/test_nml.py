"""NML writer and parser (reference §10): exact output format, round trips, hardening against hostile files."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
from lxml import etree

from mockserver import nml
from mockserver.errors import ApiError
from mockserver.nml import (
    NmlDocument,
    NmlEmptyError,
    NmlParseError,
    NmlVolume,
    float32,
    java_double,
    parse_nml,
    write_nml,
)
from mockserver.resources import fixtures_dir
from mockserver.world.skeletons import random_skeleton

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

MINIMAL = b'<things><parameters><experiment name="l4_sample"/></parameters>%s</things>'


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


def with_trees(xml: bytes) -> bytes:
    return MINIMAL % xml


def reason(data: bytes, filename: str = "a.nml") -> str:
    with pytest.raises(NmlParseError) as caught:
        parse_nml(data, filename)
    assert caught.value.status == 400
    assert caught.value.error == f"Could not parse file: {filename}. {caught.value.reason}"
    return caught.value.reason


# writing ---------------------------------------------------------------------------------------------


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


# parsing ---------------------------------------------------------------------------------------------


def test_round_trip_keeps_trees_nodes_edges_comments_branchpoints_groups() -> None:
    content = skeleton()
    content["userBoundingBoxes"] = [{"id": 3, "name": "box", "isVisible": False, "color": [0.5, 0.25, 1.0, 1.0],
                                     "boundingBox": {"topLeft": [1, 2, 3], "width": 4, "height": 5, "depth": 6}}]
    parsed = parse_nml(write_nml(doc(skeleton=content, description="hello")), "x.nml")
    assert parsed.dataset_name == "l4_sample" and parsed.organization == "sample_organization"
    assert parsed.description == "hello"
    assert parsed.skeleton is not None
    expected = copy.deepcopy(content)
    for tree in expected["trees"]:
        tree["color"] = [float32(c) for c in tree["color"]]
    assert parsed.skeleton["trees"] == expected["trees"]
    assert parsed.skeleton["comments"] == content["comments"]
    assert sorted(map(str, parsed.skeleton["branchPoints"])) == sorted(map(str, content["branchPoints"]))
    assert parsed.skeleton["groups"] == content["groups"]
    assert parsed.skeleton["userBoundingBoxes"] == content["userBoundingBoxes"]
    assert parsed.skeleton["activeNode"] == content["activeNode"]
    assert parsed.edit_position == content["editPosition"]


def test_minimal_nml_gets_the_parser_defaults() -> None:
    data = with_trees(b'<thing id="1"><nodes><node id="7" x="1.6" y="2" z="-3.4"/></nodes></thing>'
                      b'<branchpoints><branchpoint id="7"/></branchpoints>')
    parsed = parse_nml(data, "min.nml")
    assert parsed.skeleton is not None
    tree = parsed.skeleton["trees"][0]
    assert tree["name"] == "" and tree["color"] is None and tree["groupId"] is None
    assert tree["nodes"] == [{"id": 7, "position": [2, 2, -3], "radius": 1.0, "rotation": [0.0, 0.0, 0.0], "inVp": 0,
                              "inMag": 0, "bitDepth": 0, "interpolation": False, "time": 0}]
    assert parsed.skeleton["branchPoints"] == [{"node": 7, "time": 0}]
    assert (parsed.zoom_level, parsed.edit_position, parsed.edit_rotation) == (2.0, [0, 0, 0], [0.0, 0.0, 0.0])
    assert parsed.organization is None and parsed.description == "" and parsed.volumes == []


def test_disconnected_tree_is_split_into_components_in_a_new_group() -> None:
    data = with_trees(b'<thing id="5" name="axon" groupId="2"><nodes><node id="1" x="0" y="0" z="0"/>'
                      b'<node id="2" x="1" y="0" z="0"/><node id="3" x="2" y="0" z="0"/></nodes>'
                      b'<edges><edge source="1" target="2"/></edges></thing>'
                      b'<groups><group id="2" name="g"/></groups>')
    parsed = parse_nml(data, "split.nml")
    assert parsed.skeleton is not None
    trees = parsed.skeleton["trees"]
    assert [(t["id"], t["name"], t["groupId"], [n["id"] for n in t["nodes"]]) for t in trees] == [
        (6, "axon_0", 3, [1, 2]), (7, "axon_1", 3, [3])]
    assert parsed.skeleton["groups"] == [{"groupId": 2, "name": "g", "children": [
        {"groupId": 3, "name": "axon", "children": []}]}]


def test_task_bounding_box_in_task_mode_and_as_user_box_otherwise() -> None:
    data = (fixtures_dir() / "nml" / "l4_sample_task.nml").read_bytes()
    task = parse_nml(data, "t.nml", task_mode=True)
    box = {"topLeft": [3236, 3236, 1068], "width": 128, "height": 128, "depth": 64}
    assert task.task_bounding_box == box
    assert task.skeleton is not None and task.skeleton["userBoundingBoxes"] == []
    explorational = parse_nml(data, "t.nml")
    assert explorational.skeleton is not None
    [user_box] = explorational.skeleton["userBoundingBoxes"]
    assert user_box["name"] == "task bounding box" and user_box["boundingBox"] == box and user_box["id"] == 0


def test_dataset_name_override_drops_the_organization() -> None:
    parsed = parse_nml(with_trees(b""), "a.nml", dataset_name="other")
    assert (parsed.dataset_name, parsed.organization) == ("other", None)


@pytest.mark.parametrize("path", sorted((fixtures_dir() / "nml").glob("*.nml")), ids=lambda p: p.name)
def test_fixture_nmls_parse(path: Any) -> None:
    parsed = parse_nml(path.read_bytes(), path.name)
    assert parsed.dataset_name == "l4_sample" and parsed.organization == "sample_organization"
    assert parsed.skeleton is not None and parsed.skeleton["trees"]


# hostile and broken files ------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<things><parameters><experiment name="&lol9;"/></parameters></things>"""
XXE = (b'<?xml version="1.0"?><!DOCTYPE things [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       b'<things><parameters><experiment name="&xxe;"/></parameters></things>')


@pytest.mark.parametrize(("data", "expected"), [
    (b"this is not xml", "Failed to parse NML 'a.nml'. Error in Line 1 (column 1): Start tag expected"),
    (b"<things><parameters>", "Failed to parse NML 'a.nml'. Error in Line 1 (column 21)"),
    (BILLION_LAUGHS, "Failed to parse NML 'a.nml'. Error in Line 2 (column 1): DOCTYPE is disallowed"),
    (XXE, "Failed to parse NML 'a.nml'. Error in Line 1 (column 22): DOCTYPE is disallowed"),
    (b"<things><thing id='1'/></things>", "No parameters section found"),
    (with_trees(b'<thing id="x"/>'), "Invalid tree id x"),
    (with_trees(b'<thing id="1"><nodes><node id="1" x="a" y="0" z="0"/></nodes></thing>'),
     "Invalid node position for node id 1"),
    (with_trees(b'<thing id="1"><nodes><node id="99999999999" x="0" y="0" z="0"/></nodes></thing>'),
     "Invalid node id 99999999999"),
    (with_trees(b'<thing id="1"/><thing id="1"/>'), "Duplicate treeIds: 1"),
    (with_trees(b'<thing id="1"><nodes><node id="1" x="0" y="0" z="0"/></nodes></thing>'
                b'<thing id="2"><nodes><node id="1" x="0" y="0" z="0"/></nodes></thing>'), "Duplicate nodeIds: 1"),
    (with_trees(b'<thing id="1"><nodes><node id="1" x="0" y="0" z="0"/></nodes>'
                b'<edges><edge source="1" target="2"/></edges></thing>'),
     "Some edges refer to non-existent nodes. treeId: 1, nodeIds: 2"),
    (with_trees(b'<thing id="1"><nodes><node id="1" x="0" y="0" z="0"/></nodes>'
                b'<edges><edge source="1" target="1"/></edges></thing>'),
     "Some edges have the same source and target. treeId: 1, edges: Edge(1,1)"),
    (with_trees(b'<thing id="1"><nodes><node id="1" x="0" y="0" z="0"/><node id="2" x="0" y="0" z="0"/></nodes>'
                b'<edges><edge source="1" target="2"/><edge source="2" target="1"/></edges></thing>'),
     "Duplicate edges in tree 1: Edge(2,1)"),
    (with_trees(b'<thing id="1"><edges><edge source="1" target="b"/></edges></thing>'), "Invalid edge 1 b"),
    (with_trees(b'<thing id="1" groupId="3"/>'), "Some treeGroups used in trees don't exist. treeGroups: 3"),
    (with_trees(b'<groups><group id="1"/><group id="1"/></groups>'), "Duplicate treeGroupIds: 1"),
    (with_trees(b'<comments><comment node="4" content="x"/></comments>'),
     "Some comments refer to non-existent nodes. comments: 4"),
    (with_trees(b'<branchpoints><branchpoint id="4"/></branchpoints>'),
     "Some branchPoints refer to non-existent nodes. branchPoints: 4"),
    (with_trees(b'<comments><comment node="" content="x"/></comments>'), "Invalid node id of comment "),
    ("<things/>".encode("utf-16"), "Failed to parse NML 'a.nml'. Error in Line 1 (column 1): Unsupported document "
                                   "encoding"),
    (b'<?xml version="1.0" encoding="UTF-7"?><things/>',
     "Failed to parse NML 'a.nml'. Error in Line 1 (column 1): Unsupported document encoding utf-7"),
])
def test_bad_files_give_the_real_error_texts(data: bytes, expected: str) -> None:
    assert reason(data).startswith(expected)


def test_deep_nesting_and_too_many_elements_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    deep = b"<a>" * 300 + b"</a>" * 300
    assert reason(deep).startswith("Failed to parse NML 'a.nml'.")
    groups = b"".join(b'<group id="%d">' % i for i in range(150)) + b"</group>" * 150
    assert "nested too deeply" in reason(with_trees(b"<groups>" + groups + b"</groups>"))
    monkeypatch.setattr(nml, "MAX_ELEMENTS", 50)
    nodes = b"".join(b'<node id="%d" x="0" y="0" z="0"/>' % i for i in range(60))
    assert reason(with_trees(b'<thing id="1"><nodes>' + nodes + b"</nodes></thing>")).startswith("Too many elements")
    monkeypatch.setattr(nml, "MAX_NML_BYTES", 100)
    assert reason(b" " * 101).startswith("File too large")


@pytest.mark.parametrize("data", [b"", b"   \n", b"\xef\xbb\xbf"])
def test_empty_files(data: bytes) -> None:
    with pytest.raises(NmlEmptyError) as caught:
        parse_nml(data, "empty.nml")
    assert caught.value.error == "No file or file with empty content uploaded"


def test_mutated_files_never_raise_anything_but_api_errors() -> None:
    """Random byte-level damage to a real file: every outcome is a parse result or a 400 ``ApiError``."""
    original = (fixtures_dir() / "nml" / "l4_sample_groups.nml").read_bytes()
    rng = random.Random(1)
    for _ in range(300):
        data = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(len(data))
            action = rng.random()
            if action < 0.4:
                data[position] = rng.randrange(256)
            elif action < 0.7:
                del data[position:position + rng.randint(1, 40)]
            else:
                data[position:position] = rng.choice([b"<", b'"', b"&", b"<!DOCTYPE x>", b"\x00", b"-1", b"999999"])
        try:
            parse_nml(bytes(data), "m.nml")
        except ApiError as error:
            assert error.status == 400

"""NML reader (reference §10.3): round trips, the parser's defaults and rules, hostile and broken files."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest

from mockserver import safe_xml
from mockserver.packs.webknossos.errors import ApiError
from mockserver.packs.webknossos.nml import NmlEmptyError, NmlParseError, float32, parse_nml, write_nml
from mockserver.resources import fixtures_dir
from tests.packs.webknossos.nml.test_writer import doc, skeleton

MINIMAL = b'<things><parameters><experiment name="l4_sample"/></parameters>%s</things>'

def with_trees(xml: bytes) -> bytes:
    return MINIMAL % xml


def reason(data: bytes, filename: str = "a.nml") -> str:
    with pytest.raises(NmlParseError) as caught:
        parse_nml(data, filename)
    assert caught.value.status == 400
    assert caught.value.error == f"Could not parse file: {filename}. {caught.value.reason}"
    return caught.value.reason


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
    data = (fixtures_dir() / "webknossos" / "nml" / "l4_sample_task.nml").read_bytes()
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


@pytest.mark.parametrize("path", sorted((fixtures_dir() / "webknossos" / "nml").glob("*.nml")), ids=lambda p: p.name)
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
    (b'<html><body><p>hello</p></body></html>', "No parameters section found"),
    (with_trees(b'<thing name="no id"/>'), "Invalid tree id "),
    (with_trees(b'<thing id="1"><nodes><node id="1" x="1" y="2"/></nodes></thing>'),
     "Invalid node position for node id 1"),
    (with_trees(b'<thing id="1"><nodes><node id="1" x="1e999" y="0" z="0"/></nodes></thing>'),
     "Invalid node position for node id 1"),
    (with_trees(b'<thing id="1"><nodes><node x="1" y="2" z="3"/></nodes></thing>'), "Invalid node id "),
    (with_trees(b'<thing id="1"><edges><edge source="1"/></edges></thing>'), "Invalid edge 1 "),
    (b'<!DOCTYPE things SYSTEM "http://127.0.0.1:1/things.dtd"><things/>',
     "Failed to parse NML 'a.nml'. Error in Line 1 (column 1): DOCTYPE is disallowed"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE things [<!ELEMENT things ANY>]><things/>',
     "Failed to parse NML 'a.nml'. Error in Line 2 (column 1): DOCTYPE is disallowed"),
])
def test_bad_files_give_the_real_error_texts(data: bytes, expected: str) -> None:
    assert reason(data).startswith(expected)


def test_deep_nesting_and_too_many_elements_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    deep = b"<a>" * 300 + b"</a>" * 300
    assert reason(deep).startswith("Failed to parse NML 'a.nml'.")
    groups = b"".join(b'<group id="%d">' % i for i in range(150)) + b"</group>" * 150
    assert "nested too deeply" in reason(with_trees(b"<groups>" + groups + b"</groups>"))
    monkeypatch.setattr(safe_xml, "MAX_ELEMENTS", 50)
    nodes = b"".join(b'<node id="%d" x="0" y="0" z="0"/>' % i for i in range(60))
    assert reason(with_trees(b'<thing id="1"><nodes>' + nodes + b"</nodes></thing>")).startswith("Too many elements")
    monkeypatch.setattr(safe_xml, "MAX_NML_BYTES", 100)
    assert reason(b" " * 101).startswith("File too large")


@pytest.mark.parametrize("data", [b"", b"   \n", b"\xef\xbb\xbf"])
def test_empty_files(data: bytes) -> None:
    with pytest.raises(NmlEmptyError) as caught:
        parse_nml(data, "empty.nml")
    assert caught.value.error == "No file or file with empty content uploaded"


def test_mutated_files_never_raise_anything_but_api_errors() -> None:
    """Random byte-level damage to a real file: every outcome is a parse result or a 400 ``ApiError``."""
    original = (fixtures_dir() / "webknossos" / "nml" / "l4_sample_groups.nml").read_bytes()
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


def xxe_payloads(secret: Path) -> list[bytes]:
    """External entities pointing at ``secret``: in an attribute, in text, as a parameter entity."""
    url = secret.as_uri().encode()
    return [
        b'<!DOCTYPE things [<!ENTITY xxe SYSTEM "' + url + b'">]>'
        b'<things><parameters><experiment name="&xxe;"/></parameters></things>',
        b'<!DOCTYPE things [<!ENTITY xxe SYSTEM "' + url + b'">]>'
        b'<things><parameters><experiment name="l4_sample"/></parameters><comments>&xxe;</comments></things>',
        b'<!DOCTYPE things [<!ENTITY % p SYSTEM "' + url + b'"> %p;]>'
        b'<things><parameters><experiment name="l4_sample"/></parameters></things>',
    ]


@pytest.mark.parametrize("bypass_prolog_check", [False, True], ids=["as-served", "lxml-alone"])
def test_external_entities_never_read_local_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  bypass_prolog_check: bool) -> None:
    """XXE: the DOCTYPE is refused before parsing; even without that check lxml resolves nothing."""
    secret = tmp_path / "secret.txt"
    secret.write_text("MARKER-4f1c9e")
    if bypass_prolog_check:
        monkeypatch.setattr(safe_xml, "check_prolog", lambda data, filename: None)
    for payload in xxe_payloads(secret):
        with pytest.raises(NmlParseError) as caught:
            parse_nml(payload, "xxe.nml")
        assert "MARKER" not in caught.value.error


def test_billion_laughs_is_refused_without_expansion(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused for its DOCTYPE; without that check libxml2's amplification limit stops it."""
    monkeypatch.setattr(safe_xml, "check_prolog", lambda data, filename: None)
    with pytest.raises(NmlParseError) as caught:
        parse_nml(BILLION_LAUGHS, "lol.nml")
    assert "lollol" not in caught.value.error
    assert len(caught.value.error) < 500


def test_libxml2_limits_stay_on() -> None:
    """huge_tree stays off: a text node over 10 MB fails fast."""
    huge_text = with_trees(b"<comments>" + b"x" * (11 * 1024 * 1024) + b"</comments>")
    assert "Text node too long" in reason(huge_text)


def test_long_lists_are_streamed_and_the_rest_of_the_tree_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nodes, edges, comments … leave the XML tree while parsing (junk attributes with them); what stays
    in the tree is capped."""
    junk = b" ".join(b'junk%d="x"' % i for i in range(40))
    nodes = b"".join(b'<node id="%d" x="1" y="2" z="3" %s/>' % (i, junk) for i in range(1, 201))
    edges = b"".join(b'<edge source="%d" target="%d" %s/>' % (i, i + 1, junk) for i in range(1, 200))
    data = with_trees(b'<thing id="1"><nodes>' + nodes + b"</nodes><edges>" + edges + b"</edges></thing>")
    monkeypatch.setattr(safe_xml, "MAX_KEPT_ATTRIBUTES", 100)
    monkeypatch.setattr(safe_xml, "MAX_KEPT_ELEMENTS", 50)
    parsed = parse_nml(data, "junk.nml")  # 16,000 junk attributes, none of them kept
    assert parsed.skeleton is not None and len(parsed.skeleton["trees"][0]["nodes"]) == 200
    groups = b"".join(b'<group id="%d" a="" b="" c=""/>' % i for i in range(30))
    assert reason(with_trees(b"<groups>" + groups + b"</groups>")) == "Too many attributes (more than 100)"
    assert reason(with_trees(b"<groups>" + b"<x/>" * 60 + b"</groups>")) == "Too many elements (more than 50)"
    stray = with_trees(b'<thing id="1"><nodes><node id="1" x="1" y="1" z="1"><node id="2" x="1" y="1" z="1"/>'
                       b"</node></nodes></thing><node id=\"3\"/>")
    parsed = parse_nml(stray, "stray.nml")  # only <things><thing><nodes><node> are nodes, as before
    assert parsed.skeleton is not None and [n["id"] for n in parsed.skeleton["trees"][0]["nodes"]] == [1]

"""What a compare profile makes alike, and what it leaves different."""

from __future__ import annotations

from mockserver.compare import Normaliser, Renaming
from mockserver.pack import CompareProfile, load_pack


def test_typed_keys_are_compared_by_type_only() -> None:
    normaliser = Normaliser(CompareProfile(typed_keys=frozenset({"created"})))
    assert normaliser.value({"created": 1}) == normaliser.value({"created": 2}) == {"created": "<number>"}
    assert normaliser.value({"created": "2020"}) != normaliser.value({"created": 2})
    assert normaliser.value({"created": None}) == {"created": None}
    assert normaliser.value({"other": 1}) != normaliser.value({"other": 2})


def test_substitutions_reach_every_string_and_sorted_lists_sort_set_printed_lists() -> None:
    normaliser = Normaliser(CompareProfile(substitutions=((r"/tmp/\w+/", "<tmp>/"),),
                                           sorted_lists=(r"keys: (?P<list>\[[^\]]*\])",)))
    assert normaliser.value({"a": ["/tmp/x1/f", {"b": "at /tmp/y2/g"}]}) == {"a": ["<tmp>/f", {"b": "at <tmp>/g"}]}
    assert normaliser.text("keys: ['b', 'a'] and ['d', 'c']") == "keys: ['a', 'b'] and ['d', 'c']"
    assert normaliser.text("keys: [broken") == "keys: [broken"


def test_unordered_keys_compare_their_lists_as_sets() -> None:
    normaliser = Normaliser(CompareProfile(unordered_keys=frozenset({"tags"})))
    assert normaliser.value({"tags": ["b", "a"]}) == normaliser.value({"tags": ["a", "b"]})
    assert normaliser.value({"list": ["b", "a"]}) != normaliser.value({"list": ["a", "b"]})


def test_ids_are_renamed_consistently() -> None:
    renaming = Renaming()
    assert renaming.pair(7, 107) and renaming.pair(8, 108)
    assert renaming.pair(7, 107)
    assert not renaming.pair(7, 108)  # 7 already stands for 107
    assert not renaming.pair(9, 107)  # 107 already stands for 7
    assert renaming.pair(5, 5)  # one server, one world: equal ids are the same thing
    assert not renaming.pair(1, "1")


def test_the_label_studio_profile_makes_two_servers_alike() -> None:
    normaliser = Normaliser(load_pack("labelstudio").compare)
    real = {"created_at": 1796289833, "completed_at": "2026-12-03 09:23:53", "duration": 0.004, "port": 8311,
            "config": {"config_path": "/tmp/x/project/config.json", "output_dir": "/tmp/x/project/completions"},
            "project_name": "/tmp/x/project", "image": "http://localhost:8311/data/upload/abc-x.jpg",
            "detail": "Failed to parse /tmp/htx_k2j/x.zip/a.txt; must contain only keys: ['b', 'a']"}
    mock = {"created_at": 1600000000, "completed_at": "2020-09-13 12:26:40", "duration": 0.1, "port": 9000,
            "config": {"config_path": "/srv/label-studio/project/config.json",
                       "output_dir": "/srv/label-studio/project/completions"},
            "project_name": "/srv/label-studio/project", "image": "http://127.0.0.1:9000/data/upload/abc-x.jpg",
            "detail": "Failed to parse /tmp/htx_labelstudio/x.zip/a.txt; must contain only keys: ['a', 'b']"}
    assert normaliser.value(real) == normaliser.value(mock)
    assert normaliser.value({"image": "http://example.org:1/data/upload/a"}) != normaliser.value(
        {"image": "http://127.0.0.1:1/data/upload/a"})
    assert normaliser.value({"completed_at": "undefined"}) == {"completed_at": "undefined"}

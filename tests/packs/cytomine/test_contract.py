"""The contract profile: read-only by default, the caller checked with ``/api/user/current.json``; with writes, the
run's own projects, ontologies, image instances and annotations only."""

from __future__ import annotations

from mockserver.contract.policy import Created, Policy, policy_of
from mockserver.packs.cytomine import contract_profile
from mockserver.packs.cytomine.sandbox import KINDS, Creates, created_by
from tests.packs.cytomine.test_spec import operations

OWN = {("POST", f"/api/{kind}.json") for kind in KINDS} | {("DELETE", f"/api/{kind}/{{id}}.json") for kind in KINDS}


def test_reads_are_allowed_and_writes_only_to_what_the_run_creates() -> None:
    profile = contract_profile()
    for method, path, _ in operations():
        expected = Policy.READ if method == "GET" else Policy.NEVER
        if (method, path) in OWN:
            expected = Policy.CREATE if method == "POST" else Policy.ON_CREATED
        assert policy_of(profile.policies, method, path) == expected, (method, path)
    assert profile.whoami == "/api/user/current.json"


def test_what_a_create_made_is_read_from_its_envelope_or_its_bulk_message() -> None:
    assert created_by("/api/annotation.json", {"annotation": {"id": 7}, "message": "…"}) == [Created("annotation", "7")]
    bulk = {"data": {"message": "userannotations 8,9 added"}, "status": 200}
    assert created_by("/api/annotation.json", bulk) == [Created("annotation", "8"), Created("annotation", "9")]
    assert created_by("/api/term.json", {"term": {"id": 1}}) == []


def test_every_other_positive_create_goes_into_the_sandbox() -> None:
    creates = Creates(project=1, image=2, abstract_images=(3, 4))
    annotation = creates.body("annotation")
    assert annotation is not None and annotation["image"] == 2 and annotation["location"].startswith("POLYGON")
    assert [creates.body("imageinstance") for _ in range(3)] == [{"baseImage": b, "project": 1} for b in (3, 4, 3)]
    assert str(creates.body("project")["name"]).startswith("contract_")
    assert Creates().body("annotation") is None

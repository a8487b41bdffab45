"""The world as JSON: export, import, refusals."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mockserver.dump import export_world, import_world, records_of
from mockserver.errors import ConfigurationError
from mockserver.packs.webknossos import records as r
from mockserver.pytest_plugin import MockServer


def test_round_trip_keeps_every_record(mockserver_inprocess: MockServer) -> None:
    control = mockserver_inprocess.control
    exported = export_world(control.backend.pack, control.store, control.world)
    before = control.store.snapshot()
    world = import_world(control.backend.pack, control.store, copy.deepcopy(exported))
    assert export_world(control.backend.pack, control.store, world)["tables"] == exported["tables"]
    assert world.known_users == control.world.known_users
    assert len(control.store.snapshot()) == len(before)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(format="x"), "not a world export"),
    (lambda d: d["tables"].update(widgets=[]), "unknown tables: \\['widgets'\\]"),
    (lambda d: d["tables"]["users"][0].update(color="red"), "tables.users\\[0\\]: expected an object with"),
    (lambda d: d["tables"]["users"][1].pop("email"), "tables.users\\[1\\]: missing \\['email'\\]"),
    (lambda d: d["tables"]["tasks"][0].update(total_instances="2"),
     "tasks\\[0\\].total_instances: expected an integer"),
    (lambda d: d["tables"].update(users=d["tables"]["users"][:2]), "at least three users"),
])
def test_bad_documents_are_refused_before_anything_changes(mockserver_inprocess: MockServer, change: Any,
                                                           message: str) -> None:
    control = mockserver_inprocess.control
    document = export_world(control.backend.pack, control.store, control.world)
    change(document)
    users = control.store.count(r.User)
    with pytest.raises(ConfigurationError, match=message):
        records_of(control.backend.pack, document)
    with pytest.raises(ConfigurationError):
        import_world(control.backend.pack, control.store, document)
    assert control.store.count(r.User) == users

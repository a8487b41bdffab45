"""0.9 is a diff-only version of the pack: ``mockserver diff --api labelstudio 0.8 0.9`` reports what 0.9.1 changed;
the server serves 0.8 only."""

from __future__ import annotations

import json

from click.testing import CliRunner
from starlette.testclient import TestClient

from mockserver.cli import main
from mockserver.pack import load_pack
from mockserver.specdiff.model import DiffReport, Kind
from mockserver.specdiff.reports import build
from tests.packs.labelstudio.test_spec import DEPRECATED_AND_MORE, NEW_IN_09, ROUTES_08


def report() -> DiffReport:
    [only] = build("0.8", "0.9", api="labelstudio")
    return only


def operations_by_kind(diff: DiffReport) -> tuple[set[str], set[str], set[str]]:
    added = {c.operation for c in diff.changes if c.kind is Kind.OPERATION_ADDED}
    removed = {c.operation for c in diff.changes if c.kind is Kind.OPERATION_REMOVED}
    return added, removed, {c.operation for c in diff.changes} - added - removed


def test_the_pack_serves_08_and_compares_09() -> None:
    pack = load_pack("labelstudio")
    assert pack.version_names == ("0.8",) and [v.name for v in pack.documented_versions] == ["0.8", "0.9"]


def test_09_is_not_served(ls: TestClient) -> None:
    assert ls.patch("/api/tasks/0", json={"data": {"image": "x"}}).status_code == 405
    assert "access-control-allow-origin" not in ls.get("/api/health").headers


def test_the_counts_of_added_removed_and_changed_operations() -> None:
    """22 operations added, none removed, and every one of 0.8 changed (CORS headers on every response at least)."""
    added, removed, changed = operations_by_kind(report())
    assert (len(added), len(removed), len(changed)) == (22, 0, 48)
    assert added == {f"{method} {path}" for method, path in NEW_IN_09}
    assert changed == {f"{method} {path}" for method, path in ROUTES_08 | DEPRECATED_AND_MORE}


def test_named_changes() -> None:
    changes = {(c.operation, c.kind) for c in report().changes}
    assert ("PATCH /api/tasks/{task_id}", Kind.OPERATION_ADDED) in changes
    assert ("POST /api/tasks/{task_id}/completions/{completion_id}", Kind.OPERATION_ADDED) in changes
    assert ("GET /api/tasks", Kind.TYPE_CHANGED) in changes  # the bare list became an envelope
    assert ("POST /api/project/import", Kind.RESPONSE_STATUS_ADDED) in changes  # 422 import errors
    assert ("POST /api/project/import", Kind.RESPONSE_STATUS_REMOVED) in changes  # … instead of 400
    assert ("GET /api/health", Kind.RESPONSE_HEADER_ADDED) in changes  # CORS
    assert ("POST /api/models/train", Kind.TYPE_CHANGED) in changes  # "No ML backend" → {"detail": …}


def test_the_command_line_report() -> None:
    result = CliRunner().invoke(main, ["diff", "--api", "labelstudio", "0.8", "0.9", "--format", "json"])
    assert result.exit_code == 0, result.output
    [pair] = json.loads(result.output)["pairs"]
    assert (pair["old"], pair["new"]) == ("0.8", "0.9") and pair["summary"]["breaking"] > 0

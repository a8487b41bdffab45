"""Records: ``Task.result_missing`` follows the completions, and the poison check finds it through its index."""

from __future__ import annotations

from mockserver.packs.labelstudio.records import SCHEMA, Task, lacks_result
from mockserver.store import Store

POISONED = "SELECT 1 FROM tasks WHERE project = ? AND result_missing = 1 LIMIT 1"


def test_a_completion_without_result_is_what_result_missing_records() -> None:
    assert lacks_result([{"id": 1, "result": []}, {"id": 2}])
    assert not lacks_result([{"id": 1, "result": []}]) and not lacks_result([]) and not lacks_result(None)


def test_the_poison_check_reads_only_the_tasks_without_result() -> None:
    store = Store.open(SCHEMA)
    store.insert_many(Task, [Task(1, i, {"image": "a.jpg"}, None, None, [{"result": []}]) for i in range(50)])
    plan = " ".join(str(row[-1]) for row in store.rows(f"EXPLAIN QUERY PLAN {POISONED}", (1,)))
    assert "USING INDEX ix_ls_tasks_result_missing" in plan or "USING COVERING INDEX ix_ls_tasks_result_missing" in plan
    assert store.scalars(POISONED, (1,)) == []
    store.insert(Task(1, 50, {"image": "b.jpg"}, None, None, [{}], result_missing=True))
    assert store.scalars(POISONED, (1,)) == [1] and store.scalars(POISONED, (2,)) == []

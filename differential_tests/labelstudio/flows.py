"""The request flows sent to both servers, in order, from a fresh project (``label-studio start --init``; the
mock's ``empty`` recipe). Each step is (label, method, path, body); a body is JSON unless wrapped in ``Form``
or ``Raw``. State carries from one flow to the next, the same on both sides."""

from __future__ import annotations

import dataclasses
from typing import Any

IMAGE = ('<View><Image name="image" value="$image"/><Choices name="choice" toName="image">'
         '<Choice value="Cat"/><Choice value="Dog"/></Choices></View>')


@dataclasses.dataclass(frozen=True)
class Form:
    fields: dict[str, str]


@dataclasses.dataclass(frozen=True)
class Raw:
    content: bytes
    content_type: str


def choice(label: str) -> list[dict[str, Any]]:
    return [{"from_name": "choice", "to_name": "image", "type": "choices", "value": {"choices": [label]}}]


Step = tuple[str, str, str, Any]

FLOWS: dict[str, list[Step]] = {
    "basics": [
        ("health", "GET", "/api/health", None),
        ("health with a trailing slash", "GET", "/api/health/", None),
        ("version", "GET", "/version", None),
        ("fresh project", "GET", "/api/project", None),
        ("no tasks", "GET", "/api/tasks", None),
        ("next with no tasks", "GET", "/api/project/next", None),
        ("unknown route", "GET", "/api/nope", None),
        ("GET of the config route", "GET", "/api/project/config", None),
        ("GET of a task's completions", "GET", "/api/tasks/0/completions", None),
        ("wrong method", "PUT", "/api/tasks/0", None),
        ("wrong method on health", "DELETE", "/api/health", None),
    ],
    "config": [
        ("save as JSON", "POST", "/api/project/config", {"label_config": IMAGE}),
        ("bad toName", "POST", "/api/project/config",
         {"label_config": IMAGE.replace('toName="image"', 'toName="nope"')}),
        ("broken XML", "POST", "/api/project/config", {"label_config": "<View><Image"}),
        ("empty config", "POST", "/api/project/config", {"label_config": ""}),
        ("a single Choice", "POST", "/api/project/config",
         {"label_config": IMAGE.replace('<Choice value="Dog"/>', "")}),
        ("no label_config", "POST", "/api/project/config", {}),
        ("a number", "POST", "/api/project/config", {"label_config": 5}),
        ("malformed JSON", "POST", "/api/project/config", Raw(b"{bad", "application/json")),
        ("an unknown tag", "POST", "/api/project/config", {"label_config": "<View><Foo/></View>"}),
        ("a text config", "POST", "/api/project/config",
         {"label_config": '<View><Text name="t" value="$text"/></View>'}),
        ("project after saves", "GET", "/api/project", None),
        ("save as a form", "POST", "/api/project/config", Form({"label_config": IMAGE})),
        ("validate a form", "POST", "/api/validate-config", Form({"label_config": IMAGE})),
        ("validate broken XML", "POST", "/api/validate-config", Form({"label_config": "<View><Image"})),
        ("validate JSON", "POST", "/api/validate-config", {"label_config": IMAGE}),
        ("project with the image config", "GET", "/api/project", None),
    ],
    "import": [
        ("three tasks", "POST", "/api/project/import", [
            {"image": "http://example.org/a.jpg"},
            {"data": {"image": "http://example.org/b.jpg"}, "predictions": [{"result": choice("Dog"), "score": 0.5}]},
            {"image": "http://example.org/c.jpg", "extra": 1}]),
        ("one task object", "POST", "/api/project/import", {"image": "http://example.org/d.jpg"}),
        ("a task with a completion", "POST", "/api/project/import",
         [{"data": {"image": "http://example.org/e.jpg"}, "completions": [{"result": choice("Cat")}]}]),
        ("bad items", "POST", "/api/project/import", [{"img": "x.jpg"}, {"image": 5}, {"image": "ok.jpg"},
                                                     {"data": {"img": "y"}}, "str", {"data": {"image": "z"}, "meta": 5},
                                                     {"data": {"image": "z"}, "completions": [{}]},
                                                     {"data": {"image": "z"}, "predictions": [{"result": {}}]}]),
        ("an empty list", "POST", "/api/project/import", []),
        ("a number", "POST", "/api/project/import", 5),
        ("malformed JSON", "POST", "/api/project/import", Raw(b"{bad", "application/json")),
        ("config changing a data key", "POST", "/api/project/config",
         {"label_config": IMAGE.replace("$image", "$img")}),
        ("config removing a used label", "POST", "/api/project/config",
         {"label_config": IMAGE.replace('"Cat"', '"Bird"')}),
        ("project after imports", "GET", "/api/project", None),
    ],
    "tasks": [
        ("first page", "GET", "/api/tasks", None),
        ("page 2 of 2", "GET", "/api/tasks?page=2&page_size=2", None),
        ("a page past the end", "GET", "/api/tasks?page=9&page_size=2", None),
        ("newest id first", "GET", "/api/tasks?order=-id&page_size=3", None),
        ("page 0", "GET", "/api/tasks?page=0", None),
        ("page size 0", "GET", "/api/tasks?page_size=0", None),
        ("page abc", "GET", "/api/tasks?page=abc", None),
        ("fields id", "GET", "/api/tasks?fields=id", None),
        ("fields id,data", "GET", "/api/tasks?fields=id,data", None),
        ("an unknown field", "GET", "/api/tasks?fields=id,nope", None),
        ("an empty order", "GET", "/api/tasks?order=", None),
        ("an unknown order", "GET", "/api/tasks?order=bogus", None),
        ("an open task", "GET", "/api/tasks/0", None),
        ("a done task", "GET", "/api/tasks/4", None),
        ("pretty", "GET", "/api/tasks/0?pretty=1", None),
        ("id 00", "GET", "/api/tasks/00", None),
        ("an unknown task", "GET", "/api/tasks/99999", None),
        ("a negative id", "GET", "/api/tasks/-1", None),
        ("a non-number", "GET", "/api/tasks/abc", None),
        ("next", "GET", "/api/project/next", None),
    ],
    "completions": [
        ("create", "POST", "/api/tasks/0/completions", {"lead_time": 2.5, "result": choice("Cat")}),
        ("create cancelled", "POST", "/api/tasks/0/completions?was_cancelled=1", {"lead_time": 1.0, "result": []}),
        ("create with id and was_cancelled", "POST", "/api/tasks/1/completions",
         {"result": choice("Dog"), "id": 77, "was_cancelled": True}),
        ("create on an unknown task", "POST", "/api/tasks/99999/completions", {"result": []}),
        ("create on a non-number", "POST", "/api/tasks/abc/completions", {"result": []}),
        ("create with a list body", "POST", "/api/tasks/0/completions", [1]),
        ("create with malformed JSON", "POST", "/api/tasks/0/completions?x=1", Raw(b"{bad", "application/json")),
        ("task 0", "GET", "/api/tasks/0", None),
        ("by completed_at, newest first", "GET", "/api/tasks?order=-completed_at", None),
        ("by completed_at", "GET", "/api/tasks?order=completed_at", None),
        ("by cancelled", "GET", "/api/tasks?order=has_cancelled_completions", None),
        ("by cancelled, descending", "GET", "/api/tasks?order=-has_cancelled_completions", None),
        ("patch", "PATCH", "/api/tasks/0/completions/1", {"result": choice("Dog"), "lead_time": 9}),
        ("patch was_cancelled", "PATCH", "/api/tasks/0/completions/2", {"was_cancelled": True}),
        ("patch an unknown completion", "PATCH", "/api/tasks/0/completions/55555", {"result": []}),
        ("patch on a task without completions", "PATCH", "/api/tasks/2/completions/5", {"result": choice("Dog")}),
        ("patch null", "PATCH", "/api/tasks/0/completions/null", {"result": []}),
        ("patch a non-number", "PATCH", "/api/tasks/0/completions/abc", {"result": []}),
        ("patch on an unknown task", "PATCH", "/api/tasks/99/completions/1", {"result": []}),
        ("patch with a list body", "PATCH", "/api/tasks/0/completions/1", [1]),
        ("patch with malformed JSON", "PATCH", "/api/tasks/0/completions/1", Raw(b"{bad", "application/json")),
        ("task 0 after patches", "GET", "/api/tasks/0", None),
        ("task 2 after a patch", "GET", "/api/tasks/2", None),
        ("next after completions", "GET", "/api/project/next", None),
        ("delete", "DELETE", "/api/tasks/0/completions/1", None),
        ("delete an unknown completion", "DELETE", "/api/tasks/0/completions/55555", None),
        ("delete on an unknown task", "DELETE", "/api/tasks/99/completions/1", None),
        ("delete a non-number", "DELETE", "/api/tasks/0/completions/abc", None),
        ("delete the rest", "DELETE", "/api/tasks/0/completions/2", None),
        ("delete the last", "DELETE", "/api/tasks/0/completions/3", None),
        ("task 0 with no completions left", "GET", "/api/tasks/0", None),
        ("a done task with no completions in the list", "GET", "/api/tasks?fields=id,completed_at", None),
        ("order with an undefined completed_at", "GET", "/api/tasks?order=completed_at", None),
        ("project counters", "GET", "/api/project", None),
    ],
    "deletes": [
        ("delete a task", "DELETE", "/api/tasks/3", None),
        ("delete it again", "DELETE", "/api/tasks/3", None),
        ("delete a non-number", "DELETE", "/api/tasks/abc", None),
        ("project after a delete", "GET", "/api/project", None),
        ("import after a delete", "POST", "/api/project/import", [{"image": "f.jpg"}, {"image": "g.jpg"}]),
        ("next is the lowest open", "GET", "/api/project/next", None),
        ("complete 5", "POST", "/api/tasks/5/completions", {"result": []}),
        ("complete 6", "POST", "/api/tasks/6/completions", {"result": choice("Cat")}),
        ("nothing left", "GET", "/api/project/next", None),
        ("all tasks", "GET", "/api/tasks?page_size=100", None),
    ],
    "poison": [
        ("a completion without result", "POST", "/api/tasks/4/completions", {}),
        ("any completion delete fails", "DELETE", "/api/tasks/4/completions/4001", None),
        ("import fails but imports", "POST", "/api/project/import", [{"image": "h.jpg"}]),
        ("the task is there", "GET", "/api/tasks/7", None),
        ("project after the poison", "GET", "/api/project", None),
        ("deleting the poisoned completion fails too", "DELETE", "/api/tasks/4/completions/4002", None),
        ("a delete on a task without completions", "DELETE", "/api/tasks/7/completions/7001", None),
        ("deleting a task fails but deletes", "DELETE", "/api/tasks/7", None),
        ("task ids with completions", "GET", "/api/completions", None),
        ("emptying another task fails but empties", "DELETE", "/api/tasks/5/completions", None),
        ("healing by emptying the task", "DELETE", "/api/tasks/4/completions", None),
        ("the healed task is open", "GET", "/api/tasks/4", None),
        ("deletes work again", "DELETE", "/api/tasks/6/completions/6001", None),
    ],
    "cleanup": [
        ("task ids with completions", "GET", "/api/completions", None),
        ("empty an unknown task", "DELETE", "/api/tasks/99/completions", None),
        ("empty a non-number", "DELETE", "/api/tasks/abc/completions", None),
        ("delete every completion", "DELETE", "/api/completions", None),
        ("no task ids left", "GET", "/api/completions", None),
        ("next after deleting every completion", "GET", "/api/project/next", None),
        ("project without completions", "GET", "/api/project", None),
        ("delete every task", "DELETE", "/api/tasks", None),
        ("no tasks", "GET", "/api/tasks", None),
        ("ids start at 0 again", "POST", "/api/project/import", [{"image": "i.jpg"}]),
        ("project at the end", "GET", "/api/project", None),
    ],
    "encoding": [
        ("unicode and floats", "POST", "/api/project/import", [
            {"data": {"image": "http://example.org/é ü/猫 🐱.jpg"},
             "predictions": [{"result": choice("Cat"), "score": 0.1}, {"result": [], "score": 1e-05},
                             {"result": [], "score": 12345678.9, "note": "<b>&'\"</b>"}]}]),
        ("unicode in the list", "GET", "/api/tasks?page_size=100", None),
        ("unicode in one task", "GET", "/api/tasks/1", None),
        ("unicode pretty", "GET", "/api/tasks/1?pretty=1", None),
        ("unicode next", "GET", "/api/project/next", None),
        ("unicode completion", "POST", "/api/tasks/1/completions",
         {"lead_time": 0.30000000000000004, "result": choice("Cat"), "comment": "très bien 👍"}),
        ("unicode done task", "GET", "/api/tasks/1", None),
        ("unicode done list", "GET", "/api/tasks?page_size=100", None),
        ("a unicode import error", "POST", "/api/project/import", [{"imäge": "ü"}]),
        ("a unicode config error", "POST", "/api/project/config",
         {"label_config": IMAGE.replace('toName="image"', 'toName="bïld"')}),
        ("head of health", "HEAD", "/api/health", None),
        ("options of the project", "OPTIONS", "/api/project", None),
    ],
}

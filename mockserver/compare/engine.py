"""``run``: send every step of a plan to side A, then to side B (so both see the same world), and compare the two
answers (``Comparer``); each difference is named by the spec operation that served it and, given an
``Explainer``, by the structural changes between the sides' specs that account for it."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from mockserver.compare.answers import Answer, Comparer
from mockserver.compare.model import Aspect, Difference, Exchange, Report
from mockserver.compare.operations import Operation
from mockserver.compare.source import Plan, Prepared, Recorded, Side, Step, Values

Explainer = Callable[[Aspect, str, Operation | None, Operation | None, set[str]], tuple[tuple[str, ...], str]]
"""(aspect, location, A's operation, B's operation, both statuses) → (ids of the changes that explain the difference,
the explanation in words); ``((), "")``: unexplained."""


def run(plan: Plan, client: httpx.Client, a: Side, b: Side, comparer: Comparer,
        explainer: Explainer | None = None, client_b: httpx.Client | None = None) -> Report:
    """Every step of ``plan`` against ``a`` then ``b``, compared; ``client_b``: B's own client (its own cookies),
    else both share ``client`` (one server)."""
    started = time.monotonic()
    values: tuple[Values, Values] = ({}, {})
    exchanges: list[Exchange] = []
    differences: list[Difference] = []
    for step in plan.steps:
        first = step.prepare(a, values[0], values[1])
        answer_a = send(client, first, step, values[0])
        second = step.prepare(b, values[1], values[0])
        answer_b = send(client_b or client, second, step, values[1])
        exchanges.append(Exchange(step.name, f"{first.method} {first.target}", step.method, first.url, second.url,
                                  answer_a.status, answer_b.status))
        differences += judge(step, first, second, answer_a, answer_b, comparer, explainer)
    return Report(a.label, b.label, plan.name, tuple(exchanges), tuple(differences),
                  seconds=time.monotonic() - started)


def send(client: httpx.Client, prepared: Prepared, step: Step | Recorded, captured: Values) -> Answer:
    """One side's answer (no answer: a status of None and the transport's error); a success's captures kept."""
    try:
        response = client.request(prepared.method, prepared.url, **prepared.send)
    except httpx.HTTPError as exc:
        return Answer(None, error=f"no answer ({type(exc).__name__})")
    answer = Answer.of(response)
    if response.is_success:
        captured.update(step.captured(answer.json))
    return answer


def judge(step: Step | Recorded, first: Prepared, second: Prepared, a: Answer, b: Answer, comparer: Comparer,
          explainer: Explainer | None) -> list[Difference]:
    """The differences of one exchange, named and explained."""
    served = second.operation or first.operation
    template = step.path if isinstance(step, Step) else urlsplit(first.target).path
    operation = served.label if served else f"{step.method} {template}"
    borrowed = first.borrowed + second.borrowed
    note = f"used the other side's {', '.join(borrowed)}" if borrowed else ""
    found = []
    if first.variant != second.variant:
        found.append((Aspect.REQUEST, "request", first.variant_label, second.variant_label))
    found += comparer.compare(a, b)
    statuses = {str(a.status), str(b.status)}
    differences = []
    for aspect, location, old, new in found:
        ids, text = explainer(aspect, location, first.operation, second.operation, statuses) if explainer else ((), "")
        differences.append(Difference(step.name, f"{first.method} {first.target}", operation, aspect, location, old,
                                      new, ids, text, note=note))
    return differences

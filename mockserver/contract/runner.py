"""``run_contract``: one schemathesis run of a version's spec against a deployment, made safe.

The run is schemathesis' own ``run`` command, invoked in-process with a configuration built here
(checks, phases, per-operation settings, reports) and with hooks that route every request through
the ``Guard``. Afterwards the resources the run created are deleted and the token is scrubbed from
every report file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import httpx
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER, HookContext

from mockserver.contract import checks, findings
from mockserver.contract.discovery import Facts, Fixups, discover, open_sandbox
from mockserver.contract.guard import Guard, Redactor, parse_rate
from mockserver.contract.options import ContractOptions
from mockserver.contract.policy import Created, Policy, created_by, is_allowed, policy_of
from mockserver.contract.settings import schemathesis_config
from mockserver.specs import SpecLoader, spec_path

EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def operations_of(version: str) -> list[str]:
    """Every operation label (``"GET /tasks/{id}"``) of ``version``'s spec."""
    document = SpecLoader().load(spec_path(version))
    return [f"{method.upper()} {path}" for path, item in document["paths"].items()
            for method in item if method in {"get", "head", "put", "post", "patch", "delete"}]


def linked(version: str, labels: list[str]) -> bool:
    """Whether a response of one of ``labels`` links to another of them (else there is no stateful phase)."""
    document = SpecLoader().load(spec_path(version))
    operations = {op.get("operationId"): f"{method.upper()} {path}" for path, item in document["paths"].items()
                  for method, op in item.items() if isinstance(op, dict) and "responses" in op}
    selected = set(labels)
    return any(operations.get(link.get("operationId")) in selected
               for label, (method, path) in ((label, label.split(" ", 1)) for label in selected)
               for response in document["paths"][path][method.lower()]["responses"].values()
               for link in response.get("links", {}).values())


def selected_operations(options: ContractOptions) -> list[str]:
    """The operations this run tests: allowed in its mode, narrowed to ``options.operations``."""
    labels = [label for label in operations_of(options.version)
              if is_allowed(*label.split(" ", 1), allow_writes=options.allow_writes)]
    if options.operations:
        labels = [label for label in labels if label in options.operations]
    return labels


class RunHooks:
    """Schemathesis hooks of one run: drop forbidden cases, fill real references into positive
    cases, admit each request, record what was created or deleted."""

    def __init__(self, guard: Guard, fixups: Fixups) -> None:
        self.guard, self.fixups = guard, fixups

    def filter_case(self, context: HookContext, case: Any) -> bool:
        return self.guard.refusal(case.method, case.path, case.path_parameters or {}) is None

    def before_call(self, context: HookContext, case: Any, kwargs: dict[str, Any]) -> None:
        if case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
            self.fixups.apply(case)  # every phase passes here (the examples phase skips case hooks)
        self.guard.admit(case.method, case.path, case.path_parameters or {})

    def after_call(self, context: HookContext, case: Any, response: Any) -> None:
        if not 200 <= response.status_code < 300:
            return
        policy = policy_of(case.method, case.path)
        parameters = case.path_parameters or {}
        if policy is Policy.CREATE or case.path.endswith(("/duplicate", "/merge/{mergedTyp}/{mergedId}")):
            with contextlib.suppress(ValueError):
                for created in created_by(case.path, response.json()):
                    self.guard.sandbox.add(created)
        elif case.path == "/tasks/{id}/annotations" and self.guard.sandbox.owns(str(parameters.get("id"))):
            with contextlib.suppress(ValueError):  # the annotations of the run's own tasks are the run's too
                for annotation in response.json():
                    self.guard.sandbox.add(Created("annotations", str(annotation["id"]), typ="Task"))
        elif case.method.upper() == "DELETE":
            kind = case.path.strip("/").split("/")[0]
            target = (case.path_parameters or {}).get("id") or (case.path_parameters or {}).get("name")
            if target:
                self.guard.sandbox.discard(kind, str(target))

    @contextlib.contextmanager
    def registered(self) -> Iterator[None]:
        hooks: dict[str, Callable[..., Any]] = {"filter_case": self.filter_case, "before_call": self.before_call,
                                               "after_call": self.after_call}
        for name, hook in hooks.items():
            GLOBAL_HOOK_DISPATCHER.register_hook_with_name(hook, name)
        try:
            yield
        finally:
            for hook in hooks.values():
                GLOBAL_HOOK_DISPATCHER.unregister(hook)


def run_contract(options: ContractOptions) -> int:
    """Run the contract suite; 0 only when every check passed (and every created resource was removed)."""
    guard = Guard(allow_writes=options.allow_writes, rate=parse_rate(options.rate_limit),
                  max_requests=options.max_requests)
    redactor = Redactor([options.token or ""])
    labels = selected_operations(options)
    if not labels:
        click.echo("no operation selected", err=True)
        return EXIT_ERROR
    if "stateful" in options.phases and not linked(options.version, labels):
        options = dataclasses.replace(options, phases=tuple(p for p in options.phases if p != "stateful"))
    args = [str(spec_path(options.version)), *_selection_args(labels)]
    with _redacted_process(redactor), tempfile.TemporaryDirectory(prefix="contract-") as scratch:
        _echo_plan(options, labels)
        facts = _facts(options, guard)
        junit = (options.report_dir if "junit" in options.reports else Path(scratch)) / "junit.xml"
        config = SchemathesisConfig.from_dict(schemathesis_config(options, labels, facts, junit))
        try:
            with RunHooks(guard, Fixups(facts, guard.sandbox.owns)).registered(), checks.registered():
                code = _schemathesis_run(args, config)
        finally:
            cleaned = cleanup(options, guard)
        found, _ = findings.read_junit(junit)
        _echo_summary(guard, cleaned, found)
        if guard.budget_exhausted and code == EXIT_INTERRUPTED:
            code = EXIT_FAILED if found else EXIT_OK
    if options.reports:
        redactor.files(options.report_dir)
    if code == EXIT_OK and not cleaned:
        return EXIT_FAILED
    return code if code in (EXIT_OK, EXIT_FAILED) else EXIT_ERROR


def _facts(options: ContractOptions, guard: Guard) -> Facts:
    """What the deployment holds (and the sandbox project with --allow-writes); empty if it cannot be read."""
    try:
        with _client(options) as client:
            facts = discover(client, guard)
            return open_sandbox(client, guard, facts) if options.allow_writes else facts
    except httpx.HTTPError as exc:
        click.echo(f"could not read the deployment before the run ({exc}); generated data only", err=True)
        return Facts()


def _client(options: ContractOptions) -> httpx.Client:
    headers = {"X-Auth-Token": options.token} if options.token else {}
    return httpx.Client(base_url=options.api_url, headers=headers, timeout=30)


def _selection_args(labels: list[str]) -> list[str]:
    return [arg for label in labels for arg in ("--include-name", label)]


def _schemathesis_run(args: list[str], config: SchemathesisConfig) -> int:
    from schemathesis.cli.commands import run

    try:
        run.main(args=args, obj=config, prog_name="mockserver contract", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    return EXIT_OK


@contextlib.contextmanager
def _redacted_process(redactor: Redactor) -> Iterator[None]:
    """stdout, stderr and ``sys.argv`` (which schemathesis copies into reports) without the token."""
    saved = sys.stdout, sys.stderr, sys.argv
    sys.stdout, sys.stderr = redactor.stream(sys.stdout), redactor.stream(sys.stderr)
    sys.argv = [redactor(arg) for arg in sys.argv]
    try:
        yield
    finally:
        sys.stdout, sys.stderr, sys.argv = saved


def _echo_plan(options: ContractOptions, labels: list[str]) -> None:
    mode = "writes allowed (own resources only)" if options.allow_writes else "read-only (GET/HEAD)"
    click.echo(f"contract {options.version} against {options.api_url}: {len(labels)} operations, {mode}, "
               f"phases {','.join(options.phases)}, rate limit {options.rate_limit or 'off'}, "
               f"at most {options.max_requests or '∞'} requests and {options.max_time or '∞'} s")


def _echo_summary(guard: Guard, cleaned: bool, found: list[findings.Finding]) -> None:
    if found:
        click.echo(f"{len(found)} finding(s) (operation: check):")
        click.echo("\n".join(findings.render(found)))
    sent = ", ".join(f"{method} {count}" for method, count in sorted(guard.sent.items())) or "none"
    click.echo(f"requests sent: {sent}; refused by the safety guard: {sum(guard.refused.values())}")
    if guard.budget_exhausted:
        click.echo("stopped early: the request budget (--max-requests) is spent")
    if not cleaned:
        click.echo("cleanup FAILED: some resources created by this run could not be deleted", err=True)


_CLEANUP_ORDER = {"annotations": 0, "tasks": 1, "projects": 2, "teams": 3}


def cleanup(options: ContractOptions, guard: Guard) -> bool:
    """Remove what the run created; True when nothing is left behind.

    Tasks, projects and teams are deleted (a task's annotations go with it). The API cannot delete
    explorational annotations (DELETE leaves them as they are), so they are finished ("archived").
    """
    items = sorted(guard.sandbox, key=lambda item: _CLEANUP_ORDER.get(item.kind, 9))
    items = [item for item in items if not (item.kind == "annotations" and item.typ == "Task")]
    if not items:
        return True
    left, archived = [], 0
    with _client(options) as client:
        for item in items:
            guard.limiter.wait()
            try:
                ok = _remove(client, item, options.version, guard)
            except httpx.HTTPError:
                ok = False
            archived += ok and item.kind == "annotations"
            if not ok:
                left.append(item)
    click.echo(f"cleanup: {len(items) - archived - len(left)} resources deleted, {archived} explorational annotations "
               f"archived, {len(left)} left behind")
    return not left


def _remove(client: httpx.Client, item: Created, version: str, guard: Guard) -> bool:
    if item.kind == "annotations":
        guard.sent["PATCH"] += 1
        response = client.patch(f"/annotations/{item.typ or 'Explorational'}/{item.id}/finish",
                                params={"timestamp": int(time.time() * 1000)})
        return response.status_code < 300 or response.status_code in (400, 404)  # 400: already finished
    guard.sent["DELETE"] += 1
    response = client.delete(_cleanup_path(item, version))
    return response.status_code < 300 or response.status_code == 404  # 404: gone with its project


def _cleanup_path(item: Created, version: str) -> str:
    if item.kind == "projects" and version in ("v1", "v2", "v3"):
        return f"/projects/{item.name}"
    return f"/{item.kind}/{item.id}"

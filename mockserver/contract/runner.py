"""``run_contract``: one schemathesis run of a pack version's spec against a deployment, made safe.

The run is schemathesis' own ``run`` command, invoked in-process with a configuration built here
(checks, phases, per-operation settings, reports) and with hooks that route every request through
the ``Guard``. What is safe to send, what real data to use, the domain checks and how to clean up
come from the pack's ``ContractProfile``. Afterwards the resources the run created are removed and
the token (or the private key of a signed run) is scrubbed from every report file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import httpx
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER, HookContext

from mockserver.contract import checks, findings, output, preflight, signing
from mockserver.contract.coverage import Coverage, verdict
from mockserver.contract.guard import Guard, Redactor, parse_rate
from mockserver.contract.options import ContractOptions
from mockserver.contract.policy import Policy, is_allowed, policy_of
from mockserver.contract.profile import Cleaned, ContractProfile, Discovery, NoDiscovery
from mockserver.contract.settings import schemathesis_config
from mockserver.errors import ConfigurationError
from mockserver.pack import Pack
from mockserver.specs import SpecLoader

EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def profile_of(pack: Pack) -> ContractProfile:
    """The pack's contract profile (``ConfigurationError`` if it has none)."""
    profile = pack.contract() if pack.contract is not None else None
    if not isinstance(profile, ContractProfile):
        raise ConfigurationError(f"the {pack.name} pack has no contract checks")
    return profile


def operations_of(pack: Pack, version: str) -> list[str]:
    """Every operation label (``"GET /tasks/{id}"``) of ``version``'s spec."""
    document = SpecLoader().load(pack.version(version).spec_path)
    return [f"{method.upper()} {path}" for path, item in document["paths"].items()
            for method in item if method in {"get", "head", "put", "post", "patch", "delete"}]


def linked(pack: Pack, version: str, labels: list[str]) -> bool:
    """Whether a response of one of ``labels`` links to another of them (else there is no stateful phase)."""
    document = SpecLoader().load(pack.version(version).spec_path)
    operations = {op.get("operationId"): f"{method.upper()} {path}" for path, item in document["paths"].items()
                  for method, op in item.items() if isinstance(op, dict) and "responses" in op}
    selected = set(labels)
    return any(operations.get(link.get("operationId")) in selected
               for label, (method, path) in ((label, label.split(" ", 1)) for label in selected)
               for response in document["paths"][path][method.lower()]["responses"].values()
               for link in response.get("links", {}).values())


def selected_operations(options: ContractOptions) -> list[str]:
    """The operations this run tests: allowed in its mode, narrowed to ``options.operations``."""
    policies = profile_of(options.pack).policies
    labels = [label for label in operations_of(options.pack, options.version_name)
              if is_allowed(policies, *label.split(" ", 1), allow_writes=options.allow_writes)]
    if options.operations:
        labels = [label for label in labels if label in options.operations]
    return labels


def deleted_resource(path: str, target_parameters: tuple[str, ...]) -> tuple[str, str] | None:
    """(kind, parameter) of the resource ``DELETE path`` removes: the path ends in a target parameter and the kind
    is the fixed segments before it (``/annotations/{typ}/{id}``: annotations; ``/api/tasks/{task_id}``:
    api/tasks); None for a path that removes something inside a resource (``/api/tasks/{task_id}/completions``)."""
    *before, last = path.strip("/").split("/")
    name = last[1:-1] if last.startswith("{") and last.endswith("}") else None
    kind = "/".join(segment for segment in before if not segment.startswith("{"))
    return (kind, name) if name in target_parameters and kind else None


HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""A header name as HTTP allows it (RFC 9110's token)."""
FRAMING = frozenset({"content-length", "transfer-encoding", "host", "connection", "te", "upgrade", "trailer"})
"""Headers that frame the message: the HTTP client sets them, a generated value would break the request itself."""


def drop_unsendable_headers(case: Any) -> None:
    """Remove generated headers that no HTTP server would read as part of a request (a name that is no token, a
    framing header): the server's HTTP layer, not the API, would answer them (uvicorn: 400 "Invalid HTTP request
    received."), and that answer says nothing about the API under test."""
    headers = case.headers or {}
    for name in [name for name in headers if name.lower() in FRAMING or not HEADER_NAME.fullmatch(name)]:
        del headers[name]


class RunHooks:
    """Schemathesis hooks of one run: drop forbidden cases, fill real references into positive
    cases, admit each request, record what was created or deleted."""

    def __init__(self, guard: Guard, profile: ContractProfile, facts: Discovery,
                 coverage: Coverage | None = None) -> None:
        self.guard, self.profile, self.facts = guard, profile, facts
        self.coverage = coverage or Coverage(())

    def filter_case(self, context: HookContext, case: Any) -> bool:
        return self.guard.refusal(case.method, case.path, case.path_parameters or {}) is None

    def before_call(self, context: HookContext, case: Any, kwargs: dict[str, Any]) -> None:
        drop_unsendable_headers(case)
        if case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
            self.facts.fixup(case)  # every phase passes here (the examples phase skips case hooks)
        self.guard.admit(case.method, case.path, case.path_parameters or {})
        self.coverage.sent(f"{case.method.upper()} {case.path}")

    def after_call(self, context: HookContext, case: Any, response: Any) -> None:
        self.coverage.answered(f"{case.method.upper()} {case.path}", response.status_code)
        if not 200 <= response.status_code < 300:
            return
        parameters = case.path_parameters or {}
        if policy_of(self.profile.policies, case.method, case.path) is Policy.CREATE:
            with contextlib.suppress(ValueError):
                for created in self.profile.created_by(case.path, response.json()):
                    self.guard.sandbox.add(created)
        elif case.method.upper() == "DELETE":
            deleted = deleted_resource(case.path, self.profile.target_parameters)
            if deleted is not None and parameters.get(deleted[1]):
                self.guard.sandbox.discard(deleted[0], str(parameters[deleted[1]]))
        if self.profile.record is not None:
            self.profile.record(self.guard, case, response)

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
    profile = profile_of(options.pack)
    guard = Guard(allow_writes=options.allow_writes, rate=parse_rate(options.rate_limit),
                  max_requests=options.max_requests, policies=profile.policies,
                  target_parameters=profile.target_parameters)
    redactor = Redactor([options.token or "", options.private_key or ""])
    labels = selected_operations(options)
    if not labels:
        click.echo("error: no operation selected (check --operation)", err=True)
        return EXIT_ERROR
    try:
        signer = preflight.signer_of(options, profile)
        with _client(options, signer) as client:
            preflight.check(options, profile, client)
    except preflight.PreflightFailed as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_ERROR
    if "stateful" in options.phases and not linked(options.pack, options.version_name, labels):
        options = dataclasses.replace(options, phases=tuple(p for p in options.phases if p != "stateful"))
    args = [str(options.pack.version(options.version).spec_path), *_selection_args(labels)]
    coverage = Coverage(labels)
    with tempfile.TemporaryDirectory(prefix="contract-") as scratch, \
            _redacted_process(redactor, hidden=(scratch, *(("Reports:",) if not options.reports else ()))), \
            _hypothesis_home(options.report_dir if options.reports else Path(scratch)):
        _echo_plan(options, labels)
        facts = _facts(options, profile, guard, signer)
        junit = (options.report_dir if "junit" in options.reports else Path(scratch)) / "junit.xml"
        config = SchemathesisConfig.from_dict(schemathesis_config(options, profile, labels, facts, junit))
        try:
            with RunHooks(guard, profile, facts, coverage).registered(), checks.registered(profile.checks), \
                    signing.registered(signer):
                code = _schemathesis_run(args, config)
        finally:
            cleaned = cleanup(options, profile, guard, signer)
        found, _ = findings.read_junit(junit)
        excused = {**profile.excused, **_stateful_only(options, profile, labels)}
        covered = verdict(coverage, options.min_coverage, excused)
        _echo_summary(guard, cleaned, found)
        click.echo("\n".join(covered.lines()))
        if options.reports:
            options.report_dir.mkdir(parents=True, exist_ok=True)
            record = options.report_dir / "coverage.json"
            record.write_text(json.dumps(covered.to_json(), indent=1) + "\n", encoding="utf-8")
            click.echo(f"per operation (requests sent, answers by status class): {record}")
        if guard.budget_exhausted and code == EXIT_INTERRUPTED:
            code = EXIT_FAILED if found else EXIT_OK
    if options.reports:
        redactor.files(options.report_dir)
    if code == EXIT_OK and not (cleaned and covered.met):
        return EXIT_FAILED
    return code if code in (EXIT_OK, EXIT_FAILED) else EXIT_ERROR


def _stateful_only(options: ContractOptions, profile: ContractProfile, labels: list[str]) -> dict[str, str]:
    """Operations only the stateful phase sends, excused when this run leaves that phase out."""
    if "stateful" in options.phases:
        return {}
    return {label: "sent only in the stateful phase, which this run leaves out" for label in labels
            if policy_of(profile.policies, *label.split(" ", 1)) is Policy.ON_CREATED}


def _facts(options: ContractOptions, profile: ContractProfile, guard: Guard,
           signer: signing.Signer | None = None) -> Discovery:
    """What the deployment holds (and the run's sandbox with --allow-writes); nothing if it cannot be read."""
    try:
        with _client(options, signer) as client:
            return profile.discover(client, guard, options.allow_writes)
    except httpx.HTTPError as exc:
        click.echo(f"could not read the deployment before the run ({exc}); generated data only", err=True)
        return NoDiscovery()


def _client(options: ContractOptions, signer: signing.Signer | None = None) -> httpx.Client:
    """A client on the version's URL sending the token, or signing each request with the key pair."""
    headers = {options.pack.auth_header: options.token} if options.token else {}
    auth = signing.HttpxSigning(signer) if signer is not None else None
    return httpx.Client(base_url=options.api_url, headers=headers, auth=auth, timeout=30)


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
def _redacted_process(redactor: Redactor, hidden: tuple[str, ...] = ()) -> Iterator[None]:
    """stdout, stderr and ``sys.argv`` (which schemathesis copies into reports) without the token; its
    advice in our terms, and no line naming one of ``hidden`` (the scratch folder)."""
    saved = sys.stdout, sys.stderr, sys.argv
    sys.stdout = output.filtered(redactor.stream(sys.stdout), hidden)
    sys.stderr = output.filtered(redactor.stream(sys.stderr), hidden)
    sys.argv = [redactor(arg) for arg in sys.argv]
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr, sys.argv = saved


@contextlib.contextmanager
def _hypothesis_home(directory: Path) -> Iterator[None]:
    """Hypothesis keeps its files under ``directory/.hypothesis`` for the run, never in the user's folder."""
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(directory / ".hypothesis")
    try:
        yield
    finally:
        set_hypothesis_home_dir(None)


def _echo_plan(options: ContractOptions, labels: list[str]) -> None:
    mode = "writes allowed (own resources only)" if options.allow_writes else "read-only (GET/HEAD)"
    click.echo(f"contract {options.api} {options.version} against {options.api_url}: {len(labels)} operations, {mode}, "
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


def cleanup(options: ContractOptions, profile: ContractProfile, guard: Guard,
            signer: signing.Signer | None = None) -> bool:
    """Remove what the run created (the pack's way); True when nothing is left behind."""
    if not len(guard.sandbox):
        return True
    with _client(options, signer) as client:
        try:
            result = profile.cleanup(client, guard, options.version_name)
        except httpx.HTTPError as exc:
            click.echo(f"cleanup FAILED: {exc}", err=True)
            return False
    if result == Cleaned():
        return True
    click.echo(f"cleanup: {result.deleted} resources deleted, {result.archived} archived (the API cannot delete "
               f"them), {len(result.left)} left behind")
    return not result.left

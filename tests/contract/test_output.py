"""schemathesis' advice in ``mockserver contract``'s terms; no scratch paths."""

from __future__ import annotations

import io

from mockserver.contract.output import filtered


def written(*chunks: str, hidden: tuple[str, ...] = ()) -> str:
    target = io.StringIO()
    stream = filtered(target, hidden)
    for chunk in chunks:
        stream.write(chunk)
    stream.flush()
    return target.getvalue()


def test_advice_names_our_flags_or_is_dropped() -> None:
    text = written("  💡 Ensure valid authentication credentials are set via `--auth` or `-H`\n",
                   "💡 Provide realistic parameter values in your config file so tests can access existing resources\n",
                   "💡 Raise `phases.stateful.max-steps` or run longer so stateful testing reaches these operations\n",
                   "💡 Check your schema constraints - API validation may be stricter than documented\n")
    assert text.splitlines() == [
        "  💡 Check the token the run sends: MOCKSERVER_TOKEN (or --token), a user of this deployment",
        "💡 Run longer (--max-time) so stateful testing reaches these operations",
        "💡 Check your schema constraints - API validation may be stricter than documented"]


def test_lines_naming_the_scratch_folder_are_dropped_even_when_written_in_pieces() -> None:
    text = written("Reports:\n  - JUnit: /tmp/contr", "act-x1/junit.xml\nSeed: 1\npartial",
                   hidden=("/tmp/contract-x1", "Reports:"))
    assert text == "Seed: 1\npartial"

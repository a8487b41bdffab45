"""``Findings``: which parts of a credential header are secrets, and what an unchecked exchange counts as."""

from __future__ import annotations

import base64

from mockserver.proxy.report import REDACTED, Findings
from mockserver.proxy.spec_check import Violation


def test_the_secret_parts_of_credential_headers_are_remembered_but_no_cookie_name() -> None:
    findings = Findings()
    findings.remember_secret("session=eyJzZXNzaW9uIjoxfQ.abc; theme=dark-solarized")
    findings.remember_secret("Basic " + base64.b64encode(b"alice:s3cret").decode())
    findings.remember_secret("Token 0123456789abcdef")
    text = ("multi_session_force_recreate eyJzZXNzaW9uIjoxfQ.abc dark-solarized alice:s3cret s3cret "
            "0123456789abcdef")
    assert findings.redact(text) == f"multi_session_force_recreate {' '.join([REDACTED] * 5)}"


def test_an_unchecked_exchange_is_counted_but_fails_nothing() -> None:
    findings = Findings()
    findings.record("GET /big", 200, [], unchecked="body larger than 10 bytes")
    findings.record("GET /bad", 500, [Violation("GET /bad", "undocumented_status", "500")])
    assert findings.exchanges == 2 and findings.unchecked == [(1, "GET /big → 200", "body larger than 10 bytes")]
    assert findings.summary() == ["2 exchanges, 1 violation(s):", "  GET /bad: undocumented_status (1×)",
                                  "unchecked: body larger than 10 bytes (1×)"]
    clean = Findings()
    clean.record("GET /big", 200, [], unchecked="body larger than 10 bytes")
    assert clean.exit_code == 0
    assert clean.summary()[0] == "1 exchanges, 0 violation(s) (every checked answer as its spec says)"

"""Every operation of each checked version was sent, answered, and passed every check of its ``mockserver contract``
run; the run as a whole met its coverage and left nothing behind."""

from __future__ import annotations

import pytest

from contract_tests.conftest import RUN, VersionResult


def test_operation_conforms_to_spec(contract_case: tuple[str, str], contract_results: dict[str, VersionResult]
                                    ) -> None:
    version, label = contract_case
    result = contract_results[version]
    if label == RUN:
        unattributed = {name: texts for name, texts in result.failures.items() if name not in result.labels}
        assert result.exit_code == 0 and not unattributed, (
            f"{version}: exit code {result.exit_code}\n" + "\n\n".join(
                f"{name}:\n" + "\n".join(texts) for name, texts in unattributed.items()) + "\n" + result.output[-6000:])
        return
    if label in result.failures:
        pytest.fail(f"{version} {label} failed these checks (details in the run's JUnit/HTML report):\n"
                    + "\n".join(result.failures[label]), pytrace=False)
    if label in result.skipped:
        pytest.skip(result.skipped[label])
    # passing means something only if the operation was really sent: cases generated and answered
    operation = result.coverage.get(label)
    assert operation is not None, f"{version} {label}: the run wrote no coverage record for it\n{result.output[-3000:]}"
    assert operation["sent"] > 0, f"{version} {label}: no case was sent ({operation['reason']})"
    assert sum(n for key, n in operation["answers"].items() if key.endswith("xx")) > 0, (
        f"{version} {label}: sent {operation['sent']}, never answered")

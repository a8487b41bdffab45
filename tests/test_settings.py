"""Settings: a seed is 0 or more everywhere (``random.Random`` would take -1 as 1, the admin key would not)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from mockserver.cli import main
from mockserver.errors import ConfigurationError
from mockserver.pytest_plugin import MockServer
from mockserver.settings import Settings

NEGATIVE = "seed must be 0 or more, got -1 (it would build the world of seed 1)"


def test_a_negative_seed_is_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"seed must be 0 or more, got -1 \(it would build the world of"):
        Settings(seed=-1)
    with pytest.raises(ConfigurationError, match="got -3"):
        Settings.from_env({"MOCKSERVER_SEED": "-3"})
    assert Settings(seed=0).seed == 0


@pytest.mark.parametrize("args", [["seed", "--seed", "-1"], ["admin", "--seed", "-1", "info"]], ids=["seed", "admin"])
def test_every_command_refuses_a_negative_seed(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and NEGATIVE in result.output


def test_serve_refuses_a_negative_seed() -> None:
    """In a process of its own: were the seed taken, it would serve (until the timeout)."""
    result = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--port", "0", "--seed", "-1"],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 2 and NEGATIVE in result.stderr and result.stdout == ""


def test_a_reset_to_a_negative_seed_is_refused(mockserver: MockServer) -> None:
    answer = mockserver.admin().post("/reset", json={"seed": -1})
    assert answer.status_code == 400
    with pytest.raises(ConfigurationError, match=NEGATIVE.replace("(", r"\(").replace(")", r"\)")):
        mockserver.control.reset(seed=-1)

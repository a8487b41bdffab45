"""The README's examples run as printed and show what they say.

Every fenced ``python`` block is a pytest file, run with ``pytester`` against this session's mock;
every indented shell block with ``curl`` runs in bash against ``mockserver serve`` (default world,
seed 1: the README's tokens and ids), and each ``#   …`` line under a command lists JSON pieces its
output must contain (``"key":value``; where the value is elided with ``…``, the key).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mockserver.pytest_plugin import MockServer
from tests.test_serve import Served

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parent.parent / "README.md"
README_URL = "http://127.0.0.1:9000"
STEP_END = "@@ step done @@"
PAIR = re.compile(r'"([^"]+)":("(?:[^"\\]|\\.)*"|null|true|false|-?\d+(?:\.\d+)?|\[|\{)')


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)


def shell_blocks(text: str) -> list[str]:
    """The indented (4 spaces) blocks that call curl, dedented."""
    blocks = re.findall(r"(?:^\n)((?:(?: {4}.*)?\n)+)", text, re.M)
    dedented = ["\n".join(line[4:] for line in block.splitlines()).strip() for block in blocks]
    return [block for block in dedented if "curl " in block]


def steps(block: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) per command of a shell block; continuation lines joined."""
    result: list[tuple[str, list[str]]] = []
    pending = ""
    for line in block.splitlines():
        if pending or (line.strip() and not line.startswith("#")):
            pending += line + "\n"
            if not line.endswith("\\"):
                result.append((pending, []))
                pending = ""
        elif line.startswith("#   ") and result:
            result[-1][1].append(line[4:])
    return result


def needles(expected: str) -> list[str]:
    """What an expected-output line promises: each ``"key":value`` literally, or the key where elided."""
    found = []
    for key, value in PAIR.findall(expected):
        found.append(f'"{key}":{value[0]}' if "…" in value or value in "[{" else f'"{key}":{value}')
    return found


def test_shell_steps_and_needles_are_read_as_meant() -> None:
    block = 'A=1\nB=$(x \\\n  y)\n# a comment\ncurl z\n#   … "a":"…", "b":null, "c":[{"d":"e f"}] …'
    assert steps(block) == [("A=1\n", []), ("B=$(x \\\n  y)\n", []),
                            ("curl z\n", ['… "a":"…", "b":null, "c":[{"d":"e f"}] …'])]
    assert needles(steps(block)[2][1][0]) == ['"a":"', '"b":null', '"c":[', '"d":"e f"']


@pytest.fixture
def inner(pytester: pytest.Pytester, mockserver: MockServer) -> pytest.Pytester:
    """A pytester whose runs reuse this session's server (created by asking for ``mockserver``)."""
    return pytester


@pytest.mark.parametrize("index", range(len(python_blocks(README.read_text(encoding="utf-8")))))
def test_python_example(inner: pytest.Pytester, index: int) -> None:
    example = python_blocks(README.read_text(encoding="utf-8"))[index]
    tests = example.count("\ndef test_")
    assert tests, f"README python block {index} is not a pytest file:\n{example}"
    inner.makepyfile(test_readme=example)
    inner.runpytest("--strict-markers", "-p", "no:cacheprovider").assert_outcomes(passed=tests)


@pytest.mark.skipif(shutil.which("curl") is None, reason="the README's shell examples call curl")
def test_shell_examples() -> None:
    blocks = shell_blocks(README.read_text(encoding="utf-8"))
    assert blocks, "no shell example with curl found in the README"
    served = Served()
    try:
        for block in blocks:
            commands = steps(block)
            script = "".join(f"{command}printf '\\n{STEP_END}\\n'\n" for command, _ in commands)
            run = subprocess.run(["bash", "-eu", "-o", "pipefail", "-c", script.replace(README_URL, served.url)],
                                 capture_output=True, text=True, timeout=120, check=False)
            assert run.returncode == 0, run.stderr
            outputs = run.stdout.split(f"\n{STEP_END}\n")
            for (command, expected), output in zip(commands, outputs, strict=False):
                for needle in (n for line in expected for n in needles(line)):
                    assert needle in output, f"{command}→ {output[:500]}\nlacks {needle}"
    finally:
        served.stop()

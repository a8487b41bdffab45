"""schemathesis' terminal output made ours: its advice rewritten for ``mockserver contract``'s flags (or
dropped where the command has no such thing), and no paths of the run's scratch folder.

schemathesis writes for its own command line (``--auth``, ``-H``, a config file); a user of
``mockserver contract`` has ``MOCKSERVER_TOKEN`` and real data found by the pack's discovery instead.
Lines are rewritten whole, as they are written (a partial line waits for its end or for ``flush``).
"""

from __future__ import annotations

import io
import re
from typing import TextIO, cast

ADVICE: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(r"💡 Ensure valid authentication credentials are set via .*"),
     "💡 Check the token the run sends: MOCKSERVER_TOKEN (or --token), a user of this deployment"),
    (re.compile(r"💡 Raise `phases\.stateful\.max-steps` or run longer (.*)"),
     "💡 Run longer (--max-time) \\1"),
    (re.compile(r"💡 .*(config file|configuration file).*"), None),
    (re.compile(r"💡 .*(--[a-z-]+ |`-[A-Za-z]`).*"), None),
)
"""A line matching the pattern → its replacement (None: the line is dropped)."""


class StreamWrapper(io.TextIOBase):
    """A text stream in front of ``target`` (a terminal, usually): what it is, it asks ``target``."""

    def __init__(self, target: TextIO) -> None:
        self._target = target

    def flush(self) -> None:
        self._target.flush()

    def isatty(self) -> bool:
        return self._target.isatty()

    def fileno(self) -> int:
        return self._target.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._target, "encoding", "utf-8")


class OutputFilter(StreamWrapper):
    """Writes ``target`` line by line, rewriting advice and dropping lines that name ``hidden`` paths."""

    def __init__(self, target: TextIO, hidden: tuple[str, ...] = ()) -> None:
        super().__init__(target)
        self._hidden, self._pending = tuple(h for h in hidden if h), ""

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            rewritten = self.rewritten(line)
            if rewritten is not None:
                self._target.write(rewritten + "\n")
        return len(text)

    def rewritten(self, line: str) -> str | None:
        if any(hidden in line for hidden in self._hidden):
            return None
        for pattern, replacement in ADVICE:
            if match := pattern.search(line):
                return None if replacement is None else line[: match.start()] + match.expand(replacement)
        return line

    def flush(self) -> None:
        if self._pending:
            rewritten = self.rewritten(self._pending)
            self._pending = ""
            if rewritten is not None:
                self._target.write(rewritten)
        self._target.flush()


def filtered(target: TextIO, hidden: tuple[str, ...] = ()) -> TextIO:
    return cast(TextIO, OutputFilter(target, hidden))

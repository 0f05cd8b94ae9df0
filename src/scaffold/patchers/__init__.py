"""Edits to existing files. Each edit is idempotent and keeps the user's formatting.

Every patcher returns either the new text or a `PatchError`: a missing anchor or a file
that does not parse is an expected outcome, reported to the user as an issue, never an
exception.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PatchError:
    """An edit that could not be made: what went wrong, and the edit to make by hand."""

    problem: str
    manual: str | None = None
    line: int | None = None

    def describe(self, path: str) -> str:
        where = f"{path}:{self.line}" if self.line else path
        text = f"{where}: {self.problem}"
        if self.manual:
            text += "\n  Make this edit by hand, then run the command again:\n"
            text += "\n".join("    " + line if line else line for line in self.manual.splitlines())
        return text

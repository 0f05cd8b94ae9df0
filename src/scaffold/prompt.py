"""Questions to the user. Answers are read line by line from stdin, so a piped answer works;
the end of input is never taken as a yes."""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console

from scaffold.errors import Declined

NO_ANSWER = "No answer (end of input); nothing was written. Pass --yes to apply without a prompt."


class Prompter:
    """Asks on `console`, reads from `stream`. `interactive` is whether a person is there
    (a terminal): only then are per-file conflict questions asked."""

    def __init__(
        self, console: Console, stream: TextIO | None = None, interactive: bool | None = None
    ) -> None:
        self.console = console
        self.stream = stream or sys.stdin
        self.interactive = self.stream.isatty() if interactive is None else interactive

    def ask(self, question: str, choices: str) -> str:
        """Ask until the answer is one of `choices` (lowercase letters); the uppercase one in
        `choices` is the default for an empty answer. End of input raises Declined."""
        default = next((c.lower() for c in choices if c.isupper()), None)
        while True:
            self.console.print(f"{question} [{choices}] ", end="", markup=False)
            line = self.stream.readline()
            if not line:
                self.console.print()
                raise Declined(NO_ANSWER)
            answer = line.strip().lower()[:1] or default
            if answer and answer in choices.lower():
                return answer
            self.console.print(f"Please answer one of: {', '.join(choices.lower())}.")

    def confirm(self, question: str) -> bool:
        return self.ask(question, "Yn") == "y"

    def yes_no(self, question: str) -> bool:
        """Ask a question whose answer is no unless the user says yes: an empty answer and the
        end of input are no (the run goes on, and a later question may still stop it)."""
        while True:
            self.console.print(f"{question} [y/N] ", end="", markup=False)
            line = self.stream.readline()
            if not line:
                self.console.print()
                return False
            answer = line.strip().lower()[:1]
            if answer in ("", "n", "y"):
                return answer == "y"
            self.console.print("Please answer y or n.")

"""A command run in a real terminal (a pseudo-terminal), as a person at a keyboard runs it:
what it prints is read as the screen shows it, and answers are typed."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """`command` in `cwd` with a terminal for its stdin, stdout and stderr."""

    def __init__(self, command: Sequence[str], cwd: Path, env: dict[str, str]) -> None:
        self._screen, terminal = pty.openpty()
        self.process = subprocess.Popen(
            list(command), cwd=cwd, env=env, stdin=terminal, stdout=terminal, stderr=terminal
        )
        os.close(terminal)
        self.output = ""

    def expect(self, text: str, seconds: float = 60) -> str:
        """Read until `text` has been shown; everything shown so far."""
        deadline = time.monotonic() + seconds
        while text not in self.output:
            if time.monotonic() > deadline or not self._read(deadline - time.monotonic()):
                raise AssertionError(f"{text!r} was never shown; the screen:\n{self.output}")
        return self.output

    def type(self, line: str) -> None:
        os.write(self._screen, (line + "\n").encode())

    def wait(self, seconds: float = 120) -> int:
        """Read to the end of the output; the exit code."""
        deadline = time.monotonic() + seconds
        while self._read(deadline - time.monotonic()):
            pass
        code = self.process.wait(timeout=max(deadline - time.monotonic(), 1))
        os.close(self._screen)
        return code

    def _read(self, seconds: float) -> bool:
        """Read what is shown within `seconds`; False at the end of the output."""
        ready, _, _ = select.select([self._screen], [], [], max(seconds, 0))
        if not ready:
            return False
        try:
            data = os.read(self._screen, 4096)
        except OSError:  # the command closed the terminal: it has ended
            return False
        self.output += _ESCAPES.sub("", data.decode(errors="replace")).replace("\r\n", "\n")
        return bool(data)

"""The comparison of an app's models with its migrations (scaffold/scripts/autogenerate.py),
run in the app's own Python: it offers renames, waits for the ones to make (the schema
compared once), and gives the revision's code."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from subprocess import PIPE
from typing import Any

from scaffold import Project
from scaffold.schema.renames import Rename

SCRIPT = Path(__file__).parent.parent / "scripts" / "autogenerate.py"
# The markers of the script's messages (the script, which runs in the app's Python and
# imports nothing of scaffold's, says the same).
OFFERS, RESULT = "scaffold-offers: ", "scaffold-result: "


def app_python(root: Path) -> str:
    """The app's own Python: its .venv if it has one, else the one running scaffold."""
    for candidate in (root / ".venv" / "bin" / "python", root / "venv" / "bin" / "python"):
        if candidate.exists():
            return str(candidate)
    return sys.executable


def run(
    project: Project, choose: Callable[[Mapping[str, Any]], list[Rename]]
) -> dict[str, Any] | None:
    """The comparison (scripts/autogenerate.py) in the app's Python. It offers renames and
    waits, with the schema compared once, for the ones `choose` makes of them. None when it
    failed (an issue says why)."""
    python = app_python(project.root)
    batch = "batch" if project.config().get("db", "sqlite") == "sqlite" else "plain"
    command = [python, str(SCRIPT), str(project.root), project.app, batch]
    with tempfile.TemporaryFile("w+") as errors:  # a file: a pipe left unread could fill up
        with subprocess.Popen(
            command, stdin=PIPE, stdout=PIPE, stderr=errors, text=True, cwd=project.root
        ) as script:
            found = _message(script, OFFERS)
            if found is not None:
                chosen = [rename.pair() for rename in choose(found)]
                found = _answer(script, json.dumps(chosen))
        if script.returncode == 0 and found is not None:
            return found
        errors.seek(0)
        last = (errors.read().strip().splitlines() or ["(no output)"])[-1]
    project.issue(
        f"Could not compare the models with the migrations using {python}:\n  {last}\n"
        "The app's models and their dependencies must import: install the app in the "
        'environment that runs scaffold (pip install -e ".[dev]"), or give it a .venv.'
    )
    return None


def _answer(script: subprocess.Popen, renames: str) -> dict[str, Any] | None:
    """Send the renames to make; the script's result (None: it ended without one)."""
    try:
        script.stdin.write(renames + "\n")
        script.stdin.close()
    except BrokenPipeError:  # it ended meanwhile: its errors say why
        return None
    return _message(script, RESULT)


def _message(script: subprocess.Popen, marker: str) -> dict[str, Any] | None:
    """The script's next message after `marker` (the lines before are the app's own output);
    None when its output ends first."""
    for line in script.stdout:
        if line.startswith(marker):
            return json.loads(line[len(marker) :])
    return None

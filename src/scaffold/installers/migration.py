"""`migration`: a revision for whatever the models changed since the last migration.

Like Django's makemigrations, it needs no database: the app's migrations are replayed into
a scratch SQLite database by the app's own Python, and Alembic compares the models with it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scaffold import Option, Project, UsageError, installer
from scaffold.migrations import add_revision

SCRIPT = Path(__file__).parent.parent / "scripts" / "autogenerate.py"
_MESSAGE = re.compile(r"^[A-Za-z][A-Za-z0-9_ -]*$")


@installer(
    "migration",
    summary="A migration for what the models changed since the last one, offline.",
    options=[Option("name", required=True, help="What it does, e.g. add_summary_to_posts.")],
)
def migration(project: Project, options: Mapping[str, Any]) -> None:
    name = options["name"]
    if not _MESSAGE.match(name):
        raise UsageError(
            f"Invalid migration name `{name}`: use letters, digits, spaces, `-` and `_`, "
            "starting with a letter, e.g. add_summary_to_posts."
        )
    found = _differences(project)
    if found is None:
        return  # an issue was reported
    for path in found.pop("read", []):
        project.read(path)  # so that the apply checks they did not change meanwhile
    if not found:
        return  # the models and migrations agree: "No changes"
    message = name.replace("_", " ").strip().capitalize()
    path = add_revision(project, message, _strip(found["upgrade"]), _strip(found["downgrade"]))
    if path is not None:
        project.update_file(path, lambda text: _formatted(project, path, text))
        project.notice(f"Review {path}, then apply it: alembic upgrade head")


def app_python(root: Path) -> str:
    """The app's own Python: its .venv if it has one, else the one running scaffold."""
    for candidate in (root / ".venv" / "bin" / "python", root / "venv" / "bin" / "python"):
        if candidate.exists():
            return str(candidate)
    return sys.executable


def _differences(project: Project) -> dict[str, Any] | None:
    python = app_python(project.root)
    batch = "batch" if project.config().get("db", "sqlite") == "sqlite" else "plain"
    command = [python, str(SCRIPT), str(project.root), project.app, batch]
    result = subprocess.run(command, capture_output=True, text=True, cwd=project.root)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        project.issue(
            f"Could not compare the models with the migrations using {python}:\n  {last}\n"
            "The app's models and their dependencies must import: install the app in the "
            'environment that runs scaffold (pip install -e ".[dev]"), or give it a .venv.'
        )
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def _strip(code: str) -> str:
    """Alembic's body without its "commands auto generated" banner lines."""
    lines = [line for line in code.splitlines() if not line.strip().startswith("# ###")]
    return "\n".join(lines)


def _formatted(project: Project, path: str, text: str) -> str:
    """The revision as the app's ruff formats it, when the app has ruff."""
    command = [app_python(project.root), "-m", "ruff", "format", "--stdin-filename", path, "-"]
    try:
        result = subprocess.run(
            command, input=text, capture_output=True, text=True, cwd=project.root
        )
    except OSError:
        return text
    return result.stdout if result.returncode == 0 and result.stdout else text

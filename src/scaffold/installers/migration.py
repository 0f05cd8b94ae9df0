"""`migration`: a revision for whatever the models changed since the last migration.

Like Django's makemigrations, it needs no database: the app's migrations are replayed into
a scratch SQLite database by the app's own Python, and Alembic compares the models with it.
A column or table that looks renamed is asked about (or given with `rename`); what the
revision drops is reported as data loss.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from subprocess import PIPE
from typing import Any

from scaffold import Option, Project, UsageError, installer
from scaffold.migrations import add_revision
from scaffold.schema import renames
from scaffold.schema.renames import Rename

SCRIPT = Path(__file__).parent.parent / "scripts" / "autogenerate.py"
# The markers of the script's messages (scaffold.scripts.autogenerate, which runs in the
# app's Python and imports nothing of scaffold's, says the same).
OFFERS, RESULT = "scaffold-offers: ", "scaffold-result: "
_MESSAGE = re.compile(r"^[A-Za-z][A-Za-z0-9_ -]*$")


@installer(
    "migration",
    summary="A migration for what the models changed since the last one, offline.",
    options=[
        Option("name", required=True, help="What it does, e.g. add_summary_to_posts."),
        Option(
            "rename",
            default=[],
            multiple=True,
            help="OLD:NEW, a renamed column (posts.bio:biography) or table (posts:articles): "
            "its data is kept. Other renames are asked about.",
        ),
    ],
)
def migration(project: Project, options: Mapping[str, Any]) -> None:
    name = options["name"]
    if not _MESSAGE.match(name):
        raise UsageError(
            f"Invalid migration name `{name}`: use letters, digits, spaces, `-` and `_`, "
            "starting with a letter, e.g. add_summary_to_posts."
        )
    given = [renames.parse(text) for text in options["rename"]]
    found = _compared(project, given)
    if found is None:
        return  # an issue was reported
    for path in found["read"]:
        project.read(path)  # so that the apply checks they did not change meanwhile
    if "upgrade" not in found:
        return  # the models and migrations agree: "No changes"
    message = name.replace("_", " ").strip().capitalize()
    path = add_revision(project, message, _strip(found["upgrade"]), _strip(found["downgrade"]))
    if path is not None:
        project.update_file(path, lambda text: _formatted(project, path, text))
        project.notice(f"Review {path}, then apply it: alembic upgrade head")
        _report_losses(project, path, found)


def _compared(project: Project, given: Sequence[Rename]) -> dict[str, Any] | None:
    """The comparison, with the given renames made and those the user says yes to; None
    when it could not be made (an issue says why)."""

    def choose(offered: Mapping[str, Any]) -> list[Rename]:
        offers = [Rename.of(pair) for pair in offered["offers"]]
        renames.check(given, offers, offered["dropped"], offered["added"])
        return renames.choose(offers, given, project.ask)

    return _differences(project, choose)


def _report_losses(project: Project, path: str, found: Mapping[str, Any]) -> None:
    """Each table and column the revision drops, as data loss; with the advice to say it was
    renamed when something was added that it could have been renamed to."""
    added = list(found["added"])
    for table in found["losses"]["tables"]:
        advice = any("." not in name for name in added)
        _lost(project, path, f"The table {table} is dropped, with all its rows", table, advice)
    for column in found["losses"]["columns"]:
        advice = any(name.startswith(column.partition(".")[0] + ".") for name in added)
        _lost(project, path, f"{column} is dropped, with its data", column, advice)


def _lost(project: Project, path: str, what: str, name: str, advice: bool) -> None:
    hint = f"If it was renamed, pass --rename {name}:NEW_NAME." if advice else ""
    project.data_loss(path, what, hint)


def app_python(root: Path) -> str:
    """The app's own Python: its .venv if it has one, else the one running scaffold."""
    for candidate in (root / ".venv" / "bin" / "python", root / "venv" / "bin" / "python"):
        if candidate.exists():
            return str(candidate)
    return sys.executable


def _differences(
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

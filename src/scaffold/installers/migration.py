"""`migration`: a revision for whatever the models changed since the last migration.

Like Django's makemigrations, it needs no database: the app's migrations are replayed into
a scratch SQLite database by the app's own Python, and Alembic compares the models with it.
A column or table that looks renamed is asked about (or given with `rename`); what the
revision drops is reported as data loss.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping, Sequence
from typing import Any

from scaffold import Option, Project, UsageError, installer
from scaffold.migrations import add_revision
from scaffold.schema import comparison, renames
from scaffold.schema.comparison import app_python
from scaffold.schema.renames import Rename

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

    return comparison.run(project, choose)


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

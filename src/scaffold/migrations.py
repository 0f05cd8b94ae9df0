"""The app's Alembic migrations, read and written without a database: the current head of
the chain, and new revision files in the app's own format (see its script.py.mako)."""

from __future__ import annotations

import ast
import hashlib
import re
import tempfile
import textwrap
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from scaffold.errors import ScaffoldError
from scaffold.project import Project

VERSIONS = "migrations/versions"
_NAMES = ("revision", "down_revision")


def heads(project: Project) -> list[str]:
    """The revisions no other revision builds on (staged ones included), as Alembic's
    script directory finds them.

    Each revision's `revision` and `down_revision` are read as literals first (a file per
    revision, a tuple for a merge, over as many lines as it takes): the common chain needs
    nothing more. When a file's values are not literals, or that reading finds several
    heads, Alembic itself reads the chain (offline: it imports the revision files, never a
    database), so "several heads" is only ever said when Alembic says it too."""
    paths = [path for path in project.list_files(VERSIONS) if path.endswith(".py")]
    scripts = {path: project.read(path) or "" for path in paths}
    literal = _literal_heads(scripts)
    if literal is not None and len(literal) <= 1:
        return literal
    return _alembic_heads(project, scripts)


def _literal_heads(scripts: Mapping[str, str]) -> list[str] | None:
    """The heads from literal values; None when a file's are not literals."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for text in scripts.values():
        values = _assigned_literals(text)
        if values is None or not isinstance(values.get("revision"), str):
            return None
        revisions.add(values["revision"])
        down = values.get("down_revision")
        parents.update((down,) if isinstance(down, str) else down or ())
    return sorted(revisions - parents)


def _assigned_literals(text: str) -> dict[str, object] | None:
    """The literal values last assigned to `revision` and `down_revision` at module level;
    None when the file does not parse or one of them is not a literal."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    values: dict[str, object] = {}
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if not isinstance(target, ast.Name) or target.id not in _NAMES or node.value is None:
            continue
        try:
            values[target.id] = ast.literal_eval(node.value)
        except ValueError:
            return None
    down = values.get("down_revision")
    if not (down is None or isinstance(down, str) or _strings(down)):
        return None
    return values


def _strings(value: object) -> bool:
    return isinstance(value, tuple | list) and all(isinstance(item, str) for item in value)


def _alembic_heads(project: Project, scripts: Mapping[str, str]) -> list[str]:
    """The heads as Alembic's ScriptDirectory reads the chain this run sees (on disk, with
    what is staged), copied into a scratch folder."""
    from alembic.script import ScriptDirectory

    with tempfile.TemporaryDirectory() as scratch:
        versions = Path(scratch) / "versions"
        versions.mkdir()
        for path, text in scripts.items():
            (versions / Path(path).name).write_text(text, "utf-8")
        try:
            return sorted(ScriptDirectory(scratch).get_heads())
        except Exception as error:  # the revision files are the user's code: anything goes
            raise ScaffoldError(
                f"{VERSIONS}: Alembic could not read the migration chain "
                f"({type(error).__name__}: {error}). Fix it (`alembic heads` shows the same "
                "error), then run the command again."
            ) from None


def add_revision(project: Project, message: str, upgrade: str, downgrade: str) -> str | None:
    """Stage a new revision after the current head; return its path (None: an issue).

    Its time is the run's (`project.now()`) and its id is made from what it holds and the
    revision it follows, so a dry run previews the file the real run writes."""
    found = heads(project)
    if len(found) > 1:
        project.issue(
            f"{VERSIONS} has several heads ({', '.join(found)}). Merge them first with "
            "`alembic merge heads -m merge`, then run the command again."
        )
        return None
    now = project.now()
    down = found[0] if found else None
    revision = revision_id(message, down, upgrade, downgrade)
    path = f"{VERSIONS}/{now:%Y%m%d_%H%M}_{revision}_{slug(message)}.py"
    project.create_file(path, render_revision(message, revision, down, upgrade, downgrade, now))
    return path


def revision_id(message: str, down: str | None, upgrade: str, downgrade: str) -> str:
    """12 hex digits, like Alembic's, from the revision's content and the one it follows."""
    content = "\0".join((message, down or "", upgrade, downgrade))
    return hashlib.sha256(content.encode()).hexdigest()[:12]


def slug(message: str) -> str:
    """Alembic's file-name slug: lowercase words joined by `_`, at most 40 characters."""
    words = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")
    return words[:40].rstrip("_") or "revision"


def render_revision(
    message: str, revision: str, down: str | None, upgrade: str, downgrade: str, when: datetime
) -> str:
    """A revision file as the app's script.py.mako writes it: `revision` after `down` (None:
    the first), with the bodies `upgrade` and `downgrade` (`op.` calls; `sa.` is imported when
    they use it)."""
    sa = "import sqlalchemy as sa\n" if "sa." in upgrade + downgrade else ""
    return f'''"""{message}

Revision ID: {revision}
Revises:{" " + down if down else ""}
Create Date: {when}

"""

from collections.abc import Sequence

{sa}from alembic import op

# revision identifiers, used by Alembic.
revision: str = "{revision}"
down_revision: str | Sequence[str] | None = {f'"{down}"' if down else None}
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
{_body(upgrade)}


def downgrade() -> None:
{_body(downgrade)}
'''


def _body(code: str) -> str:
    return textwrap.indent(textwrap.dedent(code).strip("\n") or "pass", "    ")

"""The app's Alembic migrations, read and written without a database: the current head of
the chain, and new revision files in the app's own format (see its script.py.mako)."""

from __future__ import annotations

import re
import secrets
import textwrap
from datetime import datetime

from scaffold.project import Project

VERSIONS = "migrations/versions"
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def heads(project: Project) -> list[str]:
    """The revisions no other revision builds on (staged ones included)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in project.list_files(VERSIONS):
        if not path.endswith(".py"):
            continue
        text = project.read(path) or ""
        if found := _REVISION.search(text):
            revisions.add(found[1])
        if down := _DOWN.search(text):
            parents.update(_QUOTED.findall(down[1]))
    return sorted(revisions - parents)


def add_revision(project: Project, message: str, upgrade: str, downgrade: str) -> str | None:
    """Stage a new revision after the current head; return its path (None: an issue)."""
    found = heads(project)
    if len(found) > 1:
        project.issue(
            f"{VERSIONS} has several heads ({', '.join(found)}). Merge them first with "
            "`alembic merge heads -m merge`, then run the command again."
        )
        return None
    now = datetime.now()
    revision = secrets.token_hex(6)
    path = f"{VERSIONS}/{now:%Y%m%d_%H%M}_{revision}_{slug(message)}.py"
    down = found[0] if found else None
    project.create_file(path, render_revision(message, revision, down, upgrade, downgrade, now))
    return path


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

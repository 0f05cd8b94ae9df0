"""`scaffold gen migration`: the models compared with the migration chain, no database."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_scaffold
from tests.support.apps import AppEnvironment

NOTE = '''\
"""A model written by hand, as a user would."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    body: Mapped[str | None]
'''


def _register_note(app: Path) -> None:
    (app / "src/shop/note.py").write_text(NOTE)
    models = app / "src/shop/models.py"
    text = models.read_text().replace(
        "from shop.db import Base\n", "from shop.db import Base\nfrom shop.note import Note\n"
    )
    models.write_text(text.replace('__all__ = ["Base"]', '__all__ = ["Base", "Note"]'))


def _versions(app: Path) -> list[Path]:
    return sorted((app / "migrations/versions").glob("*.py"))


@pytest.mark.slow
def test_gen_migration_follows_the_models(tmp_path: Path, app_env: AppEnvironment) -> None:
    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=tmp_path).returncode == 0
    app = tmp_path / "shop"
    (app / ".venv").symlink_to(app_env.folder)  # the app's own environment, as users have
    app_env.install(app)
    assert run_scaffold("gen", "migration", "nothing", "--yes", cwd=app).stdout.strip() == (
        "No changes"
    )

    _register_note(app)
    made = run_scaffold("gen", "migration", "create_notes", "--yes", cwd=app)
    assert made.returncode == 0, made.stderr
    [first] = _versions(app)
    assert first.name.endswith("_create_notes.py")
    assert 'op.create_table(\n        "notes"' in first.read_text()
    app_env.run(app, "alembic", "upgrade", "head")
    app_env.run(app, "alembic", "check")
    again = run_scaffold("gen", "migration", "create_notes", "--yes", cwd=app)
    assert again.stdout.strip() == "No changes"

    note = app / "src/shop/note.py"
    note.write_text(
        note.read_text()
        .replace("body: Mapped[str | None]", "body: Mapped[str]")
        .replace("String(200), index=True)", "String(300), index=True)\n    rank: Mapped[int]")
    )
    changed = run_scaffold("gen", "migration", "change_notes", "--yes", cwd=app)
    assert changed.returncode == 0, changed.stderr
    [second] = [path.read_text() for path in _versions(app) if path != first]
    assert f'down_revision: str | Sequence[str] | None = "{first.name.split("_")[2]}"' in second
    assert 'add_column(sa.Column("rank"' in second and "type_=sa.String(length=300)" in second
    app_env.run(app, "alembic", "upgrade", "head")
    app_env.run(app, "alembic", "check")
    app_env.run(app, "ruff", "check", ".")
    app_env.run(app, "ruff", "format", "--check", ".")
    result = app_env.run(app, "pytest", "-q", "-p", "no:cacheprovider")
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_models_that_do_not_import_are_a_clear_issue(tmp_path: Path) -> None:
    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=tmp_path).returncode == 0
    app = tmp_path / "shop"
    python = app / ".venv/bin/python"
    python.parent.mkdir(parents=True)
    # An environment without the app's dependencies, as the user's may be.
    python.write_text(
        "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'fastapi'\" >&2\nexit 1\n"
    )
    python.chmod(python.stat().st_mode | stat.S_IEXEC)
    before = subprocess.run(["ls", "-R", str(app)], capture_output=True, text=True).stdout
    result = run_scaffold("gen", "migration", "anything", "--yes", cwd=app)
    assert result.returncode == 2
    assert "No module named 'fastapi'" in result.stderr
    assert 'pip install -e ".[dev]"' in result.stderr
    assert subprocess.run(["ls", "-R", str(app)], capture_output=True, text=True).stdout == before


def test_a_bad_migration_name_exits_2(tmp_path: Path) -> None:
    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=tmp_path).returncode == 0
    result = run_scaffold("gen", "migration", "9; rm -rf", "--yes", cwd=tmp_path / "shop")
    assert result.returncode == 2 and "Invalid migration name" in result.stderr
    assert os.listdir(tmp_path / "shop/migrations/versions") == [".gitkeep"]

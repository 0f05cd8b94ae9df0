"""The `migration` installer on a small app of plain SQLAlchemy (compared in scaffold's own
Python, which has SQLAlchemy and Alembic): what it asks, what a yes makes of the revision, and
what it reports as data loss."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold import UsageError, testing
from scaffold.project import Project

ENV = """\
import os
from alembic import context
from sqlalchemy import create_engine
from mini.models import Base

with create_engine(os.environ["DATABASE_URL"]).connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
"""
FIRST = '''\
"""Create posts and tags"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_posts"),
    )
    op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True))
'''
MODELS = """\
from sqlalchemy import Integer, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    {column}: Mapped[str | None] = mapped_column(Text)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
"""
QUESTION = "Was posts.bio renamed to posts.biography?"


def _mini(root: Path, column: str = "biography", tags: bool = True) -> dict[str, str]:
    models = MODELS.format(column=column)
    if not tags:
        models = models[: models.index("\n\nclass Tag")] + "\n"
    return {
        "pyproject.toml": '[project]\nname = "mini"\n\n[tool.scaffold]\napp = "mini"\n',
        "alembic.ini": "[alembic]\nscript_location = migrations\n",
        "migrations/env.py": ENV,
        "migrations/versions/0001_create_posts.py": FIRST,
        "src/mini/__init__.py": "",
        "src/mini/models.py": models,
    }


def _revision(project: Project) -> str:
    [created] = [c for c in project.changes() if c.path.startswith("migrations/versions/2")]
    return created.after or ""


def _run(tmp_path: Path, files: dict[str, str], answers: dict[str, bool], **options) -> tuple:
    asked: list[str] = []

    def ask(question: str) -> bool:
        asked.append(question)
        return answers.get(question, False)

    project = testing.project(files, root=tmp_path, ask=ask)
    return testing.run(project, "migration", name="rename", **options), asked


def test_a_yes_renames_and_nothing_is_lost(tmp_path: Path) -> None:
    project, asked = _run(tmp_path, _mini(tmp_path), {QUESTION: True})
    assert asked == [QUESTION]
    revision = _revision(project)
    assert 'op.alter_column("posts", "bio", new_column_name="biography")' in revision
    assert "drop_column" not in revision
    assert project.losses() == []


def test_a_no_drops_and_says_so(tmp_path: Path) -> None:
    project, asked = _run(tmp_path, _mini(tmp_path), {})
    assert asked == [QUESTION]
    assert 'batch_op.drop_column("bio")' in _revision(project)
    testing.assert_data_loss(project, "posts.bio is dropped, with its data")
    [loss] = project.losses()
    assert loss.advice == "If it was renamed, pass --rename posts.bio:NEW_NAME."


def test_a_given_rename_is_not_asked(tmp_path: Path) -> None:
    project, asked = _run(tmp_path, _mini(tmp_path), {}, rename=["posts.bio:biography"])
    assert asked == []
    assert 'new_column_name="biography"' in _revision(project) and project.losses() == []


def test_a_refused_rename_stops_the_run(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"adds no column posts\.about"):
        _run(tmp_path, _mini(tmp_path), {}, rename=["posts.bio:about"])


def test_a_table_dropped_with_nothing_added_is_lost_without_advice(tmp_path: Path) -> None:
    project, asked = _run(tmp_path, _mini(tmp_path, column="bio", tags=False), {})
    assert asked == []
    assert 'op.drop_table("tags")' in _revision(project)
    [loss] = project.losses()
    assert (loss.what, loss.advice) == ("The table tags is dropped, with all its rows", "")


def test_models_as_the_migrations_leave_them_are_no_changes(tmp_path: Path) -> None:
    project, asked = _run(tmp_path, _mini(tmp_path, column="bio"), {})
    assert asked == [] and project.changes() == []


def test_what_the_app_prints_while_compared_is_not_taken_for_an_answer(tmp_path: Path) -> None:
    files = _mini(tmp_path)
    files["src/mini/models.py"] = (
        'print("{\\"offers\\": []} loading the models")\n' + (files["src/mini/models.py"])
    )
    project, asked = _run(tmp_path, files, {QUESTION: True})
    assert asked == [QUESTION] and "new_column_name" in _revision(project)

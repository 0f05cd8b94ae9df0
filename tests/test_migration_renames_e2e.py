"""`scaffold gen migration` asks, for real: an app with rows in `posts`, `bio` renamed to
`biography` by hand everywhere the app says it, then the migration answered through a real
terminal, a pipe, --rename, --check and --yes; `alembic upgrade head` keeps the data, `alembic
check` agrees, the app's tests and linters pass, and a downgrade gives `bio` its data back.
The same, and a table renamed, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import run_scaffold
from tests.support.apps import AppEnvironment, fresh_database
from tests.support.terminal import Terminal

pytestmark = pytest.mark.slow

ROWS = [("First", "Wrote a book."), ("Second", None)]
INSERT = """\
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from {app}.settings import get_settings
from {app}.blog.post import Post
with Session(create_engine(get_settings().database_url)) as session:
    session.add_all([Post(title=title, bio=bio) for title, bio in {rows!r}])
    session.commit()
"""
SELECT = """\
import json, sys
from sqlalchemy import create_engine, text
from {app}.settings import get_settings
with create_engine(get_settings().database_url).connect() as connection:
    print(json.dumps([list(row) for row in connection.execute(text(sys.argv[1]))]))
"""


def _make(folder: Path, app_env: AppEnvironment, name: str, *options: str) -> Path:
    assert run_scaffold("new", name, "--yes", "--no-git", *options, cwd=folder).returncode == 0
    app = folder / name
    made = run_scaffold("gen", "resource", "Blog.Post", "title:string:required", "bio:text",
                        "--yes", cwd=app)  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    (app / ".venv").symlink_to(app_env.folder)  # the app's own environment, as users have
    app_env.install(app)
    return app


def _rows(app_env: AppEnvironment, app: Path, env: dict, sql: str) -> list[tuple]:
    shown = app_env.run(app, "python", "-c", SELECT.format(app=app.name), sql, env=env).stdout
    return [tuple(row) for row in json.loads(shown)]


def _with_rows(app_env: AppEnvironment, app: Path, env: dict) -> None:
    app_env.run(app, "alembic", "upgrade", "head", env=env)
    app_env.run(app, "python", "-c", INSERT.format(app=app.name, rows=ROWS), env=env)


def _rename_bio_by_hand(app: Path) -> None:
    """`bio` is `biography` in the model, schemas, form, templates and tests, as a user would
    rename it with their editor."""
    for path in [*(app / "src").rglob("*.*"), *(app / "tests").rglob("*.py")]:
        text = path.read_text()
        renamed = re.sub(r"\bbio\b", "biography", re.sub(r"\bBio\b", "Biography", text))
        if renamed != text:
            path.write_text(renamed)


def _versions(app: Path) -> list[Path]:
    return sorted((app / "migrations/versions").glob("*.py"))


def _assert_migrations_agree(app_env: AppEnvironment, app: Path, env: dict) -> None:
    app_env.run(app, "alembic", "upgrade", "head", env=env)
    checked = app_env.run(app, "alembic", "check", env=env)
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr


def _assert_kept_both_ways(
    app_env: AppEnvironment, app: Path, env: dict, upgraded: str, downgraded: str
) -> None:
    """The rows, read by the query `upgraded` after `alembic upgrade head` and by
    `downgraded` after `alembic downgrade -1`; then upgraded again."""
    _assert_migrations_agree(app_env, app, env)
    assert _rows(app_env, app, env, upgraded) == ROWS
    app_env.run(app, "alembic", "downgrade", "-1", env=env)
    assert _rows(app_env, app, env, downgraded) == ROWS
    _assert_migrations_agree(app_env, app, env)


def _assert_renamed_and_back(app_env: AppEnvironment, app: Path, env: dict) -> None:
    """The rows' data in `biography` after the upgrade, in `bio` after a downgrade."""
    query = "SELECT title, {} FROM posts ORDER BY title"
    _assert_kept_both_ways(app_env, app, env, query.format("biography"), query.format("bio"))


def _assert_table_renamed(app_env: AppEnvironment, app: Path, env: dict) -> None:
    """posts renamed to articles in the model: --rename makes it a rename, rows kept."""
    model = app / "src" / app.name / "blog" / "post.py"
    model.write_text(model.read_text().replace('"posts"', '"articles"'))
    made = run_scaffold("gen", "migration", "rename_posts", "--rename", "posts:articles",
                        "--yes", cwd=app)  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    assert 'op.rename_table("posts", "articles")' in _versions(app)[-1].read_text()
    assert "Data loss" not in made.stdout
    query = "SELECT title, biography FROM {} ORDER BY title"
    _assert_kept_both_ways(app_env, app, env, query.format("articles"), query.format("posts"))


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment) -> Path:
    """A SQLite app with two posts, whose `bio` is then renamed by hand."""
    app = _make(tmp_path_factory.mktemp("renames"), app_env, "blog")
    _with_rows(app_env, app, {})
    _rename_bio_by_hand(app)
    return app


def test_check_reports_the_data_loss_without_asking(blog: Path) -> None:
    result = run_scaffold("gen", "migration", "rename_bio", "--check", cwd=blog)
    assert result.returncode == 1
    assert "Data loss: posts.bio is dropped, with its data (migrations/versions/" in result.stdout
    assert "If it was renamed, pass --rename posts.bio:NEW_NAME." in result.stdout
    assert "would change, and data would be lost" in result.stdout
    assert "[y/N]" not in result.stdout and len(_versions(blog)) == 1


def test_yes_alone_neither_guesses_nor_drops(blog: Path) -> None:
    result = run_scaffold("gen", "migration", "rename_bio", "--yes", cwd=blog)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "[y/N]" not in result.stdout and "Data loss: posts.bio" in result.stdout
    assert "Pass --accept-data-loss" in result.stderr and len(_versions(blog)) == 1


def test_a_piped_no_or_no_answer_is_add_and_drop(blog: Path) -> None:
    for answers in ("n\n", ""):
        result = run_scaffold("gen", "migration", "rename_bio", cwd=blog, input=answers)
        assert "Was posts.bio renamed to posts.biography? [y/N]" in result.stdout
        assert 'batch_op.drop_column("bio")' in result.stdout
        assert "Data loss: posts.bio is dropped" in result.stdout
        assert result.returncode == 1 and "No answer (end of input)" in result.stderr
    assert len(_versions(blog)) == 1


def test_a_piped_yes_is_a_rename(blog: Path) -> None:
    result = run_scaffold("gen", "migration", "rename_bio", "--dry-run", cwd=blog, input="y\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'op.alter_column("posts", "bio", new_column_name="biography")' in result.stdout
    assert "drop_column" not in result.stdout and "Data loss" not in result.stdout


def test_a_rename_the_comparison_does_not_offer_is_refused(blog: Path) -> None:
    result = run_scaffold("gen", "migration", "x", "--rename", "posts.bio:about", cwd=blog)
    assert result.returncode == 2
    assert "--rename posts.bio:about: this migration adds no column posts.about" in result.stderr
    assert len(_versions(blog)) == 1


def test_answered_in_a_terminal_the_rename_keeps_the_data(
    blog: Path, app_env: AppEnvironment
) -> None:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    terminal = Terminal([sys.executable, "-m", "scaffold", "gen", "migration", "rename_bio"],
                        blog, env)  # fmt: skip
    terminal.expect("Was posts.bio renamed to posts.biography? [y/N]")
    terminal.type("y")
    screen = terminal.expect("Proceed with changes? [Ynd]")
    assert "Data loss" not in screen
    terminal.type("y")
    assert terminal.wait() == 0, terminal.output
    revision = _versions(blog)[-1].read_text()
    assert 'op.alter_column("posts", "bio", new_column_name="biography")' in revision
    assert 'op.alter_column("posts", "biography", new_column_name="bio")' in revision
    again = run_scaffold("gen", "migration", "rename_bio", cwd=blog)
    assert again.stdout.strip() == "No changes"

    _assert_renamed_and_back(app_env, blog, {})
    result = app_env.run(blog, "pytest", "-q", "-p", "no:cacheprovider", check=False)
    assert result.returncode == 0 and " passed" in result.stdout, result.stdout
    app_env.run(blog, "ruff", "check", ".")
    app_env.run(blog, "ruff", "format", "--check", ".")
    _assert_table_renamed(app_env, blog, {})


def test_on_postgresql_the_renames_keep_the_data(
    tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment, postgres: str
) -> None:
    app = _make(tmp_path_factory.mktemp("pg-renames"), app_env, "pg_blog", "--db", "postgres")
    server = postgres.replace("postgresql://", "postgresql+psycopg://")
    env = {"DATABASE_URL": fresh_database(app_env, app, server, "scaffold_renames_e2e")}
    _with_rows(app_env, app, env)
    _rename_bio_by_hand(app)
    made = run_scaffold("gen", "migration", "rename_bio", cwd=app, input="y\ny\n")
    assert made.returncode == 0, made.stdout + made.stderr
    assert 'op.alter_column("posts", "bio", new_column_name="biography")' in made.stdout
    _assert_renamed_and_back(app_env, app, env)
    _assert_table_renamed(app_env, app, env)

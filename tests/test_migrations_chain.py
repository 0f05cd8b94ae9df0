"""Reading the migration chain's head and writing new revisions, offline."""

from datetime import datetime
from pathlib import Path

from scaffold.migrations import add_revision, heads, render_revision, slug
from scaffold.project import Project


def _revision(root: Path, name: str, revision: str, down: str | None) -> None:
    folder = root / "migrations/versions"
    folder.mkdir(parents=True, exist_ok=True)
    text = render_revision(name, revision, down, "pass", "pass", datetime(2024, 1, 1))
    (folder / f"{revision}_{slug(name)}.py").write_text(text)


def test_an_empty_chain_has_no_head(tmp_path: Path) -> None:
    assert heads(Project(tmp_path)) == []


def test_the_head_is_the_revision_nothing_builds_on(tmp_path: Path) -> None:
    _revision(tmp_path, "one", "aaa", None)
    _revision(tmp_path, "two", "bbb", "aaa")
    assert heads(Project(tmp_path)) == ["bbb"]


def test_new_revisions_chain_after_staged_ones(tmp_path: Path) -> None:
    _revision(tmp_path, "one", "aaa", None)
    project = Project(tmp_path)
    first = add_revision(project, "Create posts", "op.create_table('posts')", "pass")
    second = add_revision(project, "Create comments", "pass", "pass")
    assert first and second and first != second
    assert 'down_revision: str | Sequence[str] | None = "aaa"' in project.read(first)
    [head] = heads(project)
    assert f'revision: str = "{head}"' in project.read(second)
    assert first.startswith("migrations/versions/") and first.endswith("_create_posts.py")


def test_several_heads_are_an_issue(tmp_path: Path) -> None:
    _revision(tmp_path, "one", "aaa", None)
    _revision(tmp_path, "two", "bbb", None)
    project = Project(tmp_path)
    assert add_revision(project, "x", "pass", "pass") is None
    assert "several heads (aaa, bbb)" in project.issues[0]
    assert "alembic merge heads" in project.issues[0]


def test_revision_text_uses_sa_only_when_needed() -> None:
    bare = render_revision("Nothing", "abc", None, "pass", "pass", datetime(2024, 1, 1))
    assert "import sqlalchemy" not in bare and "Revises:\n" in bare
    used = render_revision("Col", "abc", "def", "sa.Column('x')", "pass", datetime(2024, 1, 1))
    assert "import sqlalchemy as sa\n" in used and "Revises: def\n" in used

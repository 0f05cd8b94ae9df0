"""Reading the migration chain's head and writing new revisions, offline."""

from datetime import datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from hypothesis import given, settings
from hypothesis import strategies as st

from scaffold.errors import ScaffoldError
from scaffold.migrations import add_revision, heads, render_revision, revision_id, slug
from scaffold.project import Project

MERGE = '''"""merge"""

revision = "ccc"
down_revision = (
    "aaa",
    "bbb",
)
branch_labels = None
depends_on = None
'''


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


def test_a_merge_over_several_lines_is_one_head(tmp_path: Path) -> None:
    _revision(tmp_path, "one", "aaa", None)
    _revision(tmp_path, "two", "bbb", None)
    (tmp_path / "migrations/versions/ccc_merge.py").write_text(MERGE)
    project = Project(tmp_path)
    assert heads(project) == ["ccc"]
    path = add_revision(project, "after the merge", "pass", "pass")
    assert path and '= "ccc"' in (project.read(path) or "") and not project.issues


def test_values_that_are_not_literals_are_read_by_alembic(tmp_path: Path) -> None:
    _revision(tmp_path, "one", "aaa", None)
    folder = tmp_path / "migrations/versions"
    computed = 'PARENT = "aaa"\nrevision = "bbb"\ndown_revision = PARENT\n'
    (folder / "bbb_computed.py").write_text(computed)
    assert heads(Project(tmp_path)) == ["bbb"]


def test_a_chain_alembic_cannot_read_is_a_clear_error(tmp_path: Path) -> None:
    _revision(tmp_path, "one", "aaa", None)
    folder = tmp_path / "migrations/versions"
    (folder / "bbb_broken.py").write_text('import no_such_module\nrevision = "bbb"\n')
    with pytest.raises(ScaffoldError, match=r"Alembic could not read.*no_such_module"):
        heads(Project(tmp_path))


def test_revision_ids_follow_the_content_and_the_parent() -> None:
    first = revision_id("Create posts", "aaa", "up", "down")
    assert first == revision_id("Create posts", "aaa", "up", "down")
    assert len(first) == 12 and int(first, 16) >= 0
    assert first != revision_id("Create posts", "bbb", "up", "down")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), max_size=3), min_size=1, max_size=8))
def test_heads_agree_with_alembic(tmp_path_factory, parents: list[list[int]]) -> None:
    """Random chains and merges: whatever the reading, the heads are Alembic's."""
    root = tmp_path_factory.mktemp("chain")
    folder = root / "migrations/versions"
    folder.mkdir(parents=True)
    for number, ups in enumerate(parents):
        downs = sorted({f"r{up % number:03d}" for up in ups}) if number else []
        down = repr(tuple(downs)) if len(downs) > 1 else repr(downs[0]) if downs else "None"
        text = f'revision = "r{number:03d}"\ndown_revision = {down}\n'
        (folder / f"r{number:03d}.py").write_text(text)
    expected = sorted(ScriptDirectory(str(root / "migrations")).get_heads())
    assert heads(Project(root)) == expected


def test_gen_resource_follows_a_merge_revision(tmp_path: Path) -> None:
    from tests.conftest import run_scaffold

    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=tmp_path).returncode == 0
    app = tmp_path / "shop"
    _revision(app, "one", "aaa", None)
    _revision(app, "two", "bbb", None)
    (app / "migrations/versions/ccc_merge.py").write_text(MERGE)

    made = run_scaffold("gen", "resource", "Blog.Post", "title:string", "--yes", cwd=app)

    assert made.returncode == 0, made.stderr
    [new] = [p for p in (app / "migrations/versions").glob("*_create_posts.py")]
    assert 'down_revision: str | Sequence[str] | None = "ccc"' in new.read_text()

"""What a run read must still be so when it writes: a `git pull` while a generator waits at
its prompt (a file changed, a revision added) makes the apply refuse, with nothing written."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from scaffold import journal
from scaffold.errors import ApplyError
from scaffold.migrations import render_revision
from scaffold.project import Project
from tests.conftest import copy_app, read_until, run_scaffold, start_scaffold

VERSIONS = "migrations/versions"


@pytest.fixture(scope="module")
def template(new_shop: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = copy_app(new_shop, tmp_path_factory.mktemp("stale") / "shop")
    made = run_scaffold("gen", "resource", "Blog.Post", "title:string", "--yes", cwd=app)
    assert made.returncode == 0, made.stderr
    return app


@pytest.fixture
def app(template: Path, tmp_path: Path) -> Path:
    return copy_app(template, tmp_path / "shop")


def _head(app: Path) -> tuple[Path, str]:
    [path] = (app / VERSIONS).glob("*.py")
    return path, path.name.split("_")[2]


def _waiting(app: Path, *args: str) -> subprocess.Popen:
    """`scaffold ARGS` stopped at its prompt."""
    process = start_scaffold(*args, cwd=app)
    read_until(process, "Proceed with changes?")
    return process


def _tree(app: Path) -> dict[str, bytes]:
    return {p.relative_to(app).as_posix(): p.read_bytes() for p in app.rglob("*")
            if p.is_file() and ".scaffold" not in p.parts}  # fmt: skip


def test_a_revision_pulled_while_the_prompt_waits_is_refused(app: Path) -> None:
    _, head = _head(app)
    waiting = _waiting(app, "gen", "resource", "Blog.Comment", "body:text")
    pulled = render_revision("Theirs", "0123456789ab", head, "pass", "pass", datetime(2024, 1, 1))
    (app / VERSIONS / "20240101_0000_0123456789ab_theirs.py").write_text(pulled)
    before = _tree(app)

    _, err = waiting.communicate("y\n", timeout=60)

    assert waiting.returncode == 2
    assert f"changed on disk while scaffold was running: {VERSIONS}/ (files added" in err
    assert _tree(app) == before


def test_a_file_only_read_that_changed_is_refused(app: Path) -> None:
    revision, _ = _head(app)
    waiting = _waiting(app, "gen", "resource", "Blog.Comment", "body:text")
    revision.write_text(revision.read_text() + "# edited by a pull\n")
    before = _tree(app)

    _, err = waiting.communicate("y\n", timeout=60)

    assert waiting.returncode == 2
    assert f"{VERSIONS}/{revision.name}" in err and "Nothing was written" in err
    assert _tree(app) == before


def test_reads_are_checked_before_the_apply(tmp_path: Path) -> None:
    (tmp_path / "read.txt").write_text("as read\n")
    project = Project(tmp_path)
    assert project.read("read.txt") == "as read\n"
    assert project.read("absent.txt") is None
    project.create_file("new.txt", "new\n")
    (tmp_path / "absent.txt").write_text("appeared\n")

    with pytest.raises(ApplyError, match=r"absent\.txt"):
        journal.apply(tmp_path, project.changes(), command="test", reads=project.reads())
    assert not (tmp_path / "new.txt").exists()


def test_a_dry_run_previews_the_file_the_real_run_writes(app: Path) -> None:
    clock = {"SOURCE_DATE_EPOCH": "1700000000"}
    args = ("gen", "resource", "Blog.Comment", "body:text")
    dry = run_scaffold(*args, "--dry-run", cwd=app, env=clock)
    [previewed] = [
        line.split()[1] for line in dry.stdout.splitlines() if f"Create: {VERSIONS}/" in line
    ]

    assert (
        run_scaffold(*args, "--yes", cwd=app, env={"SOURCE_DATE_EPOCH": "1700000030"}).returncode
        == 0
    )

    written = sorted(p.name for p in (app / VERSIONS).glob("*.py"))
    assert previewed.removeprefix(f"{VERSIONS}/") in written
    assert previewed.endswith("_create_comments.py") and "20231114_2213" in previewed

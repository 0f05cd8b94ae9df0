"""Symbolic links: scaffold neither reads nor writes through one, so nothing outside the app
is ever touched and a link is never replaced by a regular file."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold import journal
from scaffold.errors import ApplyError, UnsafePath
from scaffold.project import Project
from tests.conftest import run_scaffold


@pytest.fixture
def app(shop: Path) -> Path:
    return shop


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.is_symlink()}  # fmt: skip


def test_a_folder_linked_outside_the_app_is_refused(app: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (app / "src/shop/blog").symlink_to(outside)
    before = _files(app)

    result = run_scaffold("gen", "domain", "Blog", "--yes", cwd=app)

    assert result.returncode == 2
    assert "src/shop/blog is a symbolic link" in result.stderr and str(outside) in result.stderr
    assert "Traceback" not in result.stderr
    assert list(outside.iterdir()) == []
    assert _files(app) == before


def test_a_file_that_is_a_link_is_not_replaced(app: Path) -> None:
    models = app / "src/shop/models.py"
    real = app / "src/shop/real_models.py"
    models.rename(real)
    models.symlink_to(real.name)

    result = run_scaffold("gen", "resource", "Blog.Post", "title:string", "--yes", cwd=app)

    assert result.returncode == 2
    assert "src/shop/models.py is a symbolic link (to real_models.py)" in result.stderr
    assert models.is_symlink() and not (app / "src/shop/blog").exists()


def test_a_link_that_appears_before_the_apply_is_refused(tmp_path: Path) -> None:
    root, outside = tmp_path / "app", tmp_path / "outside"
    (root / "ext").mkdir(parents=True)
    outside.mkdir()
    project = Project(root)
    project.create_file("ext/evil.txt", "written outside?\n")
    changes = project.changes()
    (root / "ext").rmdir()
    (root / "ext").symlink_to(outside)

    with pytest.raises(ApplyError, match="ext"):
        journal.apply(root, changes, command="test", reads=project.reads())
    assert list(outside.iterdir()) == []


def test_reading_through_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "target.txt").write_text("elsewhere\n")
    (tmp_path / "link.txt").symlink_to(tmp_path / "target.txt")
    with pytest.raises(UnsafePath, match=r"link\.txt is a symbolic link"):
        Project(tmp_path).read("link.txt")
    with pytest.raises(UnsafePath):
        Project(tmp_path).list_files("link.txt")

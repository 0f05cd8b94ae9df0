"""`scaffold undo` and `scaffold history`: every apply can be walked back, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_scaffold
from tests.test_upgrade import CSS, _age


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".scaffold/journal" not in p.as_posix()
    }


@pytest.fixture
def app(tmp_path: Path) -> Path:
    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=tmp_path).returncode == 0
    return tmp_path / "shop"


def test_undo_removes_what_a_generator_created(app: Path) -> None:
    before = _tree(app)
    assert run_scaffold("gen", "domain", "Blog", "--yes", cwd=app).returncode == 0
    undone = run_scaffold("undo", "--yes", cwd=app)
    assert undone.returncode == 0, undone.stderr
    assert "Delete: src/shop/blog/__init__.py" in undone.stdout
    assert _tree(app) == before
    assert not (app / "src/shop/blog").exists()
    history = run_scaffold("history", cwd=app).stdout.splitlines()
    assert "undo of 00002" in history[0]
    assert "undone" in history[1] and "gen domain Blog" in history[1]


def test_undo_restores_updated_files_byte_for_byte(app: Path) -> None:
    _age(app)
    (app / CSS).write_bytes("body { color: red; }\r\n/* ünïcode, no final newline */".encode())
    aged = _tree(app)
    upgraded = run_scaffold("upgrade", "--yes", "--force", cwd=app)
    assert upgraded.returncode == 0, upgraded.stderr
    assert _tree(app) != aged
    assert run_scaffold("undo", "--yes", cwd=app).returncode == 0
    assert _tree(app) == aged


def test_repeated_undo_walks_back_to_an_empty_folder(app: Path) -> None:
    assert run_scaffold("gen", "domain", "Blog", "--yes", cwd=app).returncode == 0
    assert run_scaffold("undo", "--yes", cwd=app).returncode == 0
    assert run_scaffold("undo", "--yes", cwd=app).returncode == 0
    assert _tree(app) == {}
    assert sorted(p.name for p in app.iterdir()) == [".scaffold"]
    nothing = run_scaffold("undo", "--yes", cwd=app)
    assert nothing.returncode == 2 and "Nothing to undo" in nothing.stderr


def test_undo_refuses_when_a_file_changed_since(app: Path) -> None:
    assert run_scaffold("gen", "domain", "Blog", "--yes", cwd=app).returncode == 0
    init = app / "src/shop/blog/__init__.py"
    init.write_text(init.read_text() + "# mine\n")
    refused = run_scaffold("undo", "--yes", cwd=app)
    assert refused.returncode == 2
    assert "src/shop/blog/__init__.py" in refused.stderr and "--force" in refused.stderr
    assert init.read_text().endswith("# mine\n")
    assert run_scaffold("undo", "--yes", "--force", cwd=app).returncode == 0
    assert not init.exists()


def test_undo_is_previewed_and_asked(app: Path) -> None:
    assert run_scaffold("gen", "domain", "Blog", "--yes", cwd=app).returncode == 0
    declined = run_scaffold("undo", cwd=app, input="n\n")
    assert declined.returncode == 1 and "Proceed with changes?" in declined.stdout
    assert (app / "src/shop/blog/__init__.py").exists()

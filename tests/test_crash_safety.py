"""A scaffold process killed at any point of an apply: no file is ever half written, and
the next run rolls the unfinished apply back, leaving the tree byte for byte as before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_scaffold

# Stages an update, a create in new folders, a delete and another update, then applies
# them with every filesystem step (fsync, rename, unlink) counted; at step N it dies at
# once (os._exit: no cleanup, no finally), as a killed process would.
CRASHING_APPLY = """
import os, sys
from pathlib import Path
from scaffold import journal
from scaffold.project import Project

root, limit = Path(sys.argv[1]), int(sys.argv[2])
project = Project(root)
project.update_file("src/shop/models.py", lambda text: text + "# changed\\n")
project.create_file("src/shop/extra/deep/file.py", "created = True\\n")
project.delete_file("README.md")
project.update_file("pyproject.toml", lambda text: text + "# changed\\n")
steps = 0

def counted(real):
    def step(*args, **kwargs):
        global steps
        steps += 1
        if steps > limit:
            os._exit(9)
        return real(*args, **kwargs)
    return step

os.fsync, os.replace, os.unlink = counted(os.fsync), counted(os.replace), counted(os.unlink)
journal.apply(root, project.changes(), command="crashing apply")
print(f"completed after {steps} steps")
"""


def _tree(root: Path) -> dict[str, bytes]:
    """Every file and folder below `root` (folders end in `/`), scaffold's journal aside."""
    tree = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if name.startswith(".scaffold/journal"):
            continue
        tree[name + "/" if path.is_dir() else name] = b"" if path.is_dir() else path.read_bytes()
    return tree


def _state(app: Path) -> str | None:
    """The state the crashing apply's journal entry reached (None: not even recorded)."""
    manifest = app / ".scaffold/journal/00003/manifest.json"
    return json.loads(manifest.read_text())["state"] if manifest.exists() else None


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crash")
    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=folder).returncode == 0
    assert run_scaffold("gen", "domain", "Blog", "--yes", cwd=folder / "shop").returncode == 0
    return folder / "shop"


def _copy(template: Path, to: Path) -> Path:
    subprocess.run(["cp", "-a", str(template), str(to)], check=True)
    return to


def _crash(app: Path, limit: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CRASHING_APPLY, str(app), str(limit)],
        capture_output=True,
        text=True,
    )


def test_killed_at_every_step_the_next_run_restores_the_tree(template: Path, tmp_path) -> None:
    before = _tree(template)
    finished = _copy(template, tmp_path / "finished")
    assert _crash(finished, 10_000).returncode == 0
    after = _tree(finished)
    assert "README.md" not in after and after["src/shop/extra/deep/file.py"] == b"created = True\n"

    limit = 0
    while True:
        app = _copy(template, tmp_path / f"killed-{limit}")
        result = _crash(app, limit)
        if result.returncode == 0:
            assert _tree(app) == after
            break  # the apply completed: every step before this one was a kill point
        assert result.returncode == 9, result.stderr
        for path, content in _tree(app).items():  # each file is old or new, never torn
            if path == ".scaffold/lock":
                continue  # the dead run's lock: the next run takes it over (and removes it)
            assert path.endswith(".scaffold-tmp") or content in (before.get(path), after.get(path))

        interrupted = _state(app) == "pending"
        recovered = run_scaffold("gen", "domain", "Blog", "--yes", cwd=app)
        assert recovered.returncode == 0, recovered.stderr
        assert ("was interrupted while writing" in recovered.stdout) == interrupted
        # Rolled back unless the apply was recorded as done, and then it was whole already.
        expected = after if _state(app) == "applied" else before
        assert _tree(app) == expected, f"killed after {limit} steps"
        limit += 1
    assert limit > 10  # journal writes, four files, state changes: many kill points

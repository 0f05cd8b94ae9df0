"""Apply is all or nothing, refuses stale reads, and journals what it did."""

import json
import os
import stat
from pathlib import Path

import pytest

from scaffold import journal
from scaffold.errors import ApplyError
from scaffold.project import Project


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".scaffold" not in p.parts
    }


def _staged(root: Path) -> Project:
    (root / "keep.txt").write_bytes(b"keep\r\nme\r\n")
    (root / "edit.txt").write_bytes("old é bytes\r\n".encode())
    (root / "gone.txt").write_text("bye\n")
    project = Project(root)
    project.update_file("edit.txt", lambda text: text + "new line\n")
    project.create_file("deep/new/file.txt", "created\n")
    project.delete_file("gone.txt")
    return project


def test_apply_writes_every_change_and_journals_it(tmp_path: Path) -> None:
    project = _staged(tmp_path)
    entry = journal.apply(tmp_path, project.changes(), command="scaffold test")

    assert _tree(tmp_path) == {
        "deep/new/file.txt": b"created\n",
        "edit.txt": "old é bytes\r\nnew line\r\n".encode(),  # the new line as the file's
        "keep.txt": b"keep\r\nme\r\n",
    }
    manifest = json.loads((entry.folder / "manifest.json").read_text())
    assert manifest["state"] == "applied"
    assert manifest["command"] == "scaffold test"
    assert [(f["path"], f["status"]) for f in manifest["files"]] == [
        ("deep/new/file.txt", "create"),
        ("edit.txt", "update"),
        ("gone.txt", "delete"),
    ]
    # What undo needs: the bytes each updated or deleted file had before.
    assert (entry.folder / "before" / "1").read_bytes() == "old é bytes\r\n".encode()
    assert (entry.folder / "before" / "2").read_bytes() == b"bye\n"


def test_a_failure_mid_write_restores_every_file(tmp_path: Path, monkeypatch) -> None:
    project = _staged(tmp_path)
    before = _tree(tmp_path)
    real_replace = os.replace
    renames = []

    def failing_replace(src, dst):
        # Journal writes go first; fail on the second project file.
        if ".scaffold" not in str(dst):
            renames.append(dst)
            if len(renames) == 2:
                raise OSError(28, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(ApplyError, match="No space left on device"):
        journal.apply(tmp_path, project.changes(), command="scaffold test")

    assert _tree(tmp_path) == before
    assert not (tmp_path / "deep").exists()
    assert not list(tmp_path.rglob("*.scaffold-tmp"))


def test_a_file_changed_after_it_was_read_is_refused(tmp_path: Path) -> None:
    project = _staged(tmp_path)
    (tmp_path / "edit.txt").write_text("someone else's edit\n")
    with pytest.raises(ApplyError, match=r"edit\.txt"):
        journal.apply(tmp_path, project.changes(), command="scaffold test")
    assert (tmp_path / "edit.txt").read_text() == "someone else's edit\n"
    assert not (tmp_path / "deep").exists()


def test_file_mode_is_kept(tmp_path: Path) -> None:
    script = tmp_path / "run.sh"
    script.write_text("echo hi\n")
    script.chmod(0o755)
    project = Project(tmp_path)
    project.update_file("run.sh", lambda text: text + "echo bye\n")
    journal.apply(tmp_path, project.changes(), command="scaffold test")
    assert script.stat().st_mode & 0o777 == 0o755


def test_undo_gives_a_deleted_file_its_mode_back(tmp_path: Path) -> None:
    from tests.conftest import run_scaffold

    script = tmp_path / "run.sh"
    script.write_text("echo hi\n")
    script.chmod(0o750)
    project = Project(tmp_path)
    project.delete_file("run.sh")
    journal.apply(tmp_path, project.changes(), command="scaffold delete")
    assert not script.exists()

    undone = run_scaffold("undo", "--yes", cwd=tmp_path)

    assert undone.returncode == 0, undone.stderr
    assert script.read_text() == "echo hi\n" and script.stat().st_mode & 0o777 == 0o750


def test_folders_are_synced_after_the_renames_before_the_apply_is_marked(
    tmp_path: Path, monkeypatch
) -> None:
    project = _staged(tmp_path)
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            events.append("sync " + os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    def replace(source, target) -> None:
        real_replace(source, target)
        events.append("rename " + str(target))

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    entry = journal.apply(tmp_path, project.changes(), command="scaffold test")

    manifest = "rename " + str(entry.folder / "manifest.json")
    marked = max(i for i, event in enumerate(events) if event == manifest)  # "applied"
    renamed = [e for e in events[:marked] if e.startswith("rename ") and ".scaffold" not in e]
    assert len(renamed) == 2  # edit.txt and deep/new/file.txt (gone.txt is unlinked)
    synced = {e.removeprefix("sync ") for e in events[events.index(renamed[-1]) : marked]}
    for folder in (tmp_path, tmp_path / "deep", tmp_path / "deep/new"):
        assert str(folder) in synced

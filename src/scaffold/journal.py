"""Writing a run to disk all at once, with a journal to undo it.

Before anything is written, the journal records each file's content before and after
under `.scaffold/journal/<id>/`. Each file is written to a temporary file beside it and
renamed into place. If anything fails, every file already written is put back, byte for
byte, and the error is raised.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import ApplyError
from scaffold.project import Change, read_text

JOURNAL = Path(".scaffold") / "journal"


@dataclass(frozen=True)
class Entry:
    """One apply in the journal."""

    folder: Path
    command: str


def apply(root: Path, changes: list[Change], *, command: str) -> Entry:
    """Write `changes` under `root` atomically; return the journal entry recording them."""
    _refuse_if_changed(root, changes)
    entry = _record(root, changes, command)
    written: list[Change] = []
    made_dirs: list[Path] = []
    try:
        for change in changes:
            _write(root / change.path, change.after, made_dirs)
            written.append(change)
    except BaseException as error:
        _restore(root, written, made_dirs)
        _set_state(entry, "rolled-back")
        if isinstance(error, OSError):
            raise ApplyError(
                f"Could not write {error.filename or 'a file'}: {error.strerror or error}. "
                "Every file already written was restored; nothing changed."
            ) from error
        raise
    _set_state(entry, "applied")
    return entry


def digest(content: str | None) -> str | None:
    if content is None:
        return None
    return hashlib.sha256(content.encode("utf-8", "surrogateescape")).hexdigest()


def _refuse_if_changed(root: Path, changes: list[Change]) -> None:
    moved = [c.path for c in changes if read_text(root / c.path) != c.before]
    if moved:
        raise ApplyError(
            "These files changed on disk while scaffold was running: "
            + ", ".join(moved)
            + ". Nothing was written; run the command again."
        )


def _record(root: Path, changes: list[Change], command: str) -> Entry:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    folder = root / JOURNAL / f"{stamp}-{secrets.token_hex(3)}"
    files = []
    for index, change in enumerate(changes):
        if change.before is not None:
            _write(folder / "before" / str(index), change.before, [])
        files.append(
            {
                "path": change.path,
                "status": change.status,
                "before": digest(change.before),
                "after": digest(change.after),
            }
        )
    manifest = {"command": command, "created": stamp, "state": "pending", "files": files}
    _write(folder / "manifest.json", json.dumps(manifest, indent=2) + "\n", [])
    return Entry(folder, command)


def _set_state(entry: Entry, state: str) -> None:
    path = entry.folder / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    manifest["state"] = state
    _write(path, json.dumps(manifest, indent=2) + "\n", [])


def _write(path: Path, content: str | None, made_dirs: list[Path]) -> None:
    """Write through a temporary file and a rename, so a file is never half written."""
    if content is None:
        path.unlink(missing_ok=True)
        return
    for parent in reversed(path.parents):
        if not parent.exists():
            parent.mkdir()
            made_dirs.append(parent)
    temporary = path.with_name(f".{path.name}.scaffold-tmp")
    mode = path.stat().st_mode if path.exists() else None
    try:
        with open(temporary, "wb") as handle:
            handle.write(content.encode("utf-8", "surrogateescape"))
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _restore(root: Path, written: list[Change], made_dirs: list[Path]) -> None:
    for change in reversed(written):
        _write(root / change.path, change.before, [])
    for folder in reversed(made_dirs):
        with contextlib.suppress(OSError):  # not empty: it holds the journal
            folder.rmdir()

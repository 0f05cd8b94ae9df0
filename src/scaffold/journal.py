"""Writing a run to disk all at once, with a journal to undo it and to survive a crash.

Before anything is written, the journal records each file's content before the change (and
the hash of both sides) under `.scaffold/journal/<entry>/`, marked "pending". Each file is
then written to a temporary file beside it and renamed into place, so no file is ever half
written. Then the entry is marked "applied". If a write fails, or the process dies midway,
the entry is still "pending": rolling it back puts every file that holds its new content
back to its old one, byte for byte. Every run of scaffold first rolls back such entries,
holding the app's lock (scaffold.lock), so it never takes a run still writing for a crash.

Each entry's folder is made exclusively (mkdir fails when it exists), and the folders whose
entries changed are synced after the renames, so that an apply marked "applied" survives a
power cut as a whole.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scaffold import lock
from scaffold.errors import ApplyError
from scaffold.project import Change, Reads, file_names, link_in, read_text

JOURNAL = Path(".scaffold") / "journal"
MANIFEST = "manifest.json"
TEMPORARY = ".scaffold-tmp"


@dataclass(frozen=True)
class FileRecord:
    path: str
    status: str  # create, update, delete (conflicts are updates by now)
    before: str | None  # SHA-256 of the content before, None: absent
    after: str | None
    mode: int | None  # permissions before, to restore a deleted file as it was


@dataclass(frozen=True)
class Entry:
    """One apply in the journal."""

    folder: Path
    command: str
    created: str
    state: str  # pending, applied, rolled-back
    files: tuple[FileRecord, ...]
    dirs: tuple[str, ...]  # folders the apply made, deepest last
    undoes: str | None = None  # the entry this one undid

    @property
    def id(self) -> str:
        return self.folder.name

    def before(self, index: int) -> str | None:
        """The content file `index` had before this apply (None: it did not exist)."""
        return read_text(self.folder / "before" / str(index))


def apply(
    root: Path,
    changes: list[Change],
    *,
    command: str,
    undoes: str | None = None,
    reads: Reads | None = None,
) -> Entry:
    """Write `changes` under `root` atomically; return the journal entry recording them.

    Refused, with nothing written, if anything the run read (`reads`, and the files it
    changes) is not as it was, or a path goes through a symbolic link."""
    with lock.held(root, command):
        _refuse_links(root, changes)
        _refuse_if_changed(root, changes, reads or Reads({}, {}))
        _refuse_if_read_only(root, changes)
        entry = _record(root, changes, command, undoes)
        try:
            for change in changes:
                _write(root / change.path, change.after, change.mode, sync=False)
            _sync_folders(root, changes)
            _set_state(entry, "applied")
        except BaseException as error:
            restored = _try_roll_back(root, entry)
            if isinstance(error, OSError):
                raise ApplyError(_failure(error, restored)) from error
            raise
        if undoes is not None:
            _remove_dirs(root, next(e for e in entries(root) if e.id == undoes))
        return entry


def _try_roll_back(root: Path, entry: Entry) -> bool:
    """Roll back now if the disk lets us; if not, the entry stays pending for the next run."""
    try:
        roll_back(root, entry)
    except OSError:
        return False
    return True


def _failure(error: OSError, restored: bool) -> str:
    what = f"Could not write {error.filename or 'a file'}: {error.strerror or error}."
    if restored:
        return f"{what} Every file already written was restored; nothing changed."
    return (
        f"{what} Restoring the files written so far failed too; the next scaffold command "
        "will restore them (run `scaffold history` to see the unfinished run)."
    )


def entries(root: Path) -> list[Entry]:
    """Every entry of the journal, oldest first."""
    found = [_load(path) for path in _folders(root)]
    return [entry for entry in found if entry is not None]


def pending(root: Path) -> list[Entry]:
    """The applies a crash left unfinished.

    Only the newest entry can be: every run recovers before it applies. So this reads one
    manifest, however long the app's history."""
    newest = next((e for e in map(_load, reversed(_folders(root))) if e is not None), None)
    return [newest] if newest is not None and newest.state == "pending" else []


def _folders(root: Path) -> list[Path]:
    """The folders of the journal's entries, oldest first."""
    folder = root / JOURNAL
    if not folder.is_dir():
        return []
    return [path for path in sorted(folder.iterdir()) if (path / MANIFEST).is_file()]


def recover(root: Path) -> list[Entry]:
    """Roll back every apply a crash left unfinished; return those entries."""
    unfinished = pending(root)
    for entry in unfinished:
        roll_back(root, entry)
    return unfinished


def roll_back(root: Path, entry: Entry) -> None:
    """Put back the old content of every file that holds this entry's new content."""
    for index, record in reversed(list(enumerate(entry.files))):
        target = root / record.path
        target.with_name(f".{target.name}{TEMPORARY}").unlink(missing_ok=True)
        if digest(read_text(target)) == record.after:
            _write(target, entry.before(index), record.mode, sync=False)
    _sync_folders(root, entry.files)
    _remove_dirs(root, entry)
    _set_state(entry, "rolled-back")


def _remove_dirs(root: Path, entry: Entry) -> None:
    """Remove the folders `entry` made, where they are empty again."""
    for folder in reversed(entry.dirs):
        with contextlib.suppress(OSError):  # not empty: something else lives there now
            (root / folder).rmdir()


def digest(content: str | None) -> str | None:
    if content is None:
        return None
    return hashlib.sha256(content.encode("utf-8", "surrogateescape")).hexdigest()


def _refuse_links(root: Path, changes: list[Change]) -> None:
    links = [link for c in changes if (link := link_in(root, c.path)) is not None]
    if links:
        raise ApplyError(
            "These paths are symbolic links now: "
            + ", ".join(sorted({link.relative_to(root).as_posix() for link in links}))
            + ". scaffold does not write through links; nothing was written."
        )


def _refuse_if_changed(root: Path, changes: list[Change], reads: Reads) -> None:
    """Every file the run read or changes, and every folder it listed, as the run saw it."""
    seen = {**reads.files, **{c.path: c.before for c in changes}}
    moved = [path for path, content in seen.items() if read_text(root / path) != content]
    moved += [
        f"{folder}/ (files added or removed)"
        for folder, names in reads.folders.items()
        if file_names(root / folder) != names
    ]
    if moved:
        raise ApplyError(
            "These files changed on disk while scaffold was running: "
            + ", ".join(sorted(moved))
            + ". Nothing was written; run the command again."
        )


def _refuse_if_read_only(root: Path, changes: list[Change]) -> None:
    """A file without write permission says "leave me alone", even to root: respect it."""
    locked = [
        c.path for c in changes if (mode := _mode(root / c.path)) is not None and not mode & 0o222
    ]
    if locked:
        raise ApplyError(
            "These files are read-only: " + ", ".join(locked) + ". Nothing was written; make "
            "them writable (chmod u+w) if scaffold should change them, then run it again."
        )


def _record(root: Path, changes: list[Change], command: str, undoes: str | None) -> Entry:
    """Write the entry, marked pending; if that fails, remove it and report: no file of the
    project has been touched yet."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime())
    dirs = _missing_dirs(root, changes)
    folder = None
    try:
        folder = _new_entry_folder(root / JOURNAL)
        files = []
        for index, change in enumerate(changes):
            if change.before is not None:
                _write(folder / "before" / str(index), change.before, sync=False)
            status = "update" if change.status == "conflict" else change.status
            mode = _mode(root / change.path)
            files.append(
                FileRecord(change.path, status, digest(change.before), digest(change.after), mode)
            )
        if (folder / "before").is_dir():
            _sync(folder / "before")
        entry = Entry(folder, command, stamp, "pending", tuple(files), dirs, undoes)
        _save(entry)
    except OSError as error:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise ApplyError(
            f"Could not write scaffold's journal ({error.strerror or error}); nothing was written."
        ) from error
    return entry


def _new_entry_folder(journal: Path) -> Path:
    """The next entry's folder, made exclusively: of two runs that pick one number, one
    makes it and the other takes the next."""
    journal.mkdir(parents=True, exist_ok=True)
    number = max((int(p.name) for p in journal.iterdir() if p.name.isdigit()), default=0) + 1
    while True:
        folder = journal / f"{number:05d}"
        try:
            folder.mkdir()
        except FileExistsError:
            number += 1
            continue
        _sync(journal)
        return folder


def _missing_dirs(root: Path, changes: list[Change]) -> tuple[str, ...]:
    """The folders the changes need that do not exist yet, shallowest first."""
    missing: set[Path] = set()
    for change in changes:
        for parent in (root / change.path).parents:
            if parent.exists():
                break
            missing.add(parent)
    return tuple(str(p.relative_to(root)) for p in sorted(missing, key=lambda p: len(p.parts)))


def _mode(path: Path) -> int | None:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return None


def _save(entry: Entry) -> None:
    manifest = {
        "command": entry.command,
        "created": entry.created,
        "state": entry.state,
        "undoes": entry.undoes,
        "dirs": list(entry.dirs),
        "files": [record.__dict__ for record in entry.files],
    }
    _write(entry.folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")


def _load(folder: Path) -> Entry | None:
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
        files = tuple(FileRecord(**record) for record in data["files"])
        return Entry(
            folder, data["command"], data["created"], data["state"], files,
            tuple(data.get("dirs", ())), data.get("undoes"),
        )  # fmt: skip
    except (ValueError, KeyError, TypeError):
        return None  # not a manifest scaffold wrote: leave the folder alone


def _set_state(entry: Entry, state: str) -> None:
    _save(Entry(**{**entry.__dict__, "state": state}))


def _write(path: Path, content: str | None, mode: int | None = None, *, sync: bool = True) -> None:
    """Write through a temporary file and a rename, so a file is never half written; then
    sync its folder (unless the caller syncs the folders of a batch: `sync=False`)."""
    if content is None:
        path.unlink(missing_ok=True)
    else:
        _replace(path, content, mode)
    if sync:
        _sync(path.parent)


def _replace(path: Path, content: str, mode: int | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}{TEMPORARY}")
    mode = _mode(path) if mode is None else mode
    try:
        with open(temporary, "wb") as handle:
            handle.write(content.encode("utf-8", "surrogateescape"))
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _sync_folders(root: Path, files: Iterable[Change | FileRecord]) -> None:
    """Sync each folder that holds one of `files`, and the folders above it that the apply
    made, so that the renames and unlinks are on disk."""
    folders = {(root / f.path).parent for f in files}
    above = {p for f in folders for p in f.parents if p == root or root in p.parents}
    for folder in sorted(folders | above):
        if folder.is_dir():
            _sync(folder)


def _sync(folder: Path) -> None:
    """fsync a folder: its entries (a rename, a new file) survive a power cut."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)

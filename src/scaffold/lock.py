"""One scaffold run at a time in an app: `.scaffold/lock`, held from the recovery of an
interrupted run to the end of the apply.

The lock is the operating system's (`flock`) on that file, so it dies with its process: a
lock left by a process that was killed is free at once, whatever became of its pid (reused or
not), and of two runs that find it so, the kernel lets exactly one take it. The file holds the
holder's pid and command, for the message of a run that finds it taken, and is removed when
the lock is released (a run that opened it just before checks, once it holds a lock, that it
holds the file the path names: if not, it tries again).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from scaffold.errors import ScaffoldError

LOCK = Path(".scaffold") / "lock"

# The roots this process holds, with how many times over: the CLI holds the lock for the
# whole run and the apply takes it again (for `scaffold new`, whose folder appears then).
_held: dict[Path, int] = {}


class Locked(ScaffoldError):
    """Another run holds the app's lock."""

    def __init__(self, *, path: Path, holder: str) -> None:
        who = f"process {holder}" if holder else "another process"
        super().__init__(
            f"Another scaffold run ({who}) is working in this app ({path} is locked). Wait "
            "for it to finish, then run the command again."
        )


@contextlib.contextmanager
def held(root: Path, command: str = "scaffold") -> Iterator[None]:
    """Hold the app's lock while the block runs; raise `Locked` at once if another run holds
    it. Folders this makes for the lock (the app's own, for `scaffold new`) are removed
    after, if nothing else was written in them."""
    key = Path(os.path.abspath(root))
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    made: list[Path] = []
    try:
        made = _make_folders(key / LOCK.parent)
        handle = _acquire(key / LOCK, command)
    except BaseException as error:
        _remove_empty(made)
        if isinstance(error, OSError):
            raise ScaffoldError(
                f"Could not take scaffold's lock, {key / LOCK} ({error.strerror or error}); "
                "nothing was written."
            ) from None
        raise
    _held[key] = 1
    try:
        yield
    finally:
        del _held[key]
        (key / LOCK).unlink(missing_ok=True)
        os.close(handle)
        _remove_empty(made)


def _acquire(path: Path, command: str) -> int:
    """A descriptor of `path` holding its lock, with this process written in it."""
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(handle, 200).decode("utf-8", "replace").strip()
            os.close(handle)
            raise Locked(path=path, holder=holder) from None
        if _is_current(handle, path):
            os.ftruncate(handle, 0)
            os.write(handle, f"{os.getpid()} ({command})\n".encode())
            return handle
        os.close(handle)  # released and removed between our open and our lock: again


def _is_current(handle: int, path: Path) -> bool:
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(handle)
    return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)


def _make_folders(folder: Path) -> list[Path]:
    """Make `folder` and its missing parents; return those made, deepest first."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):  # not empty: the run wrote there
            folder.rmdir()

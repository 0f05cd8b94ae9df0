"""The staged project: every read and write of a run goes through it.

Reads see staged content first, then disk. Creates, updates and deletes are only staged;
`scaffold.run` shows them, asks, and writes them all at once. Installers also report
notices, warnings, issues (which block the write), data losses (changes that lose the user's
data once applied: shown apart, and never written on --yes alone) and tasks (commands run
after it), and may ask the user yes/no questions.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

from scaffold import import_order, line_endings
from scaffold.errors import NotText, ProjectNotFound, ScaffoldError, UnsafePath
from scaffold.patchers import PatchError

if TYPE_CHECKING:
    from scaffold.declare import Installer
    from scaffold.patchers.python import Edit

Status = Literal["create", "update", "delete", "conflict"]
OnExists = Literal["conflict", "skip", "overwrite"]
TextEdit = Callable[[str], "str | PatchError"]


@dataclass(frozen=True)
class Task:
    """A command run after a successful write, from `cwd` relative to the project root."""

    description: str
    command: tuple[str, ...]
    cwd: str = "."


@dataclass(frozen=True)
class Change:
    """One file's pending change. `before` is what was read from disk (None: absent);
    `mode`, the permissions of a file it creates (None: the usual ones)."""

    path: str
    status: Status
    before: str | None
    after: str | None
    mode: int | None = None
    note: str | None = None  # a conflict's: what clashes


@dataclass(frozen=True)
class Conflict:
    """A staged change that overwrites something of the user's: settled by asking, or by
    --force (`overwrite`) and --skip (`keep`, which stages `kept`: None leaves the file as it
    is)."""

    kept: str | None = None
    what: str = "exists with other content"
    overwrite: str = "overwrite it"
    keep: str = "keep it"


@dataclass(frozen=True)
class DataLoss:
    """What the change staged for `path` loses once applied: a migration that drops a
    column, say (`what`: "posts.bio is dropped, with its data", no full stop); `advice`, how
    to keep it."""

    path: str
    what: str
    advice: str = ""


@dataclass(frozen=True)
class Reads:
    """What a run read from disk: each file's content (None: absent) and each folder's list
    of files. The apply checks that all of it is still so."""

    files: dict[str, str | None]
    folders: dict[str, tuple[str, ...]]


def read_text(path: Path) -> str | None:
    """A file's exact content (undecodable bytes survive a round trip), or None if absent."""
    try:
        return path.read_bytes().decode("utf-8", "surrogateescape")
    except FileNotFoundError:
        return None


def file_names(path: Path) -> tuple[str, ...]:
    """The names of the files in the folder `path` (none when it is not a folder), sorted."""
    return tuple(sorted(p.name for p in path.iterdir() if p.is_file())) if path.is_dir() else ()


def link_in(root: Path, key: str) -> Path | None:
    """The first part of `root/key` below `root` that is a symbolic link, if any."""
    path = root
    for part in PurePosixPath(key).parts:
        path = path / part
        if path.is_symlink():
            return path
    return None


def now() -> datetime:
    """The time a run stages with: SOURCE_DATE_EPOCH (in UTC) when set, the convention of
    reproducible builds, so that a dry run and the real run can name files alike."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).replace(tzinfo=None)
    return datetime.now()


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` whose pyproject.toml has [tool.scaffold]."""
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        text = read_text(pyproject)
        if text is not None and "scaffold" in _tool_tables(text, pyproject):
            return folder
    raise ProjectNotFound(start=str(start))


def find_journal_root(start: Path) -> Path:
    """The nearest folder at or above `start` where scaffold has written (has a journal)."""
    for folder in (start, *start.parents):
        if (folder / ".scaffold" / "journal").is_dir():
            return folder
    raise ScaffoldError(f"scaffold has written nothing in {start} or any folder above it.")


def find_package_root(start: Path) -> Path:
    """The nearest folder at or above `start` with a pyproject.toml."""
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    raise ScaffoldError(
        f"No pyproject.toml in {start} or any folder above it: run this in a Python package."
    )


def _tool_tables(text: str, where: Path | str) -> dict[str, Any]:
    try:
        return tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError as error:
        raise ScaffoldError(f"{where} is not valid TOML: {error}") from None


class Project:
    """A staged view of the files under `root`.

    `force` is whether the run was given --force (installers that regenerate what exists,
    like `gen resource`, read it); `clock` gives the run's time, read once (`now`); `ask`
    puts a yes/no question to the user (None: no one is asked, and the answer is no)."""

    def __init__(
        self,
        root: Path,
        *,
        load: Callable[[str], Installer] | None = None,
        force: bool = False,
        clock: Callable[[], datetime] = now,
        ask: Callable[[str], bool] | None = None,
    ) -> None:
        self.root = Path(root)
        self.force = force
        self.notices: list[str] = []
        self.warnings: list[str] = []
        self.issues: list[str] = []
        self.tasks: list[Task] = []
        self.data_losses: list[DataLoss] = []
        self.asker = ask
        self._disk: dict[str, str | None] = {}
        self._listed: dict[str, tuple[str, ...]] = {}
        self._staged: dict[str, str | None] = {}
        self._modes: dict[str, int] = {}
        self._conflicts: dict[str, Conflict] = {}
        self._ran: dict[str, dict[str, Any]] = {}
        self._load = load
        self._clock = clock
        self._now: datetime | None = None

    def now(self) -> datetime:
        """The run's time: the same for everything it stages."""
        if self._now is None:
            self._now = self._clock()
        return self._now

    # Reading ---------------------------------------------------------------------------

    def read(self, path: str) -> str | None:
        """The file's content as this run sees it: staged if staged, else on disk."""
        key = _key(path)
        if key in self._staged:
            return self._staged[key]
        return self._original(key)

    def exists(self, path: str) -> bool:
        return self.read(path) is not None

    def list_files(self, folder: str) -> list[str]:
        """The paths of the files directly in `folder` as this run sees them, sorted."""
        prefix = _key(folder) + "/"
        found = {prefix + name for name in self._listing(prefix[:-1])}
        for key, content in self._staged.items():
            if key.startswith(prefix) and "/" not in key[len(prefix) :]:
                (found.add if content is not None else found.discard)(key)
        return sorted(found)

    def config(self) -> dict[str, Any]:
        """The [tool.scaffold] table of the project's pyproject.toml."""
        text = self.read("pyproject.toml")
        return _tool_tables(text, "pyproject.toml").get("scaffold", {}) if text else {}

    @property
    def app(self) -> str:
        """The app's Python package, from [tool.scaffold] `app`."""
        name = self.config().get("app")
        if not isinstance(name, str) or not name:
            raise ScaffoldError(
                f"{self.root / 'pyproject.toml'}: [tool.scaffold] has no `app` "
                '(the app\'s package name). Add a line such as: app = "my_app"'
            )
        return name

    def _original(self, key: str) -> str | None:
        if key not in self._disk:
            self._refuse_link(key)
            try:
                data = (self.root / key).read_bytes()
            except FileNotFoundError:
                self._disk[key] = None
                return None
            try:
                self._disk[key] = data.decode("utf-8")
            except UnicodeDecodeError as error:
                raise NotText(path=key, data=data, error=error) from None
        return self._disk[key]

    def _listing(self, folder: str) -> list[str]:
        """The names of the files in `folder` on disk."""
        if folder not in self._listed:
            self._refuse_link(folder)
            self._listed[folder] = file_names(self.root / folder)
        return list(self._listed[folder])

    def _refuse_link(self, key: str) -> None:
        link = link_in(self.root, key)
        if link is not None:
            raise UnsafePath(path=link.relative_to(self.root).as_posix(), target=link.readlink())

    def reads(self) -> Reads:
        """Everything this run has read from disk so far."""
        return Reads(dict(self._disk), dict(self._listed))

    # Staging ---------------------------------------------------------------------------

    def create_file(
        self, path: str, content: str, *, on_exists: OnExists = "conflict", mode: int | None = None
    ) -> None:
        """Create `path`. Over a file with other content: a conflict the run resolves
        (per file, or by --force/--skip), unless `on_exists` says to skip or overwrite.
        `mode`: the permissions of a file this creates (0o755 for a script, say)."""
        key = _key(path)
        if mode is not None:
            self._modes[key] = mode
        current = self.read(key)
        if current is None or current == content:
            self._stage(key, content)
        elif key in self._staged and key not in self._conflicts:
            self.issue(f"{key}: two installers of this run create it with different content.")
        elif on_exists == "overwrite":
            self._stage(key, content)
        elif on_exists == "conflict":
            self.conflict(key, content)

    def conflict(self, path: str, content: str, how: Conflict = Conflict()) -> None:
        """Stage `content` for `path` as a conflict, which the run settles (see Conflict)."""
        key = _key(path)
        self._stage(key, content)
        self._conflicts[key] = how

    def update_file(self, path: str, edit: TextEdit) -> bool:
        """Stage `edit(content)` for an existing file. A PatchError becomes an issue, and so
        does an exception (a bug, but one that must not lose the run's other messages).

        The edit sees `\n` line endings only; each line keeps its own ending after it."""
        key = _key(path)
        content = self.read(key)
        if content is None:
            self.issue(f"{key}: file not found; scaffold needs it to make this change.")
            return False
        try:
            result = edit(line_endings.to_lf(content))
        except ScaffoldError:
            raise
        except Exception as error:
            self.issue(
                f"{key}: the edit failed with {type(error).__name__}: {error}. This is a bug "
                "(of scaffold or of the installer); please report it with this message."
            )
            return False
        if isinstance(result, PatchError):
            self.issue(result.describe(key))
            return False
        self._stage(key, line_endings.restore(content, result))
        return True

    def patch_python(self, path: str, *edits: Edit) -> bool:
        """Apply LibCST edits to a Python file in one parse (see scaffold.patchers.python)."""
        from scaffold.patchers.python import apply_edits

        return self.update_file(path, lambda source: apply_edits(source, edits))

    def add_dependency(self, requirement: str, *, extra: str | None = None) -> bool:
        """Add a requirement to pyproject.toml's dependencies (or to an optional extra)."""
        from scaffold.patchers.toml import add_dependency

        return self.update_file("pyproject.toml", lambda t: add_dependency(t, requirement, extra))

    def insert_at_marker(self, path: str, marker: str, content: str) -> bool:
        """Insert `content` before the line holding `marker` (see scaffold.patchers.text)."""
        from scaffold.patchers.text import insert_at_marker

        return self.update_file(path, lambda text: insert_at_marker(text, marker, content))

    def set_config(self, key: str, value: Any) -> bool:
        """Set a key of [tool.scaffold] in pyproject.toml."""
        from scaffold.patchers.toml import set_tool_config

        return self.update_file("pyproject.toml", lambda text: set_tool_config(text, key, value))

    def delete_file(self, path: str) -> None:
        key = _key(path)
        if self.read(key) is not None:
            self._stage(key, None)

    def _stage(self, key: str, content: str | None) -> None:
        self._original(key)  # remember what disk held, to detect edits made meanwhile
        self._staged[key] = content
        self._conflicts.pop(key, None)

    # Messages and tasks ----------------------------------------------------------------

    def notice(self, message: str) -> None:
        self.notices.append(message)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def issue(self, message: str) -> None:
        """A problem that stops the run: nothing is written when any issue is reported."""
        self.issues.append(message)

    def data_loss(self, path: str, what: str, advice: str = "") -> None:
        """Say that the change staged for `path` loses data once applied (`what` goes;
        `advice`: how to keep it). The run shows it apart from the preview, --check reports
        it, and it is written only on an explicit yes: at the prompt, or --accept-data-loss
        beside --yes."""
        loss = DataLoss(_key(path), what, advice)
        if loss not in self.data_losses:
            self.data_losses.append(loss)

    def ask(self, question: str) -> bool:
        """Ask the user `question` (yes/no; no unless they say yes). Under --yes or --check,
        and in tests, no one is asked and the answer is no: an installer asks only what it
        can do without (an option, such as `gen migration --rename`, answers instead)."""
        return self.asker is not None and self.asker(question)

    def add_task(self, description: str, *command: str, cwd: str = ".") -> None:
        task = Task(description, command, cwd)
        if task not in self.tasks:
            self.tasks.append(task)

    # Composition -----------------------------------------------------------------------

    def compose(self, name: str, /, **options: Any) -> None:
        """Run installer `name` once per run with validated options; a later call with the
        same or no options does nothing, one with other options is an issue."""
        if name not in self._ran:
            self.apply(self._loader()(name), **options)
        elif options and {**self._ran[name], **options} != self._ran[name]:
            self.issue(f"Installer `{name}` already ran in this run with other options.")

    def apply(self, installer: Installer, /, **options: Any) -> None:
        """Run an installer object (`compose` finds one by name): validated, once."""
        if installer.name in self._ran:
            self.compose(installer.name, **options)
            return
        values = installer.validate(options)
        self._ran[installer.name] = values
        with import_order.using(self._import_settings()):
            installer(self, values)

    def _import_settings(self) -> import_order.Settings:
        """How the app's ruff sorts imports, from its pyproject.toml as this run sees it."""
        settings = import_order.Settings.of(self.read("pyproject.toml"))
        if settings.ignored:
            warning = (
                "Your [tool.ruff] isort settings "
                + ", ".join(f"`{name}`" for name in settings.ignored)
                + " are not followed by scaffold's imports; `ruff check --fix` sorts them."
            )
            if warning not in self.warnings:
                self.warn(warning)
        return settings

    def has_run(self, name: str) -> bool:
        return name in self._ran

    def _loader(self) -> Callable[[str], Installer]:
        if self._load is None:
            from scaffold.registry import load

            return load
        return self._load

    # Results ---------------------------------------------------------------------------

    def changes(self) -> list[Change]:
        """Every pending change, by path. Content staged back to what disk holds is none."""
        found = []
        for key in sorted(self._staged):
            before, after = self._disk[key], self._staged[key]
            if before != after:
                status = self._status(key, before, after)
                mode = self._modes.get(key) if after is not None else None
                note = self._conflicts[key].what if status == "conflict" else None
                found.append(Change(key, status, before, after, mode, note))
        return found

    def _status(self, key: str, before: str | None, after: str | None) -> Status:
        if before is None:
            return "create"
        if after is None:
            return "delete"
        return "conflict" if key in self._conflicts else "update"

    def resolve(self, path: str, *, overwrite: bool) -> None:
        """Settle a conflict: overwrite the file, or keep it (as it is on disk, or as the
        conflict's `kept`)."""
        key = _key(path)
        settled = self._conflicts.pop(key, None)
        if overwrite:
            return
        if settled is not None and settled.kept is not None:
            self._staged[key] = settled.kept
        else:
            self._staged.pop(key, None)

    def conflicts(self) -> list[str]:
        return sorted(self._conflicts)

    def losses(self) -> list[DataLoss]:
        """The data losses of the changes still pending (a file kept as it is loses none)."""
        pending = {change.path for change in self.changes()}
        return [loss for loss in self.data_losses if loss.path in pending]

    def conflict_advice(self, path: str) -> str:
        """What a run without a terminal says about the conflict at `path`."""
        how = self._conflicts[_key(path)]
        return f"{path} {how.what}. Pass --force to {how.overwrite} or --skip to {how.keep}."


def _key(path: str | PurePosixPath) -> str:
    """A normalised path relative to the root; escaping the root is a bug, not input."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts:
        raise ValueError(f"path must stay inside the project: {path}")
    return pure.as_posix()

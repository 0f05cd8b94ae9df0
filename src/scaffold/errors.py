"""The errors scaffold reports to its user. `cli.main` is the one place that maps them to
exit codes; nothing here prints."""

from __future__ import annotations


class ScaffoldError(Exception):
    """A problem the user can fix. Shown as a message, never as a traceback."""

    exit_code = 2


class UsageError(ScaffoldError):
    """Bad input on the command line: a name, a type, an option."""


class ProjectNotFound(ScaffoldError):
    def __init__(self, *, start: str) -> None:
        super().__init__(
            f"No scaffold project found in {start} or any folder above it.\n"
            "A project is a folder whose pyproject.toml has a [tool.scaffold] table; "
            "run this command inside one, or create one with `scaffold new NAME`."
        )


class InstallerNotFound(ScaffoldError):
    def __init__(self, *, name: str, available: list[str]) -> None:
        known = ", ".join(sorted(available)) or "none"
        super().__init__(f"Unknown installer `{name}`. Available installers: {known}.")


class NotText(ScaffoldError):
    """A file scaffold needs is not UTF-8: refused, never rewritten in another encoding."""

    def __init__(self, *, path: str, data: bytes, error: UnicodeDecodeError) -> None:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        super().__init__(
            f"{path} is not UTF-8 text (byte 0x{byte:02x} on line {line}): scaffold reads and "
            "writes UTF-8 only, so it leaves the file alone and writes nothing. Convert it to "
            f"UTF-8 (from Latin-1: iconv -f latin1 -t utf-8), then run the command again."
        )


class UnsafePath(ScaffoldError):
    """A path of the run goes through a symbolic link."""

    def __init__(self, *, path: str, target: object) -> None:
        super().__init__(
            f"{path} is a symbolic link (to {target}): scaffold neither reads nor writes "
            "through links, so that nothing outside the app is changed and no link is "
            "replaced by a file. Nothing was written. Replace the link with the file or "
            "folder itself, or run scaffold where it points."
        )


class IssuesFound(ScaffoldError):
    """Installers reported issues: the run stops with nothing written."""

    def __init__(self, *, issues: list[str]) -> None:
        self.issues = issues
        noun = "issue" if len(issues) == 1 else "issues"
        super().__init__(f"{len(issues)} {noun} found; nothing was written.")


class ApplyError(ScaffoldError):
    """Writing the staged changes failed; every file already written was restored."""


class Declined(ScaffoldError):
    """The user (or the end of input) said no: nothing written."""

    exit_code = 1


class DataLossRefused(ScaffoldError):
    """--yes alone does not write a change that loses data."""

    def __init__(self) -> None:
        super().__init__(
            "These changes lose data (see above), which --yes alone does not accept; nothing "
            "was written. Pass --accept-data-loss as well, or run without --yes and answer y."
        )


class Interrupted(ScaffoldError):
    exit_code = 130

    def __init__(self, *, written: bool = False) -> None:
        super().__init__(
            "Interrupted while running the tasks. The files were written (`scaffold undo` "
            "takes them back); the tasks left must be run by hand."
            if written
            else "Interrupted; nothing was written."
        )

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


class Interrupted(ScaffoldError):
    exit_code = 130

    def __init__(self) -> None:
        super().__init__("Interrupted; nothing was written.")

"""Declaring an installer: a name, a summary, options, and a pure function of
(project, options). Built-in installers are declared exactly like third-party ones."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scaffold.errors import UsageError

if TYPE_CHECKING:
    from scaffold.project import Project

InstallerFunction = Callable[["Project", Mapping[str, Any]], None]


@dataclass(frozen=True)
class Option:
    """One option an installer accepts. `multiple` options take a list of values."""

    name: str
    default: Any = None
    help: str = ""
    choices: tuple[str, ...] | None = None
    multiple: bool = False
    required: bool = False

    def check(self, value: Any, installer: str) -> Any:
        values = list(value) if self.multiple else [value]
        if self.multiple and isinstance(value, str):
            values = [value]
        for item in values:
            if self.choices is not None and item not in self.choices:
                allowed = ", ".join(self.choices)
                raise UsageError(
                    f"Invalid value `{item}` for option `{self.name}` of installer "
                    f"`{installer}`; choose from: {allowed}."
                )
        return values if self.multiple else value


@dataclass(frozen=True)
class Installer:
    """An installer: `run(project, options)` stages changes on the project, nothing else."""

    name: str
    run: InstallerFunction
    summary: str = ""
    options: tuple[Option, ...] = field(default=())

    def validate(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Fill in defaults and check every given option; raise UsageError on a bad one."""
        known = {option.name: option for option in self.options}
        unknown = sorted(set(given) - set(known))
        if unknown:
            accepted = ", ".join(known) or "none"
            raise UsageError(
                f"Installer `{self.name}` has no option `{unknown[0]}` (it accepts: {accepted})."
            )
        missing = [name for name, option in known.items() if option.required and name not in given]
        if missing:
            raise UsageError(f"Installer `{self.name}` needs the option `{missing[0]}`.")
        return {
            name: option.check(given[name], self.name) if name in given else option.default
            for name, option in known.items()
        }

    def __call__(self, project: Project, options: Mapping[str, Any]) -> None:
        self.run(project, options)


def installer(
    name: str, *, summary: str = "", options: Sequence[Option] = ()
) -> Callable[[InstallerFunction], Installer]:
    """Turn `def install(project, options)` into an `Installer` named `name`."""

    def declare(function: InstallerFunction) -> Installer:
        return Installer(name=name, run=function, summary=summary, options=tuple(options))

    return declare

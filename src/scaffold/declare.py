"""Declaring an installer: a name, a summary, options, and a pure function of
(project, options). Built-in installers are declared exactly like third-party ones."""

from __future__ import annotations

import re
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

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def usage(self) -> str:
        """How it is written on the command line: `--db sqlite|postgres`, `--web/--no-web`."""
        if isinstance(self.default, bool):
            return f"{self.flag}/--no-{self.flag[2:]}"
        return f"{self.flag} {'|'.join(self.choices) if self.choices else 'VALUE'}"

    def explanation(self) -> str:
        """Its help, then what it accepts: required, repeatable, its default."""
        notes = [self.help] if self.help else []
        if self.required:
            notes.append("Required.")
        if self.multiple:
            notes.append("Repeat it for several values.")
        if isinstance(self.default, bool):
            notes.append(f"Default: {self.flag if self.default else '--no-' + self.flag[2:]}.")
        elif self.default not in (None, [], ()):
            shown = self.default if isinstance(self.default, str) else ", ".join(self.default)
            notes.append(f"Default: {shown}.")
        return " ".join(notes)

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
class Upgrader:
    """A change for apps that ran the installer at a version older than `before`."""

    before: str
    run: InstallerFunction
    summary: str = ""

    def applies_to(self, version: str) -> bool:
        return _version_key(version) < _version_key(self.before)


def _version_key(version: str) -> tuple[int, ...]:
    """`1.10.2` -> (1, 10, 2); what follows the numbers is ignored (`1.2rc1` -> (1, 2))."""
    numbers = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(n) for n in numbers[0].split(".")) if numbers else (0,)


@dataclass(frozen=True)
class Installer:
    """An installer: `run(project, options)` stages changes on the project, nothing else."""

    name: str
    run: InstallerFunction
    summary: str = ""
    options: tuple[Option, ...] = field(default=())
    upgraders: tuple[Upgrader, ...] = field(default=())

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

    def describe_options(self, indent: int = 2) -> list[str]:
        """A line for each option (its usage, then its explanation), for --help and list."""
        width = max((len(option.usage()) for option in self.options), default=0)
        pad = " " * indent
        return [f"{pad}{o.usage():<{width}}  {o.explanation()}".rstrip() for o in self.options]


def installer(
    name: str,
    *,
    summary: str = "",
    options: Sequence[Option] = (),
    upgraders: Sequence[Upgrader] = (),
) -> Callable[[InstallerFunction], Installer]:
    """Turn `def install(project, options)` into an `Installer` named `name`. `upgraders`
    are what `scaffold upgrade` runs in apps that installed an older version."""

    def declare(function: InstallerFunction) -> Installer:
        return Installer(name, function, summary, tuple(options), tuple(upgraders))

    return declare


def parse_arguments(installer: Installer, args: Sequence[str]) -> dict[str, Any]:
    """Command-line words (`--strategy password --no-web --table=posts`) as the options of
    `installer`; `--name` is option `name`, dashes standing for underscores."""
    by_flag = {"--" + option.name.replace("_", "-"): option for option in installer.options}
    given: dict[str, Any] = {}
    words = list(args)
    while words:
        word = words.pop(0)
        flag, equals, value = word.partition("=")
        negated = flag.startswith("--no-") and f"--{flag[5:]}" in by_flag
        option = by_flag.get(f"--{flag[5:]}" if negated else flag)
        if option is None:
            raise UsageError(_unknown(installer, word, by_flag))
        if isinstance(option.default, bool):
            given[option.name] = not negated
            continue
        if not equals:
            if not words or words[0].startswith("--"):
                raise UsageError(f"Option {flag} of installer `{installer.name}` needs a value.")
            value = words.pop(0)
        if option.multiple:
            given.setdefault(option.name, []).append(value)
        else:
            given[option.name] = value
    return given


def _unknown(installer: Installer, word: str, by_flag: Mapping[str, Option]) -> str:
    if not word.startswith("--"):
        return f"Unexpected argument `{word}` for installer `{installer.name}`."
    accepted = ", ".join(by_flag) or "none"
    return f"Installer `{installer.name}` has no option {word} (it accepts: {accepted})."

"""Installers that packages provide: running one by name with its command-line options,
installing a package and then running its installers, and listing them all."""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

from scaffold.declare import parse_arguments
from scaffold.errors import ScaffoldError, UsageError
from scaffold.project import Project
from scaffold.registry import available, load, refresh
from scaffold.run import RunOptions

GENERATORS = {
    "new NAME": "A new app: pages, database, migrations, settings, tests.",
    "gen domain NAME": "A domain: a package grouping resources and their functions.",
    "gen resource Domain.Name ATTR...": "Model, migration, actions, pages, JSON API, tests.",
    "gen migration NAME": "A migration for what the models changed, offline.",
    "gen installer NAME": "An installer skeleton, with its test, for a package of yours.",
}

InProject = Callable[[Callable[[Project], None], RunOptions], int]


def run_installer(project: Project, name: str, args: Sequence[str]) -> None:
    """Compose installer `name` with options parsed from command-line words, and record
    its version in [tool.scaffold.installed] for `scaffold upgrade`."""
    project.compose(name, **parse_arguments(load(name), args))
    point = available()[name]
    installed = dict(project.config().get("installed", {}))
    installed[name] = point.dist.version if point.dist else "0"
    project.set_config("installed", installed)


def describe() -> str:
    """`scaffold list`: every installer with its summary, package and options, then the
    generators."""
    lines = ["Installers (scaffold install NAME [OPTIONS]):"]
    for name, point in sorted(available().items()):
        package = point.dist.name if point.dist else "?"
        try:
            found = load(name)
        except ScaffoldError as error:
            lines.append(f"  {name:<12} (broken: {error})  [{package}]")
            continue
        lines.append(f"  {name:<12} {found.summary}  [{package}]")
        lines += found.describe_options(indent=15)
    lines += ["", "Generators (scaffold COMMAND):"]
    lines += [f"  {usage:<34} {summary}" for usage, summary in GENERATORS.items()]
    return "\n".join(lines)


def installer_help(name: str) -> str:
    """What `scaffold install NAME --help` adds: the installer's own options."""
    if name not in available():
        return (
            f"`{name}` is not an installer here: `scaffold install {name}` would install it "
            "as a package, then run the installers it provides. `scaffold list` shows the "
            "installers there are."
        )
    try:
        found = load(name)
    except ScaffoldError as error:
        return str(error)
    lines = found.describe_options() or ["  (none)"]
    return "\n".join([f"Options of the installer `{name}` ({found.summary}):", *lines])


def install_package_then_run(
    requirement: str, args: Sequence[str], options: RunOptions, in_project: InProject
) -> int:
    """`scaffold install PKG`: add PKG to the app's dependencies and install it (one run,
    previewed), then run each installer it provides (one run each). A package pip cannot
    find is refused before anything is written."""
    requirement = _requirement(requirement)
    _refuse_if_not_found(requirement)
    before = set(available())

    def add(project: Project) -> None:
        project.add_dependency(requirement)
        pip = (sys.executable, "-m", "pip", "install", "--quiet", requirement)
        project.add_task(f"Install {requirement}", *pip)

    code = in_project(add, options)
    if code != 0 or options.dry_run or options.check:
        return code
    importlib.invalidate_caches()
    refresh()
    provided = sorted(set(available()) - before)
    if not provided:
        raise UsageError(
            f"{requirement} is installed, but it provides no scaffold installer (none in the "
            "`scaffold.installers` entry-point group), so there is nothing more to run."
        )
    for name in provided:
        code = in_project(lambda project, name=name: run_installer(project, name, args), options)
        if code != 0:
            return code
    return 0


def _refuse_if_not_found(requirement: str) -> None:
    """Ask pip whether it can find `requirement` (resolving only: nothing is installed), so
    that a mistyped name never reaches the app's dependencies."""
    if " @ " in requirement:
        return  # a folder of ours: _requirement found its pyproject.toml
    pip = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--no-deps"]
    result = subprocess.run([*pip, requirement], capture_output=True, text=True)
    if result.returncode != 0:
        said = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
        raise UsageError(
            f"pip cannot find the package `{requirement}`"
            + (f" ({said[0].removeprefix('ERROR: ')})" if said else "")
            + ". Nothing was written. Check its name (`scaffold list` shows the installers "
            "there are), or give the folder of a package."
        )


def _requirement(text: str) -> str:
    """A requirement for pip and pyproject: a package name, or `name @ file://...` for a
    local folder holding a package."""
    folder = Path(text)
    if not (folder / "pyproject.toml").is_file():
        if "/" in text or text.startswith("."):
            raise UsageError(f"{text} is not a folder with a pyproject.toml.")
        return text
    name = tomllib.loads((folder / "pyproject.toml").read_text("utf-8"))["project"]["name"]
    return f"{name} @ {folder.resolve().as_uri()}"

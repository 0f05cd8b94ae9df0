"""`installer`: the skeleton of an installer, with its test, in a package of yours.

Run in any Python package (a pyproject.toml with a [project] table): the installer goes in
`<package>/installers/<name>.py`, is declared in the `scaffold.installers` entry-point
group, and scaffold becomes a dependency of the package.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from scaffold import Option, Project, ScaffoldError, UsageError, installer
from scaffold.patchers.toml import add_entry_point

SKELETONS = Path(__file__).parent.parent / "skeletons" / "installer"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@installer(
    "installer",
    summary="An installer skeleton, with its test, in the Python package around you.",
    options=[Option("name", required=True, help="snake_case, e.g. hello_page.")],
)
def skeleton(project: Project, options: Mapping[str, Any]) -> None:
    name = options["name"]
    if not _NAME.match(name):
        raise UsageError(
            f"Invalid installer name `{name}`: use lowercase letters, digits and underscores."
        )
    module, folder = _package(project)
    context = {
        "name": name,
        "module": module,
        "route": name.replace("_", "-"),
        "title": name.replace("_", " ").capitalize(),
    }
    project.create_file(f"{folder}/installers/__init__.py", '"""scaffold installers."""\n')
    for path, template in (
        (f"{folder}/installers/{name}.py", "installer.py.jinja"),
        (f"tests/test_{name}_installer.py", "test_installer.py.jinja"),
    ):
        project.create_file(path, _render(template, context))
    value = f"{module}.installers.{name}:{name}"
    project.update_file(
        "pyproject.toml", lambda text: add_entry_point(text, "scaffold.installers", name, value)
    )
    project.add_dependency("scaffold")
    project.notice(
        f"Install the package (pip install -e .), then in an app: scaffold install {name}"
    )


def _package(project: Project) -> tuple[str, str]:
    """The package's import name and folder (src layout or flat)."""
    text = project.read("pyproject.toml") or ""
    name = tomllib.loads(text).get("project", {}).get("name")
    if not name:
        raise ScaffoldError("pyproject.toml has no [project] name: is this a Python package?")
    module = re.sub(r"[-.]+", "_", name).lower()
    for folder in (f"src/{module}", module):
        if project.exists(f"{folder}/__init__.py"):
            return module, folder
    raise ScaffoldError(f"Could not find the package `{module}` in src/{module} or ./{module}.")


def _render(template: str, context: Mapping[str, str]) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(SKELETONS), keep_trailing_newline=True
    )
    return environment.get_template(template).render(context)

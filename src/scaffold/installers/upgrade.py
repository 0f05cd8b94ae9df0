"""`upgrade`: bring an app up to this scaffold's base template, then run the upgraders of
the installers it ran at older versions.

A template file the user never edited is updated; one they edited and the template changed
too is a conflict, shown as a diff and asked about (or settled by --force/--skip); one they
deleted stays deleted. pyproject.toml, which every app edits, is merged instead: new
dependencies are added and the recorded version is bumped.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

import yaml

from scaffold import Project, __version__, baseline, installer
from scaffold.copier_template import render
from scaffold.installers.app import TEMPLATE
from scaffold.journal import digest
from scaffold.registry import available, load

ANSWERS = ".copier-answers.yml"
MERGED = "pyproject.toml"


@installer("upgrade", summary="Bring the app up to this scaffold's template and installers.")
def upgrade(project: Project, options: Mapping[str, Any]) -> None:
    answers = _answers(project)
    if answers is None:
        return
    files = render(TEMPLATE, {**answers, "scaffold_version": __version__})
    base = baseline.read(project)
    for path, content in files.items():
        if path == MERGED:
            _merge_pyproject(project, content)
        else:
            _take(project, path, content, base.get(path))
    for path in sorted(base.keys() - files.keys()):
        _retire(project, path, base[path])
    project.create_file(baseline.PATH, baseline.manifest(files, __version__), on_exists="overwrite")
    _run_upgraders(project)


def _answers(project: Project) -> dict[str, Any] | None:
    text = project.read(ANSWERS)
    if text is None:
        project.issue(f"{ANSWERS} is missing: scaffold records the app's answers there.")
        return None
    recorded = yaml.safe_load(text) or {}
    return {key: value for key, value in recorded.items() if not key.startswith("_")}


def _take(project: Project, path: str, content: str, base: str | None) -> None:
    current = project.read(path)
    if current == content:
        return
    if current is None and base is not None:
        project.notice(f"Left out {path}: you deleted it, and the template still has it.")
    elif current is not None and base is not None and digest(current) == base:
        project.create_file(path, content, on_exists="overwrite")  # untouched since written
    else:
        project.create_file(path, content)  # new, or edited on both sides: a conflict


def _retire(project: Project, path: str, base: str) -> None:
    """A file the template no longer has: removed if untouched, else kept with a notice."""
    current = project.read(path)
    if current is not None and digest(current) == base:
        project.delete_file(path)
    elif current is not None:
        project.notice(f"Kept {path}: the template dropped it, but you have edited it.")


def _merge_pyproject(project: Project, template: str) -> None:
    for requirement in tomllib.loads(template)["project"]["dependencies"]:
        project.add_dependency(requirement)
    project.set_config("scaffold_version", __version__)


def _run_upgraders(project: Project) -> None:
    """Each installer recorded in [tool.scaffold.installed] gets its upgraders for the
    version it ran at, and is recorded at its current version."""
    recorded: dict[str, str] = dict(project.config().get("installed", {}))
    points = available()
    for name, version in sorted(recorded.items()):
        if name not in points:
            project.warn(f"The installer `{name}` is not installed any more; skipped it.")
            continue
        for step in load(name).upgraders:
            if step.applies_to(version):
                step.run(project, {})
        recorded[name] = points[name].dist.version if points[name].dist else version
    if recorded:
        project.set_config("installed", recorded)

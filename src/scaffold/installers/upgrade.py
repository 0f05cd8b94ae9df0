"""`upgrade`: bring an app up to this scaffold's base template, then run the upgraders of
the installers it ran at older versions.

Only what the template changed since the app's files were written from it is applied, onto
each file as it is now: a three-way merge (scaffold.merge) of the template as last written
(kept in .scaffold/template.json), the file now, and the template now. So the same version is
"No changes", and the installers' and the user's edits stay. Lines both the template and the
file changed are a conflict, asked about (or settled by --force/--skip): the template's lines
there, or the file's; its other changes are made either way. A file the user deleted stays
deleted. pyproject.toml, which every app edits, is merged by meaning: new dependencies are
added and the recorded version is bumped.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

import yaml

from scaffold import Conflict, Project, __version__, baseline, installer
from scaffold.copier_template import render
from scaffold.installers.app import TEMPLATE
from scaffold.journal import digest
from scaffold.line_endings import restore, to_lf
from scaffold.merge import Merged, merge
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
    texts = baseline.texts(project)
    for path, content in files.items():
        if path == MERGED:
            _merge_pyproject(project, content)
        else:
            _take(project, path, content, _base_text(content, base.get(path), texts.get(path)))
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


def _base_text(content: str, base: str | None, text: str | None) -> str | None:
    """What the template held when the file was last written from it: kept in the app, or
    known to be `content` itself when the hash says so (an app made before texts were kept,
    at this template)."""
    if text is not None and digest(text) == base:
        return text
    return content if base is not None and digest(content) == base else None


def _take(project: Project, path: str, content: str, base: str | None) -> None:
    current = project.read(path)
    if current == content:
        return
    if current is None and base is not None:
        project.notice(f"Left out {path}: you deleted it, and the template still has it.")
    elif base == content:
        return  # the template did not change it since: the file is as you made it
    elif current is None or base is None:
        project.create_file(path, content)  # new; or no base to merge from: a conflict
    elif current == base:
        project.create_file(path, content, on_exists="overwrite")  # untouched since written
    else:
        _merge(project, path, current, merge(to_lf(base), to_lf(current), to_lf(content)))


def _merge(project: Project, path: str, current: str, merged: Merged) -> None:
    """Stage the template's changes merged into the file (each line keeping its ending);
    overlaps are a conflict."""
    text = restore(current, merged.text)
    if not merged.overlaps:
        project.create_file(path, text, on_exists="overwrite")
        return
    lines = ", ".join(str(overlap.line) for overlap in merged.overlaps)
    project.conflict(
        path,
        text,
        Conflict(
            kept=restore(current, merged.kept),
            what=f"has edits of yours where the template changed too (line {lines})",
            overwrite="take the template's lines there",
            keep="keep yours there (its other changes are made either way)",
        ),
    )


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

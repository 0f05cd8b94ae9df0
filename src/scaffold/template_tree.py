"""Folders of templates that mirror the app they render into, and staging what they render so
that generated files the user has not edited follow the generator when its options grow.

A template at `templates/<folder>/src/APP/web/login.py.jinja` renders to
`src/<app>/web/login.py`: a path part `APP` is the app's package, and `.jinja` is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from scaffold.project import Project
from scaffold.rendering import TEMPLATES, render

APP_PART = "APP"


def render_tree(folder: str, app: str, **context: Any) -> dict[str, str]:
    """Every template under `templates/<folder>`, rendered, by its path in the app."""
    root = TEMPLATES / folder
    files: dict[str, str] = {}
    for source in sorted(root.rglob("*.jinja")):
        relative = PurePosixPath(source.relative_to(root).as_posix())
        parts = [app if part == APP_PART else part for part in relative.parts]
        target = PurePosixPath(*parts).as_posix().removesuffix(".jinja")
        name = PurePosixPath(folder, relative).as_posix()
        files[target] = render(name, app=app, **context)
    return files


def stage_tree(project: Project, new: Mapping[str, str], old: Mapping[str, str]) -> None:
    """Stage the files of `new`, where `old` is what the same generator made before.

    - A file `old` did not have is created (a conflict if one with other content is there).
    - A file the generator makes as before is left as it is: it is the user's now.
    - A file the generator now makes differently is updated if the user never edited it (it
      is still what `old` holds); otherwise it is a conflict, shown as a diff and asked about.
    """
    for path, content in new.items():
        before = old.get(path)
        if before is None:
            project.create_file(path, content)
        elif content != before:
            on_disk = project.read(path)
            on_exists = "overwrite" if on_disk in (before, None) else "conflict"
            project.create_file(path, content, on_exists=on_exists)

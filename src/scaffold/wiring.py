"""Steps that installers share on the files every app has: settings, exports (models.py and a
domain's interface), and `.env.example`. Each is idempotent."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from scaffold.patchers.python import (
    AppendToList,
    Edit,
    EnsureClassAttribute,
    EnsureImport,
    WrapLongList,
)
from scaffold.project import Project

ENV_EXAMPLE = ".env.example"


def ensure_settings(project: Project, app: str, fields: Iterable[tuple[str, str]]) -> None:
    """Fields of the app's `Settings` class, each `(name, code)`; a field already there stays."""
    edits = [EnsureClassAttribute("Settings", name, code) for name, code in fields]
    project.patch_python(f"src/{app}/settings.py", *edits)


def ensure_exports(project: Project, path: str, names: Mapping[str, Iterable[str]]) -> None:
    """`from module import name` and `"name"` in `__all__`, for every name of every module."""
    app = project.app
    edits: list[Edit] = []
    for module, exported in names.items():
        for name in exported:
            edits.append(EnsureImport(module, name, first_party=frozenset({app})))
            edits.append(AppendToList("__all__", f'"{name}"'))
    project.patch_python(path, *edits, WrapLongList("__all__"))


def ensure_env_block(project: Project, key: str, block: str) -> None:
    """Append `block` (commented-out variables, with their explanation) to `.env.example`,
    unless the file mentions `key` already, commented out or not."""
    if not project.exists(ENV_EXAMPLE):
        project.warn(f"{ENV_EXAMPLE} is missing, so it does not list these settings:\n{block}")
        return
    mentioned = re.compile(rf"^[ \t#]*(?:export[ \t]+)?{re.escape(key)}[ \t]*=", re.MULTILINE)

    def append(text: str) -> str:
        if mentioned.search(text):
            return text
        return text.rstrip("\n") + "\n\n" + block if text.strip() else block

    project.update_file(ENV_EXAMPLE, append)

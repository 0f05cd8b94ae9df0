"""What scaffold last wrote from the base template, kept in the app as
`.scaffold/template.json` (path -> SHA-256), so that `scaffold upgrade` can tell a file the
user never touched (safe to update) from one they edited (a conflict to ask about)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from scaffold.journal import digest
from scaffold.project import Project

PATH = ".scaffold/template.json"


def manifest(files: Mapping[str, str], version: str) -> str:
    hashes = {path: digest(content) for path, content in sorted(files.items())}
    return json.dumps({"scaffold_version": version, "files": hashes}, indent=2) + "\n"


def read(project: Project) -> dict[str, str]:
    """{path: hash} of the base template as last written; empty when unknown."""
    text = project.read(PATH)
    try:
        return dict(json.loads(text)["files"]) if text else {}
    except (ValueError, KeyError, TypeError):
        project.warn(f"{PATH} is not valid; every changed template file is treated as edited.")
        return {}

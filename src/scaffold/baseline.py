"""What scaffold last wrote from the base template, kept in the app as
`.scaffold/template.json`: each file's SHA-256 and its text (a list of lines, so that the
file's own diffs stay readable). `scaffold upgrade` merges what
the template changed since (from that text to the new one) into the file as it is now, so
the installers' and the user's edits stay. (Apps made before the texts were kept have the
hashes only: a file still as written can be updated, an edited one is a conflict.)"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from scaffold.journal import digest
from scaffold.line_endings import lines
from scaffold.project import Project

PATH = ".scaffold/template.json"


def manifest(files: Mapping[str, str], version: str) -> str:
    ordered = dict(sorted(files.items()))
    hashes = {path: digest(content) for path, content in ordered.items()}
    texts = {path: lines(content) for path, content in ordered.items()}
    data = {"scaffold_version": version, "files": hashes, "texts": texts}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read(project: Project) -> dict[str, str]:
    """{path: hash} of the base template as last written; empty when unknown."""
    return dict(_load(project).get("files", {}))


def texts(project: Project) -> dict[str, str]:
    """{path: text} of the base template as last written, where the app keeps it."""
    found = _load(project).get("texts", {})
    return {path: "".join(text) for path, text in found.items() if isinstance(text, list)}


def _load(project: Project) -> dict[str, Any]:
    text = project.read(PATH)
    try:
        data = json.loads(text) if text else {}
        if not isinstance(data, dict) or not isinstance(data.get("files", {}), dict):
            raise ValueError(PATH)
    except ValueError:
        project.warn(f"{PATH} is not valid; every changed template file is treated as edited.")
        return {}
    return data

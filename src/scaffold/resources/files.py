"""The files a resource owns, rendered from templates/resource: its model, pages, API and tests.
`--force` overwrites exactly these; every other file is only ever patched."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from scaffold import pysource
from scaffold.rendering import render
from scaffold.resources import model, samples, web
from scaffold.resources.spec import Resource

_PAGES = {
    "index": ("read",),
    "show": ("read",),
    "new": ("create",),
    "edit": ("update",),
    "_form": ("create", "update"),
    "delete": ("destroy",),
}


def context(r: Resource) -> dict[str, Any]:
    """What every resource template sees: the spec `r`, its code helpers, and the writers of
    source that stays within the line length."""
    return {
        "r": r,
        "m": model,
        "w": web,
        "s": samples,
        "assertion": pysource.assertion,
        "call": pysource.Call,
        "comprehension": pysource.comprehension,
        "line": pysource.line,
        "sig": pysource.signature,
        "text": pysource.text,
        "quote": pysource.quote,
        "quoted": pysource.quoted,
    }


def owned(r: Resource) -> dict[str, str]:
    """Every file of the resource, by path: the model first."""
    found = {r.model_path: _render("model.py.jinja", r)}
    if r.web:
        found[r.web_path] = _render("web.py.jinja", r)
        for page, actions in _PAGES.items():
            if r.can(*actions):
                path = f"src/{r.app}/web/templates/{r.templates_dir}/{page}.html"
                found[path] = _render(f"templates/{page}.html.jinja", r)
    if r.api:
        found[r.api_path] = _render("api.py.jinja", r)
    tests = {"actions": "", "pages": "_pages", "api": "_api"}
    for kind, suffix in tests.items():
        if kind == "actions" or getattr(r, "web" if kind == "pages" else "api"):
            found[f"{r.test_dir}/test_{r.var}{suffix}.py"] = _render(
                f"tests/test_{kind}.py.jinja", r
            )
    return found


def _render(template: str, r: Resource) -> str:
    return render(f"resource/{template}", brackets=True, **context(r))


def shared(r: Resource) -> dict[str, str]:
    """Files several resources use, made by the first that needs them and then the user's."""
    app = r.app
    found: dict[str, str] = {}
    if r.key_kind == "uuid7":
        found[f"src/{app}/ids.py"] = render("resource/app/ids.py.jinja")
    if r.web:
        found[f"src/{app}/web/forms.py"] = render("resource/app/forms.py.jinja")
        found[f"src/{app}/web/{r.domain}/__init__.py"] = _router(f"Pages of the {r.domain} domain.")
        found["tests/pages.py"] = render("resource/tests/pages.py.jinja")
    if r.api:
        found[f"src/{app}/api/__init__.py"] = '"""The JSON API, one package a domain."""\n'
        found[f"src/{app}/api/{r.domain}/__init__.py"] = _router(
            f"The JSON API of the {r.domain} domain."
        )
    return found


def imported_from(path: str, sources: Iterable[str]) -> set[str]:
    """The names that `sources` (Python modules) import from the module at `path`, a file of
    the app (src/APP/...) or of its tests."""
    parts = PurePosixPath(path).with_suffix("").parts
    parts = parts[1:] if parts[0] == "src" else parts
    module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    found: set[str] = set()
    for source in sources:
        if f"from {module} import" in source:
            for node in ast.parse(source).body:
                if isinstance(node, ast.ImportFrom) and node.module == module:
                    found |= {alias.name for alias in node.names}
    return found


def _router(docstring: str) -> str:
    """A domain's package of pages (or of API), whose router includes each resource's."""
    return f'"""{docstring}"""\n\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n'

"""Files rendered from Jinja2 templates: one template, or a folder of them that mirrors the app
it renders into; and staging what a folder renders, so that generated files the user has not
edited follow the generator when its options grow.

Templates come from scaffold's own folder (src/scaffold/templates) unless `templates` names
another: a third-party installer keeps its templates in its own package. Templates of files that
are Jinja2 themselves (the app's HTML pages) use `[[ ]]` and `[% %]` instead, so the app's own
`{{ }}` and `{% %}` pass through untouched.

A template at `<folder>/src/APP/web/login.py.jinja` renders to `src/<app>/web/login.py`: a path
part `APP` is the app's package, and `.jinja` is dropped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import jinja2

if TYPE_CHECKING:
    from scaffold.project import Project

TEMPLATES = Path(__file__).parent / "templates"
APP_PART = "APP"


def render(
    name: str, *, templates: Path = TEMPLATES, brackets: bool | None = None, **context: Any
) -> str:
    """Render `<templates>/<name>`; names ending in `.html.jinja` use the bracket syntax, as do
    others when `brackets` is true (Python source, whose braces would clash with `{{ }}`)."""
    use_brackets = name.endswith(".html.jinja") if brackets is None else brackets
    return _environment(templates, use_brackets).get_template(name).render(context)


def render_tree(
    folder: str, app: str, *, templates: Path = TEMPLATES, **context: Any
) -> dict[str, str]:
    """Every template under `<templates>/<folder>`, rendered with `app` and `context`, by its
    path in the app."""
    root = templates / folder
    files: dict[str, str] = {}
    for source in sorted(root.rglob("*.jinja")):
        relative = PurePosixPath(source.relative_to(root).as_posix())
        parts = [app if part == APP_PART else part for part in relative.parts]
        target = PurePosixPath(*parts).as_posix().removesuffix(".jinja")
        name = PurePosixPath(folder, relative).as_posix()
        files[target] = render(name, templates=templates, app=app, **context)
    return files


def stage_tree(project: Project, new: Mapping[str, str], old: Mapping[str, str]) -> None:
    """Stage the files of `new`, where `old` is what the same generator made before.

    - A file `old` did not have is created (a conflict if one with other content is there).
    - A file the generator makes as before is left as it is: it is the user's now.
    - A file the generator now makes differently is updated if the user never edited it (it
      is still what `old` holds, on disk or as staged earlier in this run); otherwise it is a
      conflict, shown as a diff and asked about.
    """
    for path, content in new.items():
        before = old.get(path)
        if before is None:
            project.create_file(path, content)
        elif content != before:
            if project.read(path) == before:
                project.update_file(path, lambda _, content=content: content)
            else:  # missing: made again; edited: a conflict
                project.create_file(path, content)


@cache
def _environment(templates: Path, brackets: bool) -> jinja2.Environment:
    syntax = (
        {
            "block_start_string": "[%",
            "block_end_string": "%]",
            "variable_start_string": "[[",
            "variable_end_string": "]]",
            "comment_start_string": "[#",
            "comment_end_string": "#]",
        }
        if brackets
        else {}
    )
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # these are source files, not pages served to a browser
        bytecode_cache=bytecode_cache(),
        **syntax,
    )
    environment.filters["sorted_imports"] = sorted_imports
    return environment


def sorted_imports(block: str) -> str:
    """The import statements of `block`, one isort section, in isort's order.

    For templates whose imports of the app's package and of `tests` share a section: which
    comes first depends on the app's name (`shop` before `tests`, `todo` after it)."""
    statements = re.split(r"\n(?=from |import )", block.strip("\n"))
    return "\n".join(sorted(statements, key=_module_key)) + "\n"


def _module_key(statement: str) -> tuple[bool, str, str]:
    """`import x` before `from x import y`, then by module: case-insensitive first. (Modules
    here are the app's and the tests', whose names differ before any run of digits.)"""
    kind, module = statement.split(maxsplit=2)[:2]
    return (kind == "from", module.lower(), module)


@cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (in the user's cache folder), so a run does not
    spend its time compiling the same templates again; None where that folder is not
    writable. Jinja checks each template's source before it trusts the cache."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "scaffold"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder), "jinja-%s.cache")

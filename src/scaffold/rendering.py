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

import ast
import hashlib
import os
import re
from collections.abc import Callable, Mapping, Set
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import jinja2

from scaffold import __version__, import_order

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
        bytecode_cache=bytecode_cache(_sorted_imports_filter),
        **syntax,
    )
    environment.filters["sorted_imports"] = _sorted_imports_filter
    return environment


def sorted_imports(block: str, first_party: Set[str] = frozenset()) -> str:
    """The import statements of `block` in isort's order (scaffold.import_order's), a blank
    line between sections; `first_party`: the app's packages.

    For templates whose imports of the app's package and of `tests` share a section: which
    comes first depends on the app's name (`shop` before `tests`, `todo` after it). As a
    template filter, the app's package and `tests` are first party."""
    statements = re.split(r"\n(?=from |import )", block.strip("\n"))
    return import_order.block((_statement_key(s, first_party), s) for s in statements) + "\n"


@jinja2.pass_context
def _sorted_imports_filter(context: jinja2.runtime.Context, block: str) -> str:
    app = context.get("app")
    return sorted_imports(block, frozenset({app, "tests"}) if app else frozenset())


def _statement_key(statement: str, first_party: Set[str]) -> import_order.Key:
    [node] = ast.parse(statement).body
    if isinstance(node, ast.Import):
        [alias] = node.names
        return import_order.statement_key(alias.name, first_party, asname=alias.asname)
    assert isinstance(node, ast.ImportFrom), statement
    module = "." * node.level + (node.module or "")
    names = [(alias.name, alias.asname) for alias in node.names if alias.name != "*"]
    return import_order.statement_key(module, first_party, names=names)


@cache
def bytecode_cache(*filters: Callable[..., Any]) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (in the user's cache folder), so a run does not
    spend its time compiling the same templates again; None where that folder is not
    writable. Jinja checks each template's source before it trusts the cache, but not how
    the environment's `filters` are called (with the context or not), which compiled code
    holds: so they, and scaffold's version, name the cache files."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "scaffold"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    calls = [(f.__name__, str(getattr(f, "jinja_pass_arg", ""))) for f in filters]
    tag = hashlib.sha256(repr((__version__, calls)).encode()).hexdigest()[:10]
    return jinja2.FileSystemBytecodeCache(str(folder), f"jinja-{tag}-%s.cache")

"""Rendering scaffold's own generator templates (src/scaffold/templates) with Jinja2.

Templates of files that are Jinja2 themselves (the app's HTML pages) use `[[ ]]` and
`[% %]` instead, so the app's own `{{ }}` and `{% %}` pass through untouched."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = Path(__file__).parent / "templates"


def render(name: str, *, brackets: bool | None = None, **context: Any) -> str:
    """Render `templates/<name>`; names ending in `.html.jinja` use the bracket syntax, as do
    others when `brackets` is true (Python source, whose braces would clash with `{{ }}`)."""
    use_brackets = name.endswith(".html.jinja") if brackets is None else brackets
    return _environment(use_brackets).get_template(name).render(context)


@cache
def _environment(brackets: bool) -> jinja2.Environment:
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
        loader=jinja2.FileSystemLoader(TEMPLATES),
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

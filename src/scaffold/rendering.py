"""Rendering scaffold's own generator templates (src/scaffold/templates) with Jinja2.

Templates of files that are Jinja2 themselves (the app's HTML pages) use `[[ ]]` and
`[% %]` instead, so the app's own `{{ }}` and `{% %}` pass through untouched."""

from __future__ import annotations

import os
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
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # these are source files, not pages served to a browser
        bytecode_cache=bytecode_cache(),
        **syntax,
    )


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

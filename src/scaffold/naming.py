"""Names: what a user may call an app, checked once, with a suggestion when it is wrong."""

from __future__ import annotations

import keyword
import re
import sys

from scaffold.errors import UsageError

_PACKAGE = re.compile(r"^[a-z_][a-z0-9_]*$")

# Names that would shadow the generated app's own dependencies or its folders.
_TAKEN = frozenset(
    {
        "alembic", "fastapi", "httpx", "itsdangerous", "jinja2", "migrations", "psycopg",
        "pydantic", "pydantic_settings", "pytest", "scaffold", "sqladmin", "sqlalchemy",
        "src", "starlette", "test", "tests", "uvicorn", "argon2",
    }
)  # fmt: skip


def suggest_package_name(name: str) -> str:
    """`My-App` -> `my_app`: what the user probably meant."""
    suggestion = re.sub(r"[^a-z0-9_]+", "_", name.strip().lower()).strip("_")
    if suggestion and suggestion[0].isdigit():
        suggestion = "app_" + suggestion
    return suggestion or "my_app"


def check_app_name(name: str) -> str:
    """Return `name` when it can be the generated app's Python package; else raise UsageError."""
    problem = _package_name_problem(name)
    if problem:
        hint = suggest_package_name(name)
        tip = f" Try `{hint}`." if hint != name and not _package_name_problem(hint) else ""
        raise UsageError(f"Invalid app name `{name}`: {problem}.{tip}")
    return name


def _package_name_problem(name: str) -> str | None:
    if not name:
        return "it is empty"
    if name[0].isdigit():
        return "a Python package name cannot start with a digit"
    if not _PACKAGE.match(name):
        return "use lowercase letters, digits and underscores only (a Python package name)"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "it is a Python keyword"
    if name in sys.stdlib_module_names:
        return "it would shadow the standard library module of that name"
    if name in _TAKEN:
        return "it would shadow a package or folder the app depends on"
    return None

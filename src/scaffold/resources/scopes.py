"""Scopes: who the rows of a resource belong to. The app declares its scopes in
`[tool.scaffold.scopes.<name>]` (auth declares `user`), and `gen resource --scope NAME` reads
the one it is given from there, so an installer of another package can declare its own (an
organization, say) and the generated code follows it.

    [tool.scaffold.scopes.user]
    default = true                                      # gen resource uses it unless told
    owner = "Accounts.User"                             # the resource that owns the rows
    column = "user_id"                                  # the owner column of a scoped table
    owner_id = "scope.user.id"                          # the owner's id, from a `scope`
    scope = "shop.accounts.scope:Scope"                 # the scope's class
    page_scope = "shop.web.user_auth:AuthenticatedScope"  # what a page takes (signed in)
    api_scope = "shop.web.api_auth:ApiScope"            # what an API route takes
    tests = "tests.accounts.scopes"                     # make_scope, sign_in, bearer_headers
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from scaffold import UsageError
from scaffold.naming import ResourceName, parse_resource_name

CONFIG_KEY = "scopes"
NONE = "none"
KEYS = ("owner", "column", "owner_id", "scope", "page_scope", "api_scope", "tests")
_COLUMN = re.compile(r"^[a-z][a-z0-9_]*_id$")
_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
_MODULE = re.compile(r"^[A-Za-z_][\w.]*$")
_EXPRESSION = re.compile(r"^scope(\.[a-z_][a-z0-9_]*)+$")


@dataclass(frozen=True)
class Scope:
    """A scope as `[tool.scaffold.scopes.<name>]` declares it: what a scoped resource needs."""

    name: str
    owner: ResourceName
    column: str
    owner_id: str
    scope: tuple[str, str]  # (module, class)
    page_scope: tuple[str, str]
    api_scope: tuple[str, str]
    tests: str
    # Rows made before the resource was scoped have no owner, unless one was named for them.
    nullable: bool = False

    @property
    def relation(self) -> str:  # user: the relationship of the owner column user_id
        return self.column.removesuffix("_id")

    @property
    def cls(self) -> str:  # Scope
        return self.scope[1]

    @property
    def page_dependency(self) -> str:  # AuthenticatedScope
        return self.page_scope[1]

    @property
    def api_dependency(self) -> str:  # ApiScope
        return self.api_scope[1]

    def optional(self) -> Scope:
        return replace(self, nullable=True)


def declared(config: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The scopes `[tool.scaffold]` declares, by name (an unreadable table: UsageError)."""
    tables = config.get(CONFIG_KEY, {})
    if not isinstance(tables, Mapping) or not all(isinstance(t, Mapping) for t in tables.values()):
        raise UsageError(
            "pyproject.toml: [tool.scaffold.scopes] should hold one table a scope, e.g. "
            "[tool.scaffold.scopes.user]. Fix it by hand, then run the command again."
        )
    return dict(tables)


def owners(config: Mapping[str, Any]) -> frozenset[ResourceName]:
    """The resources that own the rows of scoped ones (Accounts.User): no page ever offers a
    list of their rows, which would tell every visitor who has an account."""
    found = set()
    for table in declared(config).values():
        owner = table.get("owner")
        if isinstance(owner, str):
            found.add(parse_resource_name(owner))
    return frozenset(found)


def owner_columns(config: Mapping[str, Any]) -> frozenset[str]:
    """The owner columns of the scopes (user_id): a model with one has rows that belong to
    someone, which no page lists to anyone else."""
    return frozenset(
        table["column"]
        for table in declared(config).values()
        if isinstance(table.get("column"), str)
    )


def choose(config: Mapping[str, Any], given: str | None) -> Scope | None:
    """The scope `--scope` names (None: the default one, if the app declares one), or None
    for a public resource. An unknown or malformed scope is bad input (UsageError)."""
    tables = declared(config)
    if given == NONE:
        return None
    if given is None:
        defaults = [name for name, table in tables.items() if table.get("default") is True]
        if len(defaults) > 1:
            raise UsageError(
                f"pyproject.toml: several scopes are the default ({', '.join(defaults)}): keep "
                "`default = true` in one [tool.scaffold.scopes.NAME] table, or pass --scope."
            )
        if not defaults:
            return None
        given = defaults[0]
    if given not in tables:
        known = ", ".join([*tables, NONE])
        why = "" if tables else " (`scaffold install auth` declares the `user` scope)"
        raise UsageError(f"Unknown scope `{given}`: this app has {known}{why}.")
    return _parse(given, tables[given])


def _parse(name: str, table: Mapping[str, Any]) -> Scope:
    where = f"pyproject.toml: [tool.scaffold.scopes.{name}]"
    missing = [key for key in KEYS if not isinstance(table.get(key), str)]
    if missing:
        raise UsageError(f"{where} has no `{missing[0]}`: it needs {', '.join(KEYS)}.")
    values = {key: table[key] for key in KEYS}
    checks = {
        "column": _COLUMN,
        "owner_id": _EXPRESSION,
        "scope": _PATH,
        "page_scope": _PATH,
        "api_scope": _PATH,
        "tests": _MODULE,
    }
    for key, pattern in checks.items():
        if not pattern.match(values[key]):
            raise UsageError(f"{where}: `{key} = {values[key]!r}` is not valid ({_SHAPES[key]}).")
    return Scope(
        name=name,
        owner=parse_resource_name(values["owner"]),
        column=values["column"],
        owner_id=values["owner_id"],
        scope=_split(values["scope"]),
        page_scope=_split(values["page_scope"]),
        api_scope=_split(values["api_scope"]),
        tests=values["tests"],
    )


_SHAPES = {
    "column": 'a column name ending in "_id", e.g. "user_id"',
    "owner_id": 'an attribute path from `scope`, e.g. "scope.user.id"',
    "scope": 'module:name, e.g. "my_app.accounts.scope:Scope"',
    "page_scope": 'module:name, e.g. "my_app.web.user_auth:AuthenticatedScope"',
    "api_scope": 'module:name, e.g. "my_app.web.api_auth:ApiScope"',
    "tests": 'a module of the tests, e.g. "tests.accounts.scopes"',
}


def _split(path: str) -> tuple[str, str]:
    module, _, name = path.partition(":")
    return module, name

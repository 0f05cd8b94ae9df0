"""A resource as the command describes it, parsed once: its names, attributes, key, actions
and where each of its files goes. Templates ask it; they never work names out themselves."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from scaffold import UsageError
from scaffold.naming import MAX_IDENTIFIER, ResourceName, parse_resource_name
from scaffold.resources.attributes import Attribute, parse_attributes
from scaffold.resources.keys import KEYS, Key, Target
from scaffold.resources.scopes import Scope
from scaffold.wiring import model_path

ACTIONS = ("create", "read", "update", "destroy")

# What the generated code calls a row (`post`) must not be a name that code uses for something
# else where rows are named: a resource named like one of these has its rows called
# `<domain>_<name>` instead (`support_request` for Support.Request). They are the names the app
# gives meaning to (Starlette's `request` and the template globals on every page, the test
# fixtures `session` and `client`, `sequence` in the factories, `date(...)` in test data)
# and the few locals of the generated code itself.
_ROW_TAKEN = frozenset(
    {
        "app_title", "changes", "choices", "client", "csrf_input", "date", "errors", "exc",
        "field_name", "flash", "form_token", "get_flashed_messages", "n", "overrides",
        "page_name", "problems", "render", "request", "resp", "scope", "sequence", "session",
        "stranger", "theirs", "url_for", "values",
    }
)  # fmt: skip
# Names the modules that import a resource's domain (its pages, API and tests) bind themselves,
# at the top or in the functions that use the domain: a domain by one of them would be shadowed.
_DOMAIN_TAKEN = _ROW_TAKEN | frozenset(
    {
        "confirm_delete", "create", "delete", "edit", "index", "limit", "new", "offset", "orm",
        "page_count", "page_number", "pytest", "router", "rows", "show", "update",
    }
)  # fmt: skip
# Modules and folders of the app (its own, or made by scaffold's installers) beside which a
# domain's package would go: src/APP/<domain>/, src/APP/web/<domain>/ and tests/<domain>/.
_FOLDERS = frozenset(
    {
        "admin", "conftest", "csrf", "dev_mailbox", "factories", "forms", "ids", "log_redaction",
        "mailer", "pages", "rate_limits", "redirects", "router", "templates", "templating",
        "user_auth", "users",  # web/users/: auth's pages, whose router web/router.py includes
    }
)  # fmt: skip
# Names the generated modules import unqualified where model classes are named too (the model
# module, a domain's factories, models.py): a model class by one of these names would clash.
# Everything else a model might be called (`Session`, `Field`, `Date`, `Text`...) is reached
# through its module there (`orm.Session`, `pydantic.Field`, `sa.Date`).
_IMPORTED = frozenset({"Base", "BaseModel", "ConfigDict", "Mapped", "UTC"})
_TABLE = re.compile(r"^[a-z_][a-z0-9_]*$")


def row_name(name: ResourceName) -> str:
    """What generated code calls one row of `name`: `post`, or `support_request` where the
    resource's own name is taken (see _ROW_TAKEN)."""
    return f"{name.domain_module}_{name.module}" if name.module in _ROW_TAKEN else name.module


@dataclass(frozen=True)
class Resource:
    """`Blog.Post title:string ...` with its options; `targets` are the referenced resources,
    read from their model files by the installer."""

    name: ResourceName
    app: str
    attributes: tuple[Attribute, ...]
    key_kind: str
    table: str
    timestamps: bool
    actions: tuple[str, ...]
    web: bool
    api: bool
    targets: Mapping[ResourceName, Target]
    # Who owns the rows (None: a public resource, anyone may read and change them).
    scope: Scope | None = None
    # Resources whose rows no page lists or shows (the scopes' owners: Accounts.User), so
    # that no visitor learns who has an account: references to them are set through the API.
    unlisted: frozenset[ResourceName] = frozenset()
    # The owner columns of the app's scopes (user_id): a model with one has owned rows.
    owner_columns: frozenset[str] = frozenset()

    # Names ------------------------------------------------------------------------------

    @property
    def cls(self) -> str:  # Post
        return self.name.name

    @property
    def var(self) -> str:  # post
        return self.name.module

    @property
    def row(self) -> str:  # post: what generated code calls one row (support_request...)
        return row_name(self.name)

    @property
    def plural(self) -> str:  # posts
        return self.name.plural

    @property
    def rows(self) -> str:  # posts: what generated code calls a list of rows
        # Notes.Note: `notes` is the domain's module, so the list is called otherwise.
        plural = self.name.plural
        return f"listed_{plural}" if plural == self.name.domain_module else plural

    @property
    def domain(self) -> str:  # blog
        return self.name.domain_module

    @property
    def route(self) -> str:  # /posts
        return self.name.route

    @property
    def human(self) -> str:  # post
        return self.name.human

    @property
    def title(self) -> str:  # Post
        return self.name.human.capitalize()

    @property
    def title_plural(self) -> str:  # Posts
        return self.name.human_plural.capitalize()

    @property
    def key(self) -> Key:
        return KEYS[self.key_kind]

    @property
    def model_module(self) -> str:  # my_app.blog.post
        return f"{self.app}.{self.domain}.{self.var}"

    def enum_class(self, attribute: Attribute) -> str:  # PostStatus
        return self.cls + "".join(part.capitalize() for part in attribute.name.split("_"))

    def target(self, attribute: Attribute) -> Target:
        assert attribute.target is not None
        return self.targets[attribute.target]

    def is_self(self, attribute: Attribute) -> bool:
        return attribute.target == self.name

    # Paths ------------------------------------------------------------------------------

    @property
    def model_path(self) -> str:
        return model_path(self.app, self.name)

    @property
    def web_path(self) -> str:
        return f"src/{self.app}/web/{self.domain}/{self.plural}.py"

    @property
    def api_path(self) -> str:
        return f"src/{self.app}/api/{self.domain}/{self.plural}.py"

    @property
    def templates_dir(self) -> str:  # as the app's templates name them
        return f"{self.domain}/{self.plural}"

    @property
    def test_dir(self) -> str:
        return f"tests/{self.domain}"

    # Attributes and actions -------------------------------------------------------------

    @cached_property
    def public(self) -> tuple[Attribute, ...]:
        """What create accepts and read returns: every attribute but the private ones."""
        return tuple(a for a in self.attributes if not a.private)

    @cached_property
    def on_pages(self) -> tuple[Attribute, ...]:
        """What the pages show and their forms take: the public attributes but references to
        rows a page may not list (users', or rows of someone else's)."""
        return tuple(a for a in self.public if not a.target or self._listable(a))

    def _listable(self, a: Attribute) -> bool:
        if a.target in self.unlisted:
            return False
        if not self._owned_rows(a):
            return True
        # The scope's own rows only, which the target's list function gives.
        plural = self.target(a).name.plural
        lists = (
            self.can("read")
            if self.is_self(a)
            else f"list_{plural}" in self.target(a).scoped_functions
        )
        return a in self.checked_references and lists

    def _owned_rows(self, a: Attribute) -> bool:
        """Whether the reference `a` points to rows that belong to someone."""
        if self.is_self(a):
            return self.scope is not None
        return bool(self.owner_columns & self.target(a).columns)

    @cached_property
    def checked_references(self) -> tuple[Attribute, ...]:
        """The references a scoped resource's functions check: to rows owned as its own are
        (its own, or another resource's by the same owner column), which must be the
        scope's too: another's is as good as missing."""
        if self.scope is None:
            return ()
        column = self.scope.column
        return tuple(
            a
            for a in self.public
            if a.target and (self.is_self(a) or column in self.target(a).columns)
        )

    @property
    def references(self) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if a.target)

    @cached_property
    def owner(self) -> Attribute | None:
        """The owner column of a scoped resource, as a reference (`user`, stored in user_id)."""
        if self.scope is None:
            return None
        scope = self.scope
        return Attribute(scope.relation, "references", not scope.nullable, target=scope.owner)

    @property
    def stored(self) -> tuple[Attribute, ...]:
        """Every column but the id and timestamps: the attributes, then the owner."""
        return self.attributes + ((self.owner,) if self.owner else ())

    @property
    def enums(self) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if a.type == "enum")

    @cached_property
    def label_attribute(self) -> Attribute | None:
        """The attribute a row is known by (its `__str__`): the first public string one."""
        return next((a for a in self.public if a.type == "string"), None)

    @property
    def may_conflict(self) -> bool:
        """Whether saving can break a constraint the schemas cannot check (unique, foreign)."""
        return any(a.unique or a.target for a in self.attributes)

    def can(self, *actions: str) -> bool:
        return any(action in self.actions for action in actions)

    @property
    def functions(self) -> tuple[str, ...]:
        """The domain functions generated for the chosen actions, in the order written."""
        names = {
            f"list_{self.plural}": self.can("read"),
            f"count_{self.plural}": self.can("read"),
            f"get_{self.var}": self.can("read", "update", "destroy"),
            f"create_{self.var}": self.can("create"),
            f"update_{self.var}": self.can("update"),
            f"delete_{self.var}": self.can("destroy"),
        }
        return tuple(name for name, wanted in names.items() if wanted)

    @property
    def exports(self) -> tuple[str, ...]:
        """What the domain's `__init__` exports from the model module."""
        enums = tuple(self.enum_class(a) for a in self.enums)
        schemas = (f"{self.cls}Create", f"{self.cls}Read", f"{self.cls}Update")
        return (self.cls, *enums, *schemas, *self.functions)


def parse(
    options: Mapping[str, Any],
    app: str,
    scope: Scope | None = None,
    unlisted: frozenset[ResourceName] = frozenset(),
    owner_columns: frozenset[str] = frozenset(),
) -> Resource:
    """The resource an installer's options describe, owned through `scope` (None: public);
    bad input raises UsageError."""
    name = parse_resource_name(options["name"])
    attributes = tuple(parse_attributes(list(options["attributes"])))
    actions = tuple(a for a in ACTIONS if a in options["actions"])
    if not actions:
        raise UsageError(f"--actions needs at least one of: {', '.join(ACTIONS)}.")
    table = options["table"] or name.table
    _check_table(table, chosen=bool(options["table"]))
    _check_names(name)
    for attribute in attributes:
        if attribute.target == name and attribute.required:
            raise UsageError(
                f"`{attribute.name}` is a required reference of {name} to itself, so the first "
                f"{name.human} could never be saved: drop `:required`."
            )
    _check_scoped(name, attributes, scope, unlisted, options["web"])
    return Resource(
        name=name,
        app=app,
        attributes=attributes,
        key_kind=options["primary_key"],
        table=table,
        timestamps=options["timestamps"],
        actions=actions,
        web=options["web"],
        api=options["api"],
        targets={},
        scope=scope,
        unlisted=unlisted,
        owner_columns=owner_columns,
    )


def _check_scoped(
    name: ResourceName,
    attributes: tuple[Attribute, ...],
    scope: Scope | None,
    unlisted: frozenset[ResourceName],
    web: bool,
) -> None:
    """Attributes that a scoped resource's owner would shadow, and references no page can set."""
    if scope is not None:
        for attribute in attributes:
            if {attribute.name, attribute.column} & {scope.relation, scope.column}:
                raise UsageError(
                    f"The attribute `{attribute.name}` of {name} would clash with its owner "
                    f"column `{scope.column}`: the rows of a resource scoped to {scope.name} "
                    f"belong to the signed-in {scope.relation}, stamped from the scope. Give the "
                    "attribute another name, or make the resource public with --scope none."
                )
    if not web:
        return
    for attribute in attributes:
        if attribute.target in unlisted and attribute.required:
            raise UsageError(
                f"`{attribute.name}:references:{attribute.target}:required`: no page lists the "
                f"rows of {attribute.target} (that would tell anyone who has an account), so "
                f"no form could set it. Drop `:required` (the API sets it by id), or pass "
                "--no-web. (A scoped resource's rows belong to the signed-in user already.)"
            )


def _check_names(name: ResourceName) -> None:
    """Names that would shadow one another in the generated code: a clear error instead."""
    domain = name.domain_module
    if domain == name.module:
        raise UsageError(
            f"Invalid resource name `{name}`: its generated code would use `{domain}` both for "
            f"the domain and for one {name.human}. Choose another name."
        )
    if domain in _FOLDERS:
        raise UsageError(
            f"Invalid resource name `{name}`: the {name.domain} domain's modules would go in "
            f"folders named `{domain}`, beside the app's own `{domain}` module. Choose another "
            "domain name."
        )
    if domain in _DOMAIN_TAKEN:
        raise UsageError(
            f"Invalid resource name `{name}`: the pages, API and tests of a resource use "
            f"`{domain}` for something else, so they could not also import the {name.domain} "
            "domain by that name. Choose another domain name."
        )
    if name.name in _IMPORTED:
        raise UsageError(
            f"Invalid resource name `{name}`: `{name.name}` is also a name its modules import "
            "(from SQLAlchemy, pydantic or the app's db module). Choose another name."
        )


def _check_table(table: str, *, chosen: bool) -> None:
    """A table name every database takes, that is not one of the tools' own."""
    problem = None
    if not _TABLE.match(table):
        problem = "use lowercase letters, digits and _"
    elif len(table) > MAX_IDENTIFIER:
        shorter = "Choose a shorter one" if chosen else "Pass a shorter one with --table"
        problem = (
            f"it is {len(table)} characters long, and PostgreSQL allows {MAX_IDENTIFIER} in a "
            f"name. {shorter}"
        )
    elif table == "alembic_version":
        problem = "Alembic records which migrations have run in the table of that name"
    elif table.startswith("sqlite_"):
        problem = "SQLite keeps the names that start with `sqlite_` for its own tables"
    if problem:
        raise UsageError(f"Invalid table name `{table}`: {problem}.")

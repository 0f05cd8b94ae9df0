"""`resource`: a model with its schemas and actions, the migration that creates its table,
pages, a JSON API and tests, wired into the app (`scaffold gen resource Blog.Post ...`).

What it reads: the files it changes, the model files of the resources it references, and the
migrations folder. Nothing else, so its cost does not grow with the project.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from scaffold import Option, Project, UsageError, installer, migrations
from scaffold.naming import ResourceName, snake
from scaffold.patchers.python import (
    BOM,
    AppendToList,
    Edit,
    EnsureFunction,
    EnsureImport,
    EnsureModuleStatement,
    RemoveFromList,
    RemoveImport,
    ReplaceFunction,
    WrapLongList,
)
from scaffold.rendering import render
from scaffold.resources import files, migration, samples, scopes, web
from scaffold.resources.keys import Target, read_target
from scaffold.resources.spec import ACTIONS, Resource, parse
from scaffold.wiring import domain_package, ensure_factories, factories_module

NAV_MARKER = "{# scaffold:nav #}"


@installer(
    "resource",
    summary="A resource: model, migration, actions, pages, JSON API and tests.",
    options=[
        Option("name", required=True, help="Domain.Resource, e.g. Blog.Post."),
        Option("attributes", default=[], multiple=True, help="name:type[:modifier...]"),
        Option("primary_key", default="uuid", choices=("uuid", "uuid7", "int")),
        Option("timestamps", default=True, help="inserted_at and updated_at columns."),
        Option("actions", default=list(ACTIONS), multiple=True, choices=ACTIONS),
        Option("table", default=None, help="The table's name (default: the plural)."),
        Option("web", default=True, help="HTML pages."),
        Option("api", default=True, help="A JSON API."),
        Option("admin", default=True, help="An admin view (once the admin is installed)."),
        Option(
            "scope",
            default=None,
            help="Who owns the rows: a scope of the app (`user` once auth is installed, the "
            "default then), or `none` for rows anyone may read and change.",
        ),
        Option(
            "owner",
            default=None,
            help="Scoping a resource that has rows: the email of the user they go to (else "
            "they have no owner, and only the admin shows them).",
        ),
    ],
)
def resource(project: Project, options: Mapping[str, Any]) -> None:
    config = project.config()
    scope = scopes.choose(config, options["scope"])
    r = parse(options, project.app, scope, scopes.owners(config), scopes.owner_columns(config))
    existing = project.read(r.model_path)
    email = _owner_email(options["owner"], r, existing)
    if r.scope and existing is not None and _optional_owner(existing, r.scope.column, email):
        r = replace(r, scope=r.scope.optional())  # rows made before have no owner
    targets = _targets(project, r)
    if targets is None:
        return
    r = replace(r, targets=targets)
    _refuse_a_second_class(project, r)
    owned = files.owned(r)
    if existing is None:
        _refuse_a_second_table(project, r)
    changed = existing is not None and existing != owned[r.model_path]
    if changed and not project.force:
        project.issue(_exists_message(r))
        return
    if not project.exists(domain_package(project, r.name.domain)):
        project.compose("domain", name=r.name.domain)
    _shared(project, r, owned, force=project.force)
    # Files of a resource made before are the user's: only --force overwrites them.
    on_exists = "overwrite" if project.force else "skip" if existing else "conflict"
    for path, content in owned.items():
        project.create_file(path, content, on_exists=on_exists)
    _wire(project, r, force=project.force)
    if options["admin"] and project.config().get("admin"):
        # After _wire: its test uses make_*. Forced, the view follows the regenerated model.
        project.compose("admin_view", name=str(r.name))
    _say_who_owns(project, r, options["scope"], config)
    if existing is None:
        upgrade, downgrade = migration.upgrade(r), migration.downgrade(r)
        migrations.add_revision(project, migration.message(r), upgrade, downgrade)
        project.notice(f"\n{r.name} is ready. Create its table with: alembic upgrade head")
    elif r.scope and not _has_owner(existing, r.scope.column):
        upgrade, downgrade = migration.add_owner(r, email), migration.drop_owner(r)
        migrations.add_revision(project, migration.owner_message(r), upgrade, downgrade)
        project.notice(_scoped_notice(project, r, email))
    elif changed:
        project.notice(
            f"\n{r.name}'s files were regenerated; its table was not changed. Write the migration "
            "for the new model with: scaffold gen migration NAME"
        )


def _targets(project: Project, r: Resource) -> dict[ResourceName, Target] | None:
    """The referenced resources, the owner's among them, read from their model files (None:
    an issue was reported)."""
    found: dict[ResourceName, Target] = {}
    for attribute in r.stored:
        name = attribute.target
        if name is None:
            continue
        if name == r.name:
            found[name] = Target(name, r.model_module, r.model_path, r.table, r.key)  # itself
        elif name not in found:
            target = read_target(project, name, needed_by=f"{r.name}.{attribute.name}")
            if target is None:
                return None
            found[name] = target
    return found


def _refuse_a_second_class(project: Project, r: Resource) -> None:
    """Model class names are app-wide (relationships and models.py name classes alone)."""
    source = project.read(f"src/{r.app}/models.py") or ""
    try:
        tree = ast.parse(source.removeprefix(BOM))
    except SyntaxError:
        return  # patching models.py reports it, with its line
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or node.module == r.model_module:
            continue
        if any(alias.name == r.cls for alias in node.names):
            raise UsageError(
                f"The app already has a model named {r.cls} (from {node.module}): "
                "SQLAlchemy finds related models by class name, so two models cannot share "
                f"one. Give {r.name} another name."
            )


def _shared(project: Project, r: Resource, owned: Mapping[str, str], *, force: bool) -> None:
    """The helper modules the resource's code imports (web/forms.py, tests/pages.py...). One
    that exists is the user's, and is kept if it defines what the code imports from it; if it
    lacks any of that, the app would not import: the run stops, unless --force replaces it."""
    for path, content in files.shared(r).items():
        current = project.read(path)
        if current is None or current == content:
            project.create_file(path, content)
            continue
        lacks = _lacks(current, files.imported_from(path, owned.values()), r)
        if lacks and force:
            project.create_file(path, content, on_exists="overwrite")
        elif lacks:
            project.issue(
                f"{path} exists, but {lacks}: that code would not import. Add what is missing "
                "(`--dry-run --force` shows the file as scaffold writes it), or pass --force to "
                "replace the file with scaffold's, then run the command again."
            )


def _lacks(source: str, wanted: set[str], r: Resource) -> str | None:
    """What a module lacks of the names `wanted` from it, in words (None: nothing)."""
    broken = None
    try:
        missing = sorted(wanted - _defined(source))
    except SyntaxError as error:
        missing, broken = sorted(wanted), error.lineno
    if not missing:
        return None
    names = ", ".join(f"`{name}`" for name in missing)
    if broken is not None:
        return f"is not valid Python (line {broken}), and the code of {r.name} imports {names}"
    return f"does not define {names}, which the code of {r.name} imports from it"


def _defined(source: str) -> set[str]:
    """The names a module binds at its top level (SyntaxError if it does not parse)."""
    found: set[str] = set()
    for statement in ast.parse(source.removeprefix(BOM)).body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(statement.name)
            continue
        for node in ast.walk(statement):  # also what `if`, `try` and `with` blocks bind
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                found.add(node.id)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                found |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return found


_CREATE_TABLE = re.compile(r"\bop\.create_table\(\s*['\"]([^'\"]+)['\"]")
_DROP_TABLE = re.compile(r"\bop\.drop_table\(\s*['\"]([^'\"]+)['\"]")


def _refuse_a_second_table(project: Project, r: Resource) -> None:
    """A new resource's table is not one the migrations already make (auth's `users`, say):
    two models cannot share a table. The migrations are read for their heads anyway."""
    count, where = 0, ""
    for path in project.list_files(migrations.VERSIONS):
        upgrade = (project.read(path) or "").partition("def downgrade")[0]
        made = _CREATE_TABLE.findall(upgrade).count(r.table)
        count += made - _DROP_TABLE.findall(upgrade).count(r.table)
        where = path if made else where
    if count > 0:
        raise UsageError(
            f"Invalid table name `{r.table}`: {where} already creates a table of that name, "
            "for another model. Pass another name with --table, or give the resource another."
        )


def _owner_email(given: str | None, r: Resource, existing: str | None) -> str | None:
    """`--owner EMAIL`, checked: it names who owns the rows of a resource being scoped."""
    if given is None:
        return None
    if r.scope is None or existing is None or _has_owner(existing, r.scope.column):
        raise UsageError(
            "--owner is for scoping a resource that has rows already: `scaffold gen resource "
            f"{r.name} ATTRIBUTES --scope user --force --owner EMAIL` gives them to that user."
        )
    email = given.strip().lower()
    if not _EMAIL.match(email):
        raise UsageError(f"Invalid --owner `{given}`: give a user's email, e.g. ann@example.com.")
    return email


_EMAIL = re.compile(r"^[^@\s\"'\\]+@[^@\s\"'\\]+$")


def _has_owner(model: str, column: str) -> bool:
    return re.search(rf"^\s+{column}: Mapped\[", model, re.MULTILINE) is not None


def _optional_owner(model: str, column: str, email: str | None) -> bool:
    """Whether the owner column is nullable: added to a table that had rows, without `email`
    to give them to (or so since)."""
    if not _has_owner(model, column):
        return email is None
    return re.search(rf"^\s+{column}: Mapped\[[^\]]*\| None\]", model, re.MULTILINE) is not None


def _say_who_owns(
    project: Project, r: Resource, given: str | None, config: Mapping[str, Any]
) -> None:
    """In an app with scopes, whether the rows belong to someone is said in the preview."""
    if not scopes.declared(config):
        return
    if r.scope is None:
        project.warn(
            f"{r.name} is public (--scope none): anyone, signed in or not, can list, read, "
            "create, change and delete its rows, through its pages and its API."
        )
    elif given is None:
        project.notice(
            f"\n{r.name}'s rows belong to the signed-in {r.scope.relation} (--scope "
            f"{r.scope.name}); --scope none makes a public resource."
        )


def _scoped_notice(project: Project, r: Resource, email: str | None) -> str:
    assert r.scope is not None
    if email:
        rows = f"Its rows go to {email}."
    elif project.config().get("admin"):
        rows = (
            "Its rows have no owner yet: no page shows them, the admin does, where admins can "
            f"give each its {r.scope.relation}."
        )
    else:
        rows = (
            "Its rows have no owner yet, so no page shows them (`scaffold install admin` shows "
            f"them to admins, who can give each its {r.scope.relation})."
        )
    return (
        f"\n{r.name} now belongs to its users: a migration adds {r.table}.{r.scope.column}. "
        f"{rows} Apply it with: alembic upgrade head"
    )


def _exists_message(r: Resource) -> str:
    return (
        f"{r.model_path} exists, and differs from what this command generates: {r.name} was "
        "made before with other attributes or options, or edited since. Pass --force to "
        f"regenerate {r.name}'s files (model, pages, API, tests: edits to them are lost), "
        "then write a migration for the change with: scaffold gen migration NAME"
    )


def _wire(project: Project, r: Resource, *, force: bool) -> None:
    """Patch the files that list every resource: exports, models, routers, nav, factories."""
    app = project.app
    first_party = frozenset({app})
    exports: list[Edit] = [
        EnsureImport(r.model_module, n, first_party=first_party) for n in r.exports
    ]
    exports += [AppendToList("__all__", f'"{n}"') for n in r.exports]
    interface = domain_package(project, r.name.domain)
    if force:
        exports += _stale(project, interface, r.model_module, r.exports)
    project.patch_python(interface, *exports, WrapLongList("__all__"))
    project.patch_python(
        f"src/{app}/models.py",
        EnsureImport(r.model_module, r.cls, first_party=first_party),
        AppendToList("__all__", f'"{r.cls}"'),
        WrapLongList("__all__"),
    )
    routers: list[Edit] = []
    if r.web:
        routers += _include(project, r, "web", "pages")
    if r.api:
        routers += _include(project, r, "api", "api")
    if routers:
        project.patch_python(f"src/{app}/web/router.py", *routers)
    if r.web and r.can("read"):
        link = f'<li><a href="{r.route}">{r.title_plural}</a></li>'
        project.insert_at_marker(f"src/{app}/web/templates/layout.html", NAV_MARKER, link)
    _export_targets(project, r)
    _factories(project, r, force=force)


def _export_targets(project: Project, r: Resource) -> None:
    """The pages offer the rows of other resources through their domain (`accounts.User`), as
    they reach their own: each such model is exported by its domain, as scaffold's own are."""
    first_party = frozenset({r.app})
    for target in web.selected_targets(r):
        path = domain_package(project, target.name.domain)
        if not project.exists(path):  # a model written by hand, in a folder of its own
            domain = target.name.domain
            interface = render("domain/__init__.py.jinja", domain=domain, module=snake(domain))
            project.create_file(path, interface)
        project.patch_python(
            path,
            EnsureImport(target.module, target.name.name, first_party=first_party),
            AppendToList("__all__", f'"{target.name.name}"'),
            WrapLongList("__all__"),
        )


def _include(project: Project, r: Resource, package: str, suffix: str) -> list[Edit]:
    """Include the resource's router in its domain's (`web/blog/__init__.py`); return the edits
    that include the domain's in the app's (`web/router.py`). So neither file grows with the
    whole project, only with a domain."""
    first_party = frozenset({r.app})
    project.patch_python(
        f"src/{r.app}/{package}/{r.domain}/__init__.py",
        EnsureImport(f"{r.app}.{package}.{r.domain}", r.plural, first_party=first_party),
        EnsureModuleStatement(f"router.include_router({r.plural}.router)"),
    )
    alias = f"{r.domain}_{suffix}"
    return [
        EnsureImport(f"{r.app}.{package}", r.domain, alias=alias, first_party=first_party),
        EnsureModuleStatement(f"router.include_router({alias}.router)"),
    ]


def _factories(project: Project, r: Resource, *, force: bool) -> None:
    """`make_post` in its domain's factories, which import those of other domains it calls."""
    path = ensure_factories(project, r.name.domain)
    first_party = frozenset({r.app, "tests"})
    names = [r.cls] + [r.enum_class(a) for a in r.enums if not a.private]
    # Factories take an `orm.Session`, leaving the name Session to the app's models.
    edits: list[Edit] = [EnsureImport("sqlalchemy", "orm")]
    edits += [EnsureImport(r.model_module, n, first_party=first_party) for n in names]
    for module, name in samples.value_imports(r):
        edits.append(EnsureImport(module, name or None, first_party=first_party))
    for attribute in [*samples.arranged(r), *([r.owner] if r.owner else [])]:
        _ensure_factory(project, r.target(attribute))
    for attribute in samples.made_first(r):
        target = r.target(attribute).name
        if not r.is_self(attribute) and target.domain != r.name.domain:  # the factory calls it
            module = factories_module(target.domain)
            edits.append(
                EnsureImport(module, samples.factory_name(target.module), first_party=first_party)
            )
    code = samples.factory(r)
    name = samples.factory_name(r.var)
    edits.append(ReplaceFunction(name, code) if force else EnsureFunction(name, code))
    if force:
        edits += _stale(project, path, r.model_module, names)
    project.patch_python(path, *edits)


def _stale(project: Project, path: str, module: str, keep: Sequence[str]) -> list[Edit]:
    """For --force: what `path` imports from the regenerated `module` that it no longer has
    (an action or an enum dropped), out of its imports and `__all__`."""
    try:
        tree = ast.parse((project.read(path) or "").removeprefix(BOM))
    except SyntaxError:
        return []  # patching the file reports it, with its line
    imported = {
        alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == module and not node.level
        for alias in node.names
        if alias.asname is None
    }
    edits: list[Edit] = []
    for name in sorted(imported - set(keep)):
        edits += [RemoveImport(module, name), RemoveFromList("__all__", f'"{name}"')]
    return edits


def _ensure_factory(project: Project, target: Target) -> None:
    """A stand-in `make_*` for a referenced resource scaffold did not make (whose domain's
    factories lack one), for the user to complete."""
    factory = samples.factory_name(target.name.module)
    path = ensure_factories(project, target.name.domain)
    if re.search(rf"^def {factory}\b", project.read(path) or "", re.MULTILINE):
        return
    project.patch_python(
        path,
        EnsureImport(target.module, target.name.name, first_party=frozenset({project.app})),
        EnsureFunction(factory, samples.stand_in_factory(target.name)),
    )
    project.warn(
        f"{path}: {factory} was added for {target.name}, which scaffold did not generate; "
        "give it the values a valid row needs."
    )

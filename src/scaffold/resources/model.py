"""The lines of a resource's model module whose shape depends on its attributes: imports,
columns, schema fields. The module's fixed parts are in templates/resource/model.py.jinja."""

from __future__ import annotations

import re
from collections.abc import Iterable

from scaffold.pysource import LINE_LENGTH, Call, Imports, line
from scaffold.resources.attributes import Attribute
from scaffold.resources.spec import Resource


def imports(r: Resource) -> str:
    """SQLAlchemy's types and functions come through `sa`, its Session through `orm` and
    pydantic's Field through `pydantic`, so that a model may be called `Date`, `Session`..."""
    found = Imports(frozenset({r.app})).add("sqlalchemy", alias="sa").add("sqlalchemy", "orm")
    found.add("pydantic", "BaseModel").add("pydantic", "ConfigDict")
    found.add("sqlalchemy.orm", "Mapped").add("sqlalchemy.orm", "mapped_column")
    found.add(f"{r.app}.db", "Base")
    types = list(_not_sqlalchemy(r.key.imports))
    if r.enums:
        found.add("enum")
    if r.references or r.owner:
        found.add("sqlalchemy.orm", "relationship")
    if any(not r.is_self(a) for a in r.stored if a.target):
        found.add("typing", "TYPE_CHECKING")
    if r.timestamps:
        types.append(("datetime", "datetime"))
        found.add(f"{r.app}.db", "utcnow")
    if r.key_kind == "uuid7":
        found.add(f"{r.app}.ids", "uuid7")
    if any(_constraints(a) for a in r.public):
        found.add("pydantic")
    if not_null(r):
        found.add("pydantic", "field_validator").add("typing", "Any")
    if r.can("read") and eager_loads(r):
        found.add("sqlalchemy.orm", "selectinload")
    if r.scope:
        found.add(*r.scope.scope)
    for attribute in r.stored:
        if attribute.target:
            types += _not_sqlalchemy(r.target(attribute).key.imports)
        else:
            types += _not_sqlalchemy(attribute.info.imports)
    for module, name in _respelled_imports(r, types):
        found.add(module, name, alias=_datetime_alias(r) if module == "datetime" else "")
    return found.render()


def _not_sqlalchemy(pairs: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """A type's imports but SQLAlchemy's, whose types the model writes as `sa.String(255)`."""
    return [(module, name) for module, name in pairs if module != "sqlalchemy"]


# Names in class bodies --------------------------------------------------------------------------
#
# A class body sees its own attributes first: after `date: Mapped[date]`, the annotation `date`
# of the next field is that attribute. So where an attribute is called like a type the model
# imports, the model reaches the type another way: `import datetime as dt` and `dt.date`, or
# `from uuid import UUID, uuid4`. (The names that cannot be moved aside are refused instead:
# attributes.SHADOWING.)


def _names(r: Resource) -> set[str]:
    """What the model's class body binds for the resource's attributes."""
    return {a.name for a in r.attributes} | {a.column for a in r.attributes}


def _datetime_alias(r: Resource) -> str:
    """The name the model imports the datetime module by, "" if it imports its types."""
    names = _names(r)
    if not names & {"date", "datetime"}:
        return ""
    alias = "dt"
    while alias in names:
        alias += "_"
    return alias


def _respelled_imports(r: Resource, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The imports of the model's types, (module, name), as _spelled writes the types."""
    found: list[tuple[str, str]] = []
    for module, name in pairs:
        if module == "datetime" and _datetime_alias(r):
            name = ""
        elif module == "uuid" and "uuid" in _names(r):
            name = "UUID"
            if r.key.default == "uuid.uuid4":
                found.append(("uuid", "uuid4"))
        found.append((module, name))
    return found


def _spelled(r: Resource, code: str) -> str:
    """A type or default as the model module writes it (`date`, or `dt.date`: see above)."""
    if alias := _datetime_alias(r):
        code = re.sub(r"(?<![\w.])(date|datetime)\b", rf"{alias}.\1", code)
    if "uuid" in _names(r):
        code = code.replace("uuid.UUID", "UUID").replace("uuid.uuid4", "uuid4")
    return code


def type_checking_imports(r: Resource) -> str:
    """The referenced models, imported for type checkers only: models import one another."""
    found = Imports(frozenset({r.app}))
    for attribute in r.stored:
        if attribute.target and not r.is_self(attribute):
            target = r.target(attribute)
            found.add(target.module, target.name.name)
    return found.render(indent=4)


def enums(r: Resource) -> list[tuple[str, tuple[str, ...]]]:
    return [(r.enum_class(a), a.choices) for a in r.enums]


def columns(r: Resource) -> list[str]:
    """The model's column (and relationship) lines, in the order of the command."""
    key = r.key
    key_args = [f"sa.{key.column}", "primary_key=True"] + (
        [f"default={_spelled(r, key.default)}"] if key.default else []
    )
    lines = [_column("id", _spelled(r, key.python), Call("mapped_column", key_args))]
    for attribute in r.stored:
        lines.extend(_attribute_lines(r, attribute))
    if r.timestamps:
        stamp = "sa.DateTime(timezone=True)"
        when = _spelled(r, "datetime")
        lines.append(_column("inserted_at", when, Call("mapped_column", [stamp, "default=utcnow"])))
        updated = Call("mapped_column", [stamp, "default=utcnow", "onupdate=utcnow"])
        lines.append(_column("updated_at", when, updated))
    return lines


def _column(name: str, annotation: str, call: Call) -> str:
    return line(f"{name}: Mapped[{annotation}] = ", call, indent=4)


def _attribute_lines(r: Resource, a: Attribute) -> list[str]:
    optional = " | None" if a.nullable else ""
    flags = [f"{flag}=True" for flag in ("unique", "index") if getattr(a, flag)]
    default = a.default_source(r.enum_class(a))
    defaults = [f"default={default}"] if default is not None else []
    if a.target:
        target = r.target(a)
        on_delete = on_delete_rule(r, a)
        foreign = f'sa.ForeignKey("{target.table}.id", ondelete="{on_delete}")'
        index = [] if a.unique or a.index else ["index=True"]
        call = Call("mapped_column", [f"sa.{target.key.column}", foreign, *flags, *index])
        options = [f'remote_side="{r.cls}.id"'] if r.is_self(a) else []
        # Two columns that reference one table: each relationship says which is its own.
        if sum(other.target == a.target for other in r.stored) > 1:
            options.append(f'foreign_keys="{r.cls}.{a.column}"')
        relation = line(
            f'{a.name}: Mapped["{a.target.name}{optional}"] = ', Call("relationship", options), 4
        )
        return [_column(a.column, python_type(r, a) + optional, call), relation]
    kind = f"Enum({r.enum_class(a)}, native_enum=False)" if a.type == "enum" else a.info.column
    call = Call("mapped_column", [f"sa.{kind}", *flags, *defaults])
    return [_column(a.name, python_type(r, a) + optional, call)]


def on_delete_rule(r: Resource, a: Attribute) -> str:
    """What deleting a referenced row does: the rows a user owns go with the user; other
    references are cleared, or, when required, take the referencing row with them."""
    return "CASCADE" if a == r.owner or not a.nullable else "SET NULL"


def python_type(r: Resource, a: Attribute) -> str:
    if a.target:
        return _spelled(r, r.target(a).key.python)
    return r.enum_class(a) if a.type == "enum" else _spelled(r, a.info.python)


def key_type(r: Resource) -> str:
    """The annotation of the resource's id in the model module: `uuid.UUID`, `int`..."""
    return _spelled(r, r.key.python)


def str_expression(r: Resource) -> str:
    fallback = f'f"{r.title} {{self.id}}"'
    label = r.label_attribute
    if label is None:
        return fallback
    return f"self.{label.name} or {fallback}" if label.nullable else f"self.{label.name}"


# Schemas ------------------------------------------------------------------------------------


def schema_fields(r: Resource, kind: str) -> list[str]:
    """The fields of PostCreate ("create"), PostUpdate ("update") or PostRead ("read")."""
    lines = [f"    id: {key_type(r)}"] if kind == "read" else []
    lines += [_field(r, a, kind) for a in r.public]
    if kind == "read" and r.owner:
        lines.append(_field(r, r.owner, kind))
    if kind == "read" and r.timestamps:
        when = _spelled(r, "datetime")
        lines += [f"    inserted_at: {when}", f"    updated_at: {when}"]
    return lines


def _field(r: Resource, a: Attribute, kind: str) -> str:
    name, python = a.column, python_type(r, a)
    if kind == "read":
        return f"    {name}: {python}{' | None' if a.nullable else ''}"
    constraints = _constraints(a)
    if kind == "update":
        default: str | None = "None"
        annotation = f"{python} | None"
    else:
        default = a.default_source(r.enum_class(a))
        if default is None and a.nullable:
            default = "None"
        annotation = f"{python}{' | None' if a.nullable else ''}"
    if not constraints:
        one_line = f"    {name}: {annotation}" + (f" = {default}" if default is not None else "")
        if len(one_line) <= LINE_LENGTH or default is None:
            return one_line
        # As ruff format lays it out: the value in parentheses, else the annotation.
        if len(head := f"    {name}: {annotation} = (") <= LINE_LENGTH:
            return f"{head}\n        {default}\n    )"
        return f"    {name}: (\n        {annotation}\n    ) = {default}"
    given = [f"default={default}"] if default is not None else []
    field = Call("pydantic.Field", [*given, *constraints])
    return line(f"    {name}: {annotation} = ", field, 0)


def _constraints(a: Attribute) -> list[str]:
    if a.type == "string":
        return (["min_length=1"] if a.required else []) + ["max_length=255"]
    if a.type == "text" and a.required:
        return ["min_length=1"]
    if a.type == "decimal":
        return ["max_digits=12", "decimal_places=2"]
    return []


def not_null(r: Resource) -> list[str]:
    """The fields PostUpdate may leave out but not set to null."""
    return [a.column for a in r.public if not a.nullable]


# Queries -------------------------------------------------------------------------------------


def order_by(r: Resource) -> list[str]:
    newest = [f"{r.cls}.inserted_at.desc()"] if r.timestamps else []
    return [*newest, f"{r.cls}.id.desc()"]


def eager_loads(r: Resource) -> list[str]:
    """The referenced rows, loaded with the page that shows them."""
    return [f"selectinload({r.cls}.{a.name})" for a in r.on_pages if a.target]


def owner_filter(r: Resource) -> str:
    """The condition a scoped query adds: the rows of the scope's owner."""
    assert r.scope is not None
    return f"{r.cls}.{r.scope.column} == {r.scope.owner_id}"


def input_schemas(r: Resource) -> str:
    """The schemas of what create and update take: `PostCreate | PostUpdate`."""
    kinds = [kind for kind in ("create", "update") if r.can(kind)]
    return " | ".join(f"{r.cls}{kind.capitalize()}" for kind in kinds)


def checked_imports(r: Resource) -> list[tuple[str, str]]:
    """The models of other resources whose rows a scoped resource's references are checked in."""
    found = {(r.target(a).module, r.target(a).name.name) for a in r.checked_references}
    return sorted(pair for pair in found if pair[0] != r.model_module)


def owned_statements(r: Resource) -> list[Call]:
    """`"post_id": select(Post.id).where(...)`: for each checked reference, the query of the
    row it names if that row is the scope's."""
    assert r.scope is not None
    found = []
    for a in r.checked_references:
        target = r.target(a).name.name
        mine = (
            "_owned_by(scope)"
            if r.is_self(a)
            else f"{target}.{r.scope.column} == {r.scope.owner_id}"
        )
        where = Call(f"sa.select({target}.id).where", [f"{target}.id == data.{a.column}", mine])
        found.append(Call(f'"{a.column}": ' + where.func, where.args))
    return found

"""The migration that creates a resource's table, written as Alembic's autogenerate would write
it for the model, with every constraint named as the app's naming convention names it (db.py),
so that `alembic check` finds nothing to change."""

from __future__ import annotations

from scaffold.pysource import Call, line, string_list
from scaffold.resources.attributes import Attribute
from scaffold.resources.spec import Resource


def message(r: Resource) -> str:
    return f"Create {r.table}"


def upgrade(r: Resource) -> str:
    table = f'"{r.table}"'
    args: list[str | Call] = [table, _column("id", r.key.migration, nullable=False)]
    for a in r.attributes:
        kind = r.target(a).key.migration if a.target else _type(r, a)
        args.append(_column(a.column, kind, nullable=a.nullable))
    if r.timestamps:
        for stamp in ("inserted_at", "updated_at"):
            args.append(_column(stamp, "sa.DateTime(timezone=True)", nullable=False))
    for a in r.references:
        target = r.target(a)
        name = Call("name=op.f", [f'"fk_{r.table}_{a.column}_{target.table}"'])
        on_delete = f'ondelete="{"SET NULL" if a.nullable else "CASCADE"}"'
        columns: list[str | Call] = [f'["{a.column}"]', f'["{target.table}.id"]', name, on_delete]
        args.append(Call("sa.ForeignKeyConstraint", columns))
    args.append(Call("sa.PrimaryKeyConstraint", ['"id"', Call("name=op.f", [f'"pk_{r.table}"'])]))
    for a in r.attributes:
        if a.unique and not _indexed(a):
            name = Call("name=op.f", [f'"uq_{r.table}_{a.column}"'])
            args.append(Call("sa.UniqueConstraint", [f'"{a.column}"', name]))
    # Written as the body of `upgrade()`, whose indent counts in the line length.
    lines = [line("    ", Call("op.create_table", args, explode=True))]
    for a in r.attributes:
        if _indexed(a):
            index = [_index(r, a), table, f'["{a.column}"]', f"unique={a.unique}"]
            lines.append(line("    ", Call("op.create_index", index)))
    return "\n".join(lines)


def downgrade(r: Resource) -> str:
    lines = [
        line("    ", Call("op.drop_index", [_index(r, a), f'table_name="{r.table}"']))
        for a in reversed(r.attributes)
        if _indexed(a)
    ]
    return "\n".join([*lines, f'    op.drop_table("{r.table}")'])


def _column(name: str, kind: str, *, nullable: bool) -> Call:
    return Call("sa.Column", [f'"{name}"', kind, f"nullable={nullable}"])


def _type(r: Resource, a: Attribute) -> str | Call:
    if a.type == "enum":
        values = string_list(a.choices).args
        return Call("sa.Enum", [*values, f'name="{r.enum_class(a).lower()}"', "native_enum=False"])
    return a.info.migration


def _indexed(a: Attribute) -> bool:
    """Whether the column has an index: asked for, or a reference (the model indexes those).
    A unique column that is indexed gets a unique index rather than a unique constraint."""
    return a.index or (a.target is not None and not a.unique)


def _index(r: Resource, a: Attribute) -> Call:
    return Call("op.f", [f'"ix_{r.table}_{a.column}"'])

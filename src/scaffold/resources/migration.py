"""The migration that creates a resource's table, written as Alembic's autogenerate would write
it for the model, with every constraint named as the app's naming convention names it (db.py),
so that `alembic check` finds nothing to change."""

from __future__ import annotations

from scaffold.pysource import Call, line, string_list, text
from scaffold.resources.attributes import Attribute
from scaffold.resources.keys import Key
from scaffold.resources.model import on_delete_rule
from scaffold.resources.spec import Resource


def message(r: Resource) -> str:
    return f"Create {r.table}"


def upgrade(r: Resource) -> str:
    table = f'"{r.table}"'
    args: list[str | Call] = [table, _column("id", r.key.migration, nullable=False)]
    for a in r.stored:
        kind = r.target(a).key.migration if a.target else _type(r, a)
        args.append(_column(a.column, kind, nullable=a.nullable))
    if r.timestamps:
        for stamp in ("inserted_at", "updated_at"):
            args.append(_column(stamp, "sa.DateTime(timezone=True)", nullable=False))
    for a in r.stored:
        if a.target:
            args.append(Call("sa.ForeignKeyConstraint", _foreign_key(r, a)))
    args.append(Call("sa.PrimaryKeyConstraint", ['"id"', Call("name=op.f", [f'"pk_{r.table}"'])]))
    for a in r.stored:
        if a.unique and not _indexed(a):
            name = Call("name=op.f", [f'"uq_{r.table}_{a.column}"'])
            args.append(Call("sa.UniqueConstraint", [f'"{a.column}"', name]))
    # Written as the body of `upgrade()`, whose indent counts in the line length.
    lines = [line("    ", Call("op.create_table", args, explode=True))]
    for a in r.stored:
        if _indexed(a):
            index = [_index(r, a), table, f'["{a.column}"]', f"unique={a.unique}"]
            lines.append(line("    ", Call("op.create_index", index)))
    return "\n".join(lines)


def downgrade(r: Resource) -> str:
    lines = [
        line("    ", Call("op.drop_index", [_index(r, a), f'table_name="{r.table}"']))
        for a in reversed(r.stored)
        if _indexed(a)
    ]
    return "\n".join([*lines, f'    op.drop_table("{r.table}")'])


def _foreign_key(r: Resource, a: Attribute) -> list[str | Call]:
    target = r.target(a)
    name = Call("name=op.f", [f'"fk_{r.table}_{a.column}_{target.table}"'])
    return [f'["{a.column}"]', f'["{target.table}.id"]', name, f'ondelete="{on_delete_rule(r, a)}"']


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


# Scoping a resource that has rows already ------------------------------------------------------


def owner_message(r: Resource) -> str:
    assert r.scope is not None
    return f"Add {r.scope.column} to {r.table}"


def add_owner(r: Resource, email: str | None) -> str:
    """The owner column added to the resource's table. Its rows have no owner yet: they get
    the user `email`'s, and the column becomes NOT NULL; without `email` they stay without
    one (the column is nullable). Checked before anything changes: with rows to give and no
    such user, the migration stops and says why."""
    assert r.owner is not None and r.scope is not None
    target, column, table = r.target(r.owner), r.scope.column, r.table
    add = Call("batch_op.add_column", [_column(column, target.key.migration, nullable=True)])
    lines = [f'    with op.batch_alter_table("{table}") as batch_op:', line("        ", add)]
    if email is not None:
        lines[:0] = _check_owner(table, target.table, email)
        lines += [
            f"    # The {r.name.human_plural} made before they had owners are {email}'s.",
            line("    backfill = ", _backfill(table, column, target.table)),
            f'    op.execute(backfill.bindparams(email="{email}"))',
            f'    with op.batch_alter_table("{table}") as batch_op:',
            line("        ", Call("batch_op.alter_column", _not_null(column, target.key))),
        ]
    index = [_batch_index(r, column), f'["{column}"]', "unique=False"]
    lines.append(line("        ", Call("batch_op.create_index", index)))
    foreign = Call("batch_op.create_foreign_key", _batch_foreign_key(r, target.table))
    lines.append(line("        ", foreign))
    return "\n".join(lines)


def drop_owner(r: Resource) -> str:
    assert r.owner is not None and r.scope is not None
    column, target = r.scope.column, r.target(r.owner)
    fk = Call("batch_op.drop_constraint", [_batch_fk_name(r, target.table), 'type_="foreignkey"'])
    return "\n".join(
        [
            f'    with op.batch_alter_table("{r.table}") as batch_op:',
            line("        ", fk),
            line("        ", Call("batch_op.drop_index", [_batch_index(r, column)])),
            f'        batch_op.drop_column("{column}")',
        ]
    )


def _check_owner(table: str, users: str, email: str) -> list[str]:
    message = (
        f"{table} has rows, and no user has the email {email} to own them: register that "
        "user, then run the migration again."
    )
    rows = Call("connection.scalar", [f'sa.text("SELECT count(*) FROM {table}")'])
    owners = Call("sa.text", [f'"SELECT count(*) FROM {users} WHERE email = :email"'])
    return [
        "    # Checked before anything changes: a migration stopped halfway would leave the table",
        "    # altered. (Offline, with --sql, there are no rows to look at.)",
        "    if not op.get_context().as_sql:",
        "        connection = op.get_bind()",
        line("        rows = ", rows),
        line("        owners = ", owners),
        f'        if rows and not connection.scalar(owners, {{"email": "{email}"}}):',
        text("message = ", message, indent=12),
        "            raise RuntimeError(message)",
    ]


def _backfill(table: str, column: str, users: str) -> Call:
    statement = f"UPDATE {table} SET {column} = (SELECT id FROM {users} WHERE email = :email)"
    return Call("sa.text", [_string(statement)])


def _not_null(column: str, key: Key) -> list[str]:
    return [f'"{column}"', f"existing_type={key.migration}", "nullable=False"]


def _batch_index(r: Resource, column: str) -> Call:
    return Call("batch_op.f", [f'"ix_{r.table}_{column}"'])


def _batch_fk_name(r: Resource, users: str) -> Call:
    assert r.scope is not None
    return Call("batch_op.f", [f'"fk_{r.table}_{r.scope.column}_{users}"'])


def _batch_foreign_key(r: Resource, users: str) -> list[str | Call]:
    assert r.scope is not None
    column = r.scope.column
    return [_batch_fk_name(r, users), f'"{users}"', f'["{column}"]', '["id"]', 'ondelete="CASCADE"']


def _string(value: str) -> str:
    return '"' + value.replace('"', '\\"') + '"'

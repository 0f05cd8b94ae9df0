"""Compare an app's models with the schema its migrations build, without its database.

Run with the app's Python: `python autogenerate.py APP_ROOT PACKAGE batch|plain`. The
migration chain is replayed into a scratch SQLite database and Alembic's autogenerate
compares it with the models. Then, on stdout and stdin (each message one line of JSON after
its marker, the app's own output aside):

1. it offers the renames that could explain what the models dropped and added (OFFERS: see
   `compare`), and reads back the renames to make, a list of [old, new] pairs:
   ["posts.bio", "biography"] for a column, ["posts", "articles"] for a table (the end of
   input: nothing is written, and it stops);
2. it makes those renames in the scratch database, compares again, and prints the revision
   (RESULT), which renames first (data kept) and then makes only what is left to make, with
   the app's files it read (`read`), so scaffold can check they stay so.

This file runs in the app's Python, which has Alembic and SQLAlchemy but not scaffold: it
imports nothing of scaffold's.
"""

import json
import os
import sys
import tempfile
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

OFFERS = "scaffold-offers: "
RESULT = "scaffold-result: "
Choose = Callable[[dict[str, Any]], list[list[str]]]


def main(root: Path, package: str, batch: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'schema.db'}"
        os.environ["DATABASE_URL"] = url  # the app's migrations/env.py reads its settings
        sys.path.insert(0, str(root / "src"))

        from alembic import command
        from alembic.config import Config
        from sqlalchemy import create_engine

        command.upgrade(Config(str(root / "alembic.ini")), "head")
        metadata = import_module(f"{package}.models").Base.metadata
        engine = create_engine(url)
        with engine.begin() as connection:
            found = compare(connection, metadata, _ask_scaffold, batch)
        engine.dispose()
    return {**found, "read": _files_read(root)}


def _ask_scaffold(offered: dict[str, Any]) -> list[list[str]]:
    print(OFFERS + json.dumps(offered), flush=True)
    answer = sys.stdin.readline()
    if not answer:
        sys.exit(0)  # scaffold stopped (a rename refused, say): there is nothing to write
    return json.loads(answer)


def compare(connection: Any, metadata: Any, choose: Choose, batch: bool) -> dict[str, Any]:
    """What it takes to bring the schema on `connection` to `metadata`, as JSON-ready values.
    `choose` is given what is offered and says which renames to make:

    - `offers`: the renames that could explain the changes, [old, new];
    - `dropped` and `added`: the tables ("posts") and columns ("posts.bio") that go or come
      when nothing is renamed, with their types (columns) or None (tables).

    The result has those, and `upgrade` and `downgrade`, the revision's code with the offered
    renames chosen made first (absent when nothing changes), and `losses`, the tables and
    columns its upgrade drops, data and all.
    """
    context, script = _changes(connection, metadata)
    offers, dropped, added = _offers(in_order(script.upgrade_ops), context)
    found = {"offers": offers, "dropped": dropped, "added": added}
    made = rename_ops([pair for pair in choose(found) if pair in offers])
    if made:
        from alembic.operations import Operations

        operations = Operations(context)
        for op in made:
            operations.invoke(op)  # on the scratch database, as the revision will
        context, script = _changes(connection, metadata)
    changes = in_order(script.upgrade_ops)
    upgrade = type(changes)(ops=[*made, *changes.ops])
    if upgrade.is_empty():
        return found
    downgrade = changes.reverse()
    downgrade.ops += [undo(op) for op in reversed(made)]
    return {
        **found,
        "upgrade": _render(upgrade, batch),
        "downgrade": _render(downgrade, batch),
        "losses": losses(upgrade),
    }


def _changes(connection: Any, metadata: Any) -> tuple[Any, Any]:
    from alembic.autogenerate import produce_migrations
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return context, produce_migrations(context, metadata)


def in_order(changes: Any) -> Any:
    """`changes` with the tables and columns it drops in order of name: Alembic finds them
    as a set, whose order changes from one process to the next, and a revision's content
    (its id, the order of the questions) must not."""
    from alembic.operations import ops

    def ordered(items: list[Any]) -> list[Any]:
        drops = iter(sorted((op for op in items if _drops(op)), key=_dropped_name))
        return [next(drops) if _drops(op) else _ordered_inside(op, ordered) for op in items]

    return ops.UpgradeOps(ops=ordered(list(changes.ops)))


def _drops(op: Any) -> bool:
    from alembic.operations import ops

    return isinstance(op, ops.DropTableOp | ops.DropColumnOp)


def _dropped_name(op: Any) -> str:
    return getattr(op, "column_name", None) or op.table_name


def _ordered_inside(op: Any, ordered: Any) -> Any:
    from alembic.operations import ops

    if isinstance(op, ops.ModifyTableOps):
        return ops.ModifyTableOps(op.table_name, ordered(list(op.ops)), schema=op.schema)
    return op


def _offers(upgrade: Any, context: Any) -> tuple[list[list[str]], dict, dict]:
    """The renames that could explain what `upgrade` drops and adds, with what it drops and
    adds. Types are compared as `alembic check` compares them, so a rename leaves nothing
    for it to find."""
    from alembic.operations import ops

    same = _same_type(context)
    offers: list[list[str]] = []
    dropped: dict[str, Any] = {}
    added: dict[str, Any] = {}
    gone_tables, new_tables = {}, {}
    for op in upgrade.ops:
        if isinstance(op, ops.DropTableOp):
            gone_tables[op.table_name] = op.to_table()
        elif isinstance(op, ops.CreateTableOp):
            new_tables[op.table_name] = op.to_table()
        elif isinstance(op, ops.ModifyTableOps):
            table = op.table_name
            gone = {o.column_name: o.to_column() for o in op.ops if isinstance(o, ops.DropColumnOp)}
            new = {o.column.name: o.column for o in op.ops if isinstance(o, ops.AddColumnOp)}
            dropped |= {f"{table}.{name}": _type(column) for name, column in gone.items()}
            added |= {f"{table}.{name}": _type(column) for name, column in new.items()}
            offers += _pairs(gone, new, same, prefix=f"{table}.")
    offers += _pairs(gone_tables, new_tables, lambda a, b: _same_columns(a, b, same))
    return offers, dropped | dict.fromkeys(gone_tables), added | dict.fromkeys(new_tables)


def _pairs(gone: dict, new: dict, same: Any, prefix: str = "") -> list[list[str]]:
    """[old, new] for each thing gone and each new one that `same` says could be it."""
    found = [(old, name) for old, a in gone.items() for name, b in new.items() if same(a, b)]
    return [[prefix + old, name] for old, name in found]


def _same_type(context: Any) -> Any:
    """Whether a column of the database and one of the models have the same type."""
    return lambda found, wanted: not context.impl.compare_type(found, wanted)


def _same_columns(found: Any, wanted: Any, same: Any) -> bool:
    columns = {column.name: column for column in wanted.columns}
    return set(columns) == {column.name for column in found.columns} and all(
        same(column, columns[column.name]) for column in found.columns
    )


def _type(column: Any) -> str:
    """A column's type as SQLite names it (what the scratch database holds, and what a
    model's type becomes there), for messages."""
    from sqlalchemy.dialects import sqlite

    try:
        return str(column.type.compile(dialect=sqlite.dialect()))
    except Exception:  # a type SQLite has no name for: its own repr says enough
        return repr(column.type)


def rename_ops(renames: list[list[str]]) -> list[Any]:
    """The renames as Alembic operations, each its own ALTER TABLE, never in batch mode:
    SQLite (3.25 and later) renames a table or a column in place, with its indexes and the
    foreign keys that point at it, where batch mode, which copies the table, fails on an
    indexed column (sqlalchemy/alembic#1034)."""
    from alembic.operations import ops

    made = []
    for old, new in renames:
        table, _, column = old.partition(".")
        if column:
            made.append(ops.AlterColumnOp(table, column, modify_name=new))
        else:
            made.append(ops.RenameTableOp(table, new))
    return made


def undo(rename: Any) -> Any:
    """The operation that undoes a rename of `rename_ops` (Alembic's reverse() of a column's
    alteration keeps its name)."""
    from alembic.operations import ops

    if isinstance(rename, ops.RenameTableOp):
        return ops.RenameTableOp(rename.new_table_name, rename.table_name)
    return ops.AlterColumnOp(rename.table_name, rename.modify_name, modify_name=rename.column_name)


def losses(changes: Any) -> dict[str, list[str]]:
    """The tables and the columns ("posts.bio") that `changes` drops."""
    from alembic.operations import ops

    tables = [op.table_name for op in changes.ops if isinstance(op, ops.DropTableOp)]
    columns = [
        f"{op.table_name}.{inner.column_name}"
        for op in changes.ops
        if isinstance(op, ops.ModifyTableOps)
        for inner in op.ops
        if isinstance(inner, ops.DropColumnOp)
    ]
    return {"tables": tables, "columns": columns}


def _render(changes: Any, batch: bool) -> str:
    from alembic.autogenerate import render_python_code, renderers
    from alembic.operations import ops

    # Alembic's autogenerate never renames a table itself, so it has no renderer for it.
    @renderers.dispatch_for(ops.RenameTableOp, replace=True)
    def rename_table(context: Any, op: Any) -> str:
        prefix = context.opts["alembic_module_prefix"]
        return f"{prefix}rename_table({op.table_name!r}, {op.new_table_name!r})"

    return render_python_code(changes, render_as_batch=batch)


def _files_read(root: Path) -> list[str]:
    """The app's files this process read: its imported modules, its Alembic setup and its
    revisions (relative paths)."""
    found = {Path(m.__file__) for m in list(sys.modules.values()) if getattr(m, "__file__", None)}
    found |= {root / "alembic.ini", *(root / "migrations").glob("*.py")}
    found |= set((root / "migrations" / "versions").glob("*.py"))
    inside = [path.resolve() for path in found]
    return sorted(
        path.relative_to(root.resolve()).as_posix()
        for path in inside
        if path.is_file() and root.resolve() in path.parents and "site-packages" not in path.parts
    )


if __name__ == "__main__":
    root, package, batch = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "batch"
    print(RESULT + json.dumps(main(root, package, batch)), flush=True)

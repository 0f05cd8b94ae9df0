"""The comparison `gen migration` runs in the app's Python (scripts/autogenerate.py), on a real
SQLite database built from an "old" set of models: the renames it offers, the revision's code
with and without them, what it drops; and the revision run on rows, which it must keep."""

from __future__ import annotations

import enum
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from scaffold.scripts.autogenerate import compare

# The app's naming convention (its db.py), so that indexes are named as in an app.
CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Status(enum.StrEnum):
    draft = "draft"
    published = "published"


def _posts(*columns: sa.Column, table: str = "posts") -> sa.MetaData:
    metadata = sa.MetaData(naming_convention=CONVENTION)
    sa.Table(table, metadata, sa.Column("id", sa.Integer, primary_key=True), *columns)
    return metadata


@pytest.fixture
def engine(tmp_path: Path):
    """The app's database, with the old models' tables once `_compared` has made them."""
    made = sa.create_engine(f"sqlite:///{tmp_path / 'app.db'}")
    yield made
    made.dispose()


def _compared(engine, old: sa.MetaData, new: sa.MetaData, renames=(), batch=True) -> dict:
    """The comparison on a scratch copy of the database, as scaffold makes it: the renames
    are made there, never in the database itself."""
    old.create_all(engine)
    engine.dispose()
    database = Path(engine.url.database)
    scratch = database.with_name("scratch.db")
    scratch.write_bytes(database.read_bytes())
    copy = sa.create_engine(f"sqlite:///{scratch}")
    try:
        with copy.begin() as connection:
            return compare(connection, new, lambda offered: [list(p) for p in renames], batch)
    finally:
        copy.dispose()


def _no_renames(offered: dict) -> list:
    return []


def _code(text: str) -> str:
    """Alembic's rendering without its banner lines, dedented, each call on one line."""
    kept = [line for line in text.splitlines() if not line.strip().startswith("# ###")]
    return re.sub(r",\n\s+", ", ", textwrap.dedent("\n".join(kept)).strip())


def _run(engine, code: str) -> None:
    """Run a revision's body on the database, as `alembic upgrade` would."""
    with engine.begin() as connection:
        op = Operations(MigrationContext.configure(connection))
        exec(compile("def body():\n" + textwrap.indent(code, "    "), "revision", "exec"), {
            "op": op, "sa": sa
        }, namespace := {})  # fmt: skip
        namespace["body"]()


def _with(column: str, kind: type[sa.types.TypeEngine] = sa.Text) -> sa.MetaData:
    """posts (id, title, `column`), a column is owned by one table: made anew each time."""
    return _posts(sa.Column("title", sa.String(255)), sa.Column(column, kind()))


def test_a_column_dropped_and_one_of_its_type_added_is_offered_as_a_rename(engine) -> None:
    found = _compared(engine, _with("bio"), _with("biography"))
    assert found["offers"] == [["posts.bio", "biography"]]
    assert found["dropped"] == {"posts.bio": "TEXT"}
    assert found["added"] == {"posts.biography": "TEXT"}
    # Not renamed (the "does nothing" twin): Alembic's own add and drop, and the data loss.
    assert _code(found["upgrade"]) == textwrap.dedent("""\
        with op.batch_alter_table('posts', schema=None) as batch_op:
            batch_op.add_column(sa.Column('biography', sa.Text(), nullable=True))
            batch_op.drop_column('bio')""")
    assert found["losses"] == {"tables": [], "columns": ["posts.bio"]}


def test_the_rename_becomes_alter_column_both_ways(engine) -> None:
    found = _compared(engine, _with("bio"), _with("biography"), [("posts.bio", "biography")])
    assert _code(found["upgrade"]) == (
        "op.alter_column('posts', 'bio', new_column_name='biography')"
    )
    assert _code(found["downgrade"]) == (
        "op.alter_column('posts', 'biography', new_column_name='bio')"
    )
    assert found["losses"] == {"tables": [], "columns": []}


def test_plain_mode_renders_the_same_rename(engine) -> None:
    renamed = [("posts.bio", "biography")]
    found = _compared(engine, _with("bio"), _with("biography"), renamed, batch=False)
    assert _code(found["upgrade"]) == (
        "op.alter_column('posts', 'bio', new_column_name='biography')"
    )


def test_a_rename_not_offered_is_not_made(engine) -> None:
    new = _posts(sa.Column("title", sa.String(255)), sa.Column("biography", sa.String(255)))
    found = _compared(engine, _with("bio"), new, [("posts.bio", "biography")])
    assert found["offers"] == []
    assert found["added"] == {"posts.biography": "VARCHAR(255)"}
    assert "drop_column('bio')" in found["upgrade"] and "alter_column" not in found["upgrade"]


TYPES: list[tuple[str, Callable[[], sa.types.TypeEngine]]] = [
    ("Text", sa.Text),
    ("String(255)", lambda: sa.String(255)),
    ("String(100)", lambda: sa.String(100)),
    ("Uuid", sa.Uuid),
    ("Enum", lambda: sa.Enum(Status, native_enum=False)),
    ("Integer", sa.Integer),
    ("BigInteger", sa.BigInteger),
    ("DateTime", lambda: sa.DateTime(timezone=True)),
    ("Boolean", sa.Boolean),
]


@pytest.mark.parametrize(("old", "old_type"), TYPES)
@pytest.mark.parametrize(("new", "new_type"), TYPES)
def test_types_compare_as_alembic_check_does(engine, old, old_type, new, new_type) -> None:
    """The same type is offered, another is not: a rename then leaves `alembic check`
    nothing to find. (Every app, PostgreSQL ones too, is compared on SQLite.)"""
    found = _compared(
        engine, _posts(sa.Column("a", old_type())), _posts(sa.Column("b", new_type()))
    )
    assert (found["offers"] == [["posts.a", "b"]]) == (old == new)


def test_an_indexed_column_keeps_its_rows_through_upgrade_and_downgrade(engine) -> None:
    """SQLite renames it in place; the indexes named after it follow the new name."""
    old = _posts(sa.Column("slug", sa.String(255), unique=True, index=True))
    new = _posts(sa.Column("permalink", sa.String(255), unique=True, index=True))
    found = _compared(engine, old, new, [("posts.slug", "permalink")])
    assert _code(found["upgrade"]) == textwrap.dedent("""\
        op.alter_column('posts', 'slug', new_column_name='permalink')
        with op.batch_alter_table('posts', schema=None) as batch_op:
            batch_op.drop_index(batch_op.f('ix_posts_slug'))
            batch_op.create_index(batch_op.f('ix_posts_permalink'), ['permalink'], unique=True)""")
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO posts (id, slug) VALUES (1, 'kept')"))
    _run(engine, _code(found["upgrade"]))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT permalink FROM posts")).scalar() == "kept"
        indexes = sa.inspect(connection).get_indexes("posts")
        assert [(i["name"], i["column_names"]) for i in indexes] == [
            ("ix_posts_permalink", ["permalink"])
        ]
        assert "upgrade" not in compare(connection, new, _no_renames, True)  # nothing left
    _run(engine, _code(found["downgrade"]))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT slug FROM posts")).scalar() == "kept"
        assert "upgrade" not in compare(connection, old, _no_renames, True)


def test_a_table_with_the_same_columns_is_offered_and_renamed(engine) -> None:
    old = _posts(sa.Column("title", sa.String(255), index=True))
    new = _posts(sa.Column("title", sa.String(255), index=True), table="articles")
    found = _compared(engine, old, new)
    assert found["offers"] == [["posts", "articles"]]
    assert found["losses"] == {"tables": ["posts"], "columns": []}
    renamed = _compared(engine, old, new, [("posts", "articles")])
    assert _code(renamed["upgrade"]) == textwrap.dedent("""\
        op.rename_table('posts', 'articles')
        with op.batch_alter_table('articles', schema=None) as batch_op:
            batch_op.drop_index(batch_op.f('ix_posts_title'))
            batch_op.create_index(batch_op.f('ix_articles_title'), ['title'], unique=False)""")
    assert _code(renamed["downgrade"]).endswith("op.rename_table('articles', 'posts')")
    assert renamed["losses"] == {"tables": [], "columns": []}


def test_a_table_with_other_columns_is_not_offered(engine) -> None:
    old = _posts(sa.Column("title", sa.String(255)))
    new = _posts(sa.Column("title", sa.Text), table="articles")
    found = _compared(engine, old, new)
    assert found["offers"] == []
    assert found["dropped"] == {"posts": None} and found["added"] == {"articles": None}


def test_drops_are_in_order_of_name_whatever_the_hash_seed(engine) -> None:
    """Alembic finds dropped columns as a set; the revision (its id) and the questions must
    come out the same in every process."""
    names = ["zeta", "alpha", "mid", "beta"]
    old = _posts(*(sa.Column(name, sa.Text) for name in names))
    found = _compared(engine, old, _posts(sa.Column("other", sa.Text)))
    assert found["losses"]["columns"] == [f"posts.{name}" for name in sorted(names)]
    assert [pair[0] for pair in found["offers"]] == [f"posts.{n}" for n in sorted(names)]


def test_nothing_changed_is_no_revision(engine) -> None:
    found = _compared(engine, _with("bio"), _with("bio"))
    assert found == {"offers": [], "dropped": {}, "added": {}}


def test_what_else_changed_in_the_renamed_column_follows_the_rename(engine) -> None:
    new = _posts(
        sa.Column("title", sa.String(255)), sa.Column("biography", sa.Text, nullable=False)
    )
    found = _compared(engine, _with("bio"), new, [("posts.bio", "biography")])
    assert _code(found["upgrade"]) == textwrap.dedent("""\
        op.alter_column('posts', 'bio', new_column_name='biography')
        with op.batch_alter_table('posts', schema=None) as batch_op:
            batch_op.alter_column('biography', existing_type=sa.TEXT(), nullable=False)""")
    assert _code(found["downgrade"]) == textwrap.dedent("""\
        with op.batch_alter_table('posts', schema=None) as batch_op:
            batch_op.alter_column('biography', existing_type=sa.TEXT(), nullable=True)

        op.alter_column('posts', 'biography', new_column_name='bio')""")


def test_scaffold_reads_the_markers_the_script_writes() -> None:
    from scaffold.schema import comparison
    from scaffold.scripts import autogenerate

    assert (comparison.OFFERS, comparison.RESULT) == (autogenerate.OFFERS, autogenerate.RESULT)

"""Primary keys, and what a resource that references another needs to know about it: where its
model is, its table and its key. Only the target's own model file is read."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from scaffold import Project
from scaffold.naming import ResourceName
from scaffold.patchers.python import BOM
from scaffold.wiring import model_source


@dataclass(frozen=True)
class Key:
    """A primary key type: its annotation, column types, default and an id no row has."""

    python: str
    column: str
    migration: str
    default: str | None  # the function called for new rows; None: the database numbers them
    missing: str  # an id no row has, as Python source
    missing_url: str  # the same id in a URL
    imports: tuple[tuple[str, str], ...]


KEYS: dict[str, Key] = {
    "uuid": Key("uuid.UUID", "Uuid", "sa.Uuid()", "uuid.uuid4", "uuid.UUID(int=0)",
                "00000000-0000-0000-0000-000000000000", (("uuid", ""), ("sqlalchemy", "Uuid"))),
    "uuid7": Key("uuid.UUID", "Uuid", "sa.Uuid()", "uuid7", "uuid.UUID(int=0)",
                 "00000000-0000-0000-0000-000000000000", (("uuid", ""), ("sqlalchemy", "Uuid"))),
    "int": Key("int", "Integer", "sa.Integer()", None, "0", "0", (("sqlalchemy", "Integer"),)),
}  # fmt: skip

# The annotation of a model's `id`, as written, to its key type.
_BY_ANNOTATION = {"uuid.UUID": "uuid", "UUID": "uuid", "int": "int"}


@dataclass(frozen=True)
class Target:
    """A resource that another references, as read from its model file."""

    name: ResourceName
    module: str  # its model's module, e.g. my_app.accounts.user
    path: str
    table: str
    key: Key
    columns: frozenset[str] = frozenset()  # the model's annotated attributes
    # Its module's functions that take a scope after the session: list_posts(session, scope)
    scoped_functions: frozenset[str] = frozenset()


def read_target(project: Project, name: ResourceName, needed_by: str) -> Target | None:
    """The target's table and key; a missing model is bad input (UsageError), a model that
    cannot be read is an issue on the project (None)."""
    path, source = model_source(project, name, f"{needed_by} references")
    try:
        tree = ast.parse(source.removeprefix(BOM), path)
    except SyntaxError as error:
        project.issue(
            f"{path}:{error.lineno}: is not valid Python: {error.msg}. {needed_by} references "
            f"{name}, so scaffold reads its model. Fix the file, then run the command again."
        )
        return None
    found = _model_class(tree, name.name)
    table, key = (_table(found), _key(found)) if found else (None, None)
    if table is None or key is None:
        project.issue(
            f"{path}: scaffold could not find `class {name.name}` with a `__tablename__ = "
            '"..."` and an `id: Mapped[uuid.UUID]` or `id: Mapped[int]` primary key in it, '
            f"which {needed_by} needs to reference {name}."
        )
        return None
    module = f"{project.app}.{name.domain_module}.{name.module}"
    assert found is not None
    return Target(name, module, path, table, KEYS[key], _columns(found), _scoped_functions(tree))


def _columns(cls: ast.ClassDef) -> frozenset[str]:
    return frozenset(
        node.target.id
        for node in cls.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    )


def _scoped_functions(tree: ast.Module) -> frozenset[str]:
    return frozenset(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and [arg.arg for arg in node.args.args[:2]] == ["session", "scope"]
    )


def _model_class(tree: ast.Module, name: str) -> ast.ClassDef | None:
    return next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)


def _table(cls: ast.ClassDef) -> str | None:
    for node in cls.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        named = any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in targets)
        if named and isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


def _key(cls: ast.ClassDef) -> str | None:
    for node in cls.body:
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "id":
            annotation = node.annotation
            if isinstance(annotation, ast.Subscript) and ast.unparse(annotation.value) == "Mapped":
                return _BY_ANNOTATION.get(ast.unparse(annotation.slice).strip("'\""))
    return None

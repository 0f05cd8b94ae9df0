"""Reading a model for its admin view: its columns and what kind each is, its references, its
enums, the attribute a row is known by, and which attributes the resource keeps private.

The model's file is parsed with `ast`, never imported: the app's dependencies need not be
installed where scaffold runs, and only this one file is read.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cached_property

# SQLAlchemy's types, by the kind of control and filter the admin gives them.
_TYPE_KINDS = {
    "String": "string", "Unicode": "string", "Text": "text", "UnicodeText": "text",
    "Boolean": "boolean", "Enum": "enum", "Integer": "number", "BigInteger": "number",
    "SmallInteger": "number", "Float": "float", "Numeric": "number", "Double": "float",
    "Date": "time", "DateTime": "time", "Time": "time", "Interval": "time", "Uuid": "uuid",
    "JSON": "json", "LargeBinary": "binary",
}  # fmt: skip
# The same, from the annotation, for a column whose type SQLAlchemy infers: `Mapped[bool]`.
_ANNOTATION_KINDS = {
    "str": "string", "bool": "boolean", "int": "number", "float": "float", "Decimal": "number",
    "date": "time", "datetime": "time", "time": "time", "timedelta": "time", "UUID": "uuid",
    "dict": "json", "list": "json", "bytes": "binary",
}  # fmt: skip
# Columns the app sets itself (scaffold's timestamps): never in a form.
MANAGED = frozenset({"inserted_at", "updated_at"})
# Names that hold secrets whatever the schemas say: never shown, never in a form.
_SECRET = re.compile(r"password|secret|token", re.IGNORECASE)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # one of the values of _TYPE_KINDS, or "other"
    primary_key: bool = False
    foreign_key: bool = False
    enum: str | None = None  # the enum class of an enum column


@dataclass(frozen=True)
class Relation:
    name: str
    target: str  # the class it points to
    collection: bool  # one-to-many (`Mapped[list[...]]`)


@dataclass(frozen=True)
class Model:
    """One model class, as its file declares it."""

    cls: str
    module: str  # e.g. my_app.blog.post
    columns: tuple[Column, ...]
    relations: tuple[Relation, ...]
    label: str | None  # the attribute `__str__` returns, if it returns one
    public: frozenset[str] | None  # the fields of the `<Model>Read` schema, if it has one
    imported: dict[str, str]  # class name -> module, for the classes the file imports

    def private(self, name: str) -> bool:
        """Kept from the admin's pages: not in the resource's public schema, or a secret."""
        column = self.column(name)
        if column is not None and (column.primary_key or name in MANAGED):
            return False
        return bool(_SECRET.search(name)) or (self.public is not None and name not in self.public)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @cached_property
    def references(self) -> tuple[tuple[Relation, Column], ...]:
        """Each many-to-one relationship with its foreign-key column (`author`, `author_id`)."""
        found = []
        for relation in self.relations:
            column = self.column(f"{relation.name}_id")
            if not relation.collection and column is not None and column.foreign_key:
                found.append((relation, column))
        return tuple(found)

    def module_of(self, cls: str) -> str | None:
        """Where the class `cls` that a relationship names is defined."""
        return self.module if cls == self.cls else self.imported.get(cls)


def read_model(source: str, cls: str, module: str) -> Model | str:
    """The model class `cls` of `source` (the file of `module`); a problem, as text, if the
    file is not Python or declares no such class."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return f"line {error.lineno}: is not valid Python: {error.msg}"
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    found = classes.get(cls)
    if found is None:
        return f"has no `class {cls}`"
    enums = {name for name, node in classes.items() if any("Enum" in _name(b) for b in node.bases)}
    columns, relations = [], []
    for node in found.body:
        if not isinstance(node, ast.AnnAssign) or not isinstance(node.target, ast.Name):
            continue
        inner = _mapped(node.annotation)
        call = node.value if isinstance(node.value, ast.Call) else None
        if inner is None or call is None:
            continue
        if _name(call.func).endswith("relationship"):
            relations.append(_relation(node.target.id, inner))
        elif _name(call.func).endswith("mapped_column"):
            columns.append(_column(node.target.id, inner, call, enums))
    public = classes.get(f"{cls}Read")
    return Model(
        cls=cls,
        module=module,
        columns=tuple(columns),
        relations=tuple(relations),
        label=_label(found),
        public=frozenset(_fields(public)) if public is not None else None,
        imported=_imported(tree),
    )


def _column(name: str, annotation: str, call: ast.Call, enums: set[str]) -> Column:
    options = {k.arg: k.value for k in call.keywords if k.arg}
    primary = isinstance(key := options.get("primary_key"), ast.Constant) and key.value is True
    types = [arg for arg in call.args if _last(arg) != "ForeignKey"]
    foreign = len(types) < len(call.args)
    kind, enum = "other", None
    if types:
        kind = _TYPE_KINDS.get(_last(types[0]), "other")
        if kind == "enum" and isinstance(types[0], ast.Call) and types[0].args:
            enum = _name(types[0].args[0]) or None
    base = _without_none(annotation)
    if base in enums:
        kind, enum = "enum", base
    elif not types:  # `Mapped[dict[str, Any]]`: `dict`
        kind = _ANNOTATION_KINDS.get(base.partition("[")[0].rpartition(".")[2], "other")
    return Column(name, kind, primary, foreign, enum)


def _relation(name: str, annotation: str) -> Relation:
    base = _without_none(annotation)
    collection = re.match(r"(?:list|set|List|Set)\[(.+)\]$", base)
    target = (collection[1] if collection else base).strip("'\"")
    return Relation(name, _without_none(target), collection is not None)


def _mapped(annotation: ast.expr) -> str | None:
    """`X` of `Mapped[X]` as source, quotes of a forward reference removed."""
    if not isinstance(annotation, ast.Subscript) or _name(annotation.value) != "Mapped":
        return None
    inner = annotation.slice
    if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
        return inner.value
    return ast.unparse(inner)


def _without_none(annotation: str) -> str:
    """`User | None` -> `User`; `Optional[User]` -> `User`."""
    optional = re.fullmatch(r"Optional\[(.+)\]", annotation.strip())
    if optional:
        return optional[1].strip()
    parts = [part.strip() for part in annotation.split("|") if part.strip() != "None"]
    return " | ".join(parts)


def _label(cls: ast.ClassDef) -> str | None:
    """`title` when `__str__` is `return self.title` (or `str(self.title)`)."""
    methods = [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__str__"]
    method = methods[0] if methods else None
    if method is None or not isinstance(method.body[-1], ast.Return):
        return None
    value = method.body[-1].value
    if isinstance(value, ast.Call) and _name(value.func) == "str" and value.args:
        value = value.args[0]
    if isinstance(value, ast.Attribute) and _name(value.value) == "self":
        return value.attr
    return None


def _fields(schema: ast.ClassDef) -> list[str]:
    return [
        node.target.id
        for node in schema.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    ]


def _imported(tree: ast.Module) -> dict[str, str]:
    """Every `from module import Name` of the file, those under `if TYPE_CHECKING:` included."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                found[alias.asname or alias.name] = node.module
    return found


def _last(node: ast.expr) -> str:
    """The last part of the name of a type or a call: `sa.String(255)` -> `String`."""
    return _name(node.func if isinstance(node, ast.Call) else node).rpartition(".")[2]


def _name(node: ast.expr) -> str:
    """The dotted name of a name or attribute (`sa.String`), else ""."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _name(node.value)
        return f"{owner}.{node.attr}" if owner else ""
    return ""

"""A resource's view in the admin: the SQLAdmin ModelView declared for its model, worked out
from the model's file (see model_file) and rendered from templates/admin/view."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from functools import cached_property

from scaffold.admin.model_file import MANAGED, Column, Model, Relation
from scaffold.naming import ResourceName, humanize, pluralize, snake
from scaffold.pysource import Call, Imports, line
from scaffold.wiring import factories_module

# The kinds of column a list shows; the others (long text, JSON, binary) only the row's page.
_LISTED = frozenset({"string", "boolean", "enum", "number", "float", "time", "uuid"})


@dataclass(frozen=True)
class Target:
    """A model that the resource references: where its class is, and what a row is known by."""

    cls: str
    module: str
    label: str | None


@dataclass(frozen=True)
class View:
    name: ResourceName
    app: str
    model: Model
    targets: dict[str, Target]  # by the name of the relationship

    # Where it goes ----------------------------------------------------------------------

    @property
    def cls(self) -> str:  # PostAdmin
        return f"{self.model.cls}Admin"

    @property
    def module(self) -> str:  # blog_posts
        return f"{self.name.domain_module}_{self.name.plural}"

    @property
    def path(self) -> str:
        return f"src/{self.app}/admin/{self.module}.py"

    @property
    def test_path(self) -> str:
        return f"tests/admin/test_{self.module}.py"

    @property
    def identity(self) -> str:  # post: in SQLAdmin's URLs, /admin/post/list
        dashed = re.sub("(.)([A-Z][a-z]+)", r"\1-\2", self.model.cls)
        return re.sub("([a-z0-9])([A-Z])", r"\1-\2", dashed).lower()

    @property
    def title_plural(self) -> str:  # Posts
        return humanize(self.name.plural).capitalize()

    @property
    def factory(self) -> str:  # make_post
        return f"make_{self.name.module}"

    @property
    def factories(self) -> str:  # tests.blog.factories, where make_post is
        return factories_module(self.name.domain)

    @property
    def primary_key(self) -> str:
        return next((c.name for c in self.model.columns if c.primary_key), "id")

    def docstring(self, text: str) -> str:
        """`text` as a module docstring, wrapped within the line length."""
        return '"""' + "\n".join(textwrap.wrap(f"{self.title_plural} {text}", 94)) + '"""'

    # The class ---------------------------------------------------------------------------

    def imports(self) -> str:
        # The app's ModelView: SQLAdmin's, with a 404 for an id that cannot be one.
        found = Imports(frozenset({self.app})).add(f"{self.app}.admin.model_view", "ModelView")
        found.add(self.model.module, self.model.cls)
        for kind in {call.func for call in self._filters()}:
            # ReferenceFilter is the app's own (admin/filters.py); the others are SQLAdmin's.
            module = "admin.filters" if kind == "ReferenceFilter" else None
            found.add(f"{self.app}.{module}" if module else "sqladmin.filters", kind)
        for column in self._public(self._enums):
            enum = column.enum or ""
            found.add(self.model.imported.get(enum, self.model.module), enum)
        for relation, _ in self._filtered_references:
            target = self.targets[relation.name]
            found.add(target.module, target.cls)
        if self._floats:
            found.add("wtforms", "FloatField")
        return found.render()

    def body(self) -> list[str]:
        """The lines of the class body, each within the line length."""
        m = self.model.cls
        lines = [f'    category = "{self.name.domain}"']
        default_plural = re.sub(r"(?<=.)([A-Z])", r" \1", m) + "s"  # SQLAdmin's guess
        plural = " ".join(word.capitalize() for word in pluralize(snake(m)).split("_"))
        if plural != default_plural:
            lines.append(f'    name_plural = "{plural}"')
        lines.append(_list("column_list", [f"{m}.{name}" for name in self._listed]))
        searchable = [f"{m}.{c.name}" for c in self._public(self._columns("string"))]
        sortable = [f"{m}.{name}" for name in self._listed if self.model.column(name)]
        lines += [
            _list("column_searchable_list", searchable),
            _list("column_sortable_list", sortable),
        ]
        if self.model.column("inserted_at"):
            lines.append(f"    column_default_sort = ({m}.inserted_at, True)")
        lines.append(_list("column_filters", self._filters()))
        lines.append(self._details_excluded())
        lines.append(self._form_excluded())
        lines.append(self._form_overrides())
        lines.append(self._ajax_refs())
        return [item for item in lines if item]

    @cached_property
    def _listed(self) -> list[str]:
        """The label first, then the columns (a reference as its row) in the model's order."""
        references = {column.name: relation for relation, column in self.model.references}
        names = []
        for column in self.model.columns:
            if column.name in references:
                names.append(references[column.name].name)
            elif column.kind in _LISTED and not column.primary_key and not column.foreign_key:
                names.append(column.name)
        names = [n for n in names if not self._private(n) and n != "updated_at"]
        label = self.model.label
        return [label, *(n for n in names if n != label)] if label in names else names

    def _filters(self) -> list[Call]:
        m = self.model.cls
        found = []
        for column in self.model.columns:
            if self._private(column.name):
                continue
            if column.kind == "boolean":
                found.append(Call("BooleanFilter", [f"{m}.{column.name}"]))
            elif column.kind == "enum" and column.enum:
                choices = f"[(choice.name, choice.value) for choice in {column.enum}]"
                found.append(Call("StaticValuesFilter", [f"{m}.{column.name}", choices]))
        for relation, column in self._filtered_references:
            target = self.targets[relation.name]
            title = f'title="{humanize(relation.name).capitalize()}"'
            shown = f"{target.cls}.{target.label}"
            found.append(Call("ReferenceFilter", [f"{m}.{column.name}", shown, title]))
        return found

    @cached_property
    def _filtered_references(self) -> list[tuple[Relation, Column]]:
        """The public references whose rows are known by a label: those have a filter, and
        are picked in the form by typing it."""
        return [
            (relation, column)
            for relation, column in self.model.references
            if not self._private(column.name)
            and (target := self.targets.get(relation.name)) is not None
            and target.label is not None
        ]

    def _details_excluded(self) -> str:
        private = [c.name for c in self.model.columns if self._private(c.name)]
        ids = [c.name for _, c in self.model.references if c.name not in private]
        names = private + [r.name for r, c in self.model.references if c.name in private]
        if not names + ids:
            return ""
        reasons = ["private attributes are never shown"] if names else []
        reasons += ["references show their rows, not ids"] if ids else []
        comment = f"    # {'; '.join(reasons).capitalize()}.\n"
        return comment + _list("column_details_exclude_list", self._attrs(names + ids))

    def _form_excluded(self) -> str:
        managed = [c.name for c in self.model.columns if c.name in MANAGED]
        private = [c.name for c in self.model.columns if self._private(c.name)]
        hidden = [r.name for r, c in self.model.references if c.name in private]
        # One-to-many relationships would offer every row of the other model.
        many = [r.name for r in self.model.relations if r.collection]
        if not managed + private + hidden + many:
            return ""
        comment = "    # Set by the app, or private.\n" if private else "    # Set by the app.\n"
        excluded = self._attrs(managed + private + hidden + many)
        return comment + _list("form_excluded_columns", excluded)

    @property
    def _floats(self) -> list[Column]:
        return self._public(self._columns("float"))

    def _form_overrides(self) -> str:
        if not self._floats:
            return ""
        comment = "    # SQLAdmin has no form field of its own for SQLAlchemy 2.1's Float.\n"
        fields = [f'"{column.name}": FloatField' for column in self._floats]
        return comment + line("    form_overrides = ", Call("", fields, brackets="{}"))

    def _ajax_refs(self) -> str:
        refs = []
        for relation, _ in self._filtered_references:
            label = self.targets[relation.name].label
            refs.append(f'"{relation.name}": {{"fields": ("{label}",), "order_by": "{label}"}}')
        if not refs:
            return ""
        comment = (
            "    # Rows referenced are picked by typing: a list of every row would not scale.\n"
        )
        return comment + line("    form_ajax_refs = ", Call("", refs, brackets="{}"))

    def _attrs(self, names: list[str]) -> list[str]:
        return [f"{self.model.cls}.{name}" for name in names]

    def _private(self, name: str) -> bool:
        relation = next((r for r in self.model.relations if r.name == name), None)
        return self.model.private(f"{name}_id" if relation else name)

    def _columns(self, kind: str) -> list[Column]:
        return [c for c in self.model.columns if c.kind == kind and not c.primary_key]

    @property
    def _enums(self) -> list[Column]:
        return [c for c in self._columns("enum") if c.enum]

    def _public(self, columns: list[Column]) -> list[Column]:
        return [c for c in columns if not self._private(c.name)]


def _list(name: str, items: list[str] | list[Call]) -> str:
    if not items:
        return ""
    return line(f"    {name} = ", Call("", items, brackets="[]"))

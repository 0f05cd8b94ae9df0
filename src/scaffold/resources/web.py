"""What a resource's pages and JSON API need beyond its names: their imports, the form's
fields and controls, the select options, the links after each action."""

from __future__ import annotations

from dataclasses import dataclass

from scaffold.pysource import Call, Imports
from scaffold.resources.attributes import Attribute
from scaffold.resources.keys import Target
from scaffold.resources.spec import Resource


@dataclass(frozen=True)
class Field:
    """One control of the resource's form."""

    name: str  # the form field and schema field: `author_id` for the reference `author`
    label: str
    control: str  # text, textarea, number, checkbox, date, datetime-local, select
    step: str = ""  # for number inputs
    blank: str | None = None  # a select's empty option, None when it has none


_STEPS = {"integer": "1", "float": "any", "decimal": "0.01"}


def fields(r: Resource) -> list[Field]:
    return [_field(a) for a in r.on_pages]


def _field(a: Attribute) -> Field:
    blank = None
    if a.info.input == "select" and (a.nullable or a.default is None):
        blank = f"No {a.label.lower()}" if a.nullable else f"Choose a {a.label.lower()}"
    return Field(a.column, a.label, a.info.input, _STEPS.get(a.type, ""), blank)


def form(r: Resource) -> Call:
    """`Form(fields=(...), ...)`: how the pages read the form."""
    args: list[str | Call] = [_tuple("fields", [a.column for a in r.on_pages])]
    checkboxes = [a.column for a in r.on_pages if a.type == "boolean"]
    json_fields = [a.column for a in r.on_pages if a.type == "json"]
    if checkboxes:
        args.append(_tuple("checkboxes", checkboxes))
    if json_fields:
        args.append(_tuple("json_fields", json_fields))
    return Call("Form", args)


def _tuple(keyword: str, names: list[str]) -> str | Call:
    quoted = [f'"{name}"' for name in names]
    return f"{keyword}=({quoted[0]},)" if len(quoted) == 1 else Call(f"{keyword}=", quoted)


def selects(r: Resource) -> list[tuple[str, str]]:
    """The form's select fields and, as Python source, the items they offer: a reference's
    model is reached through its domain (`accounts.User`), as the resource's own is."""
    found = []
    for a in r.on_pages:
        if a.type == "enum":
            found.append((a.column, f"{r.domain}.{r.enum_class(a)}"))
        elif a in r.checked_references:  # the scope's own rows only
            listed = f"{a.target.domain_module}.list_{r.target(a).name.plural}"
            found.append((a.column, f"{listed}(session, scope, limit=ROWS_LIMIT)"))
        elif a.target:
            found.append((a.column, f"rows(session, {a.target.domain_module}.{a.target.name})"))
    return found


def scoped_choices(r: Resource) -> bool:
    """Whether the form offers rows of the scope (then its pages pass the scope along)."""
    return any(a in r.checked_references for a in r.on_pages)


def selected_targets(r: Resource) -> list[Target]:
    """The other resources whose rows the form offers, through their domain."""
    if not (r.web and r.can("create", "update")):
        return []
    found = [r.target(a) for a in r.on_pages if a.target and not r.is_self(a)]
    return list(dict.fromkeys(found))


def conflict_message(r: Resource) -> str:
    """What the form says when saving breaks a unique or foreign key constraint."""
    unique = [a.label.lower() for a in r.attributes if a.unique and not a.private]
    reasons = [f"another {r.human} has this {_either(unique)}"] if unique else []
    references = [a.label.lower() for a in r.public if a.target]
    if references:
        reasons.append(f"the chosen {_either(references)} no longer exists")
    reasons = reasons or ["it conflicts with other data"]
    return f"This {r.human} could not be saved: {', or '.join(reasons)}."


def _either(words: list[str]) -> str:
    return f"{', '.join(words[:-1])} or {words[-1]}" if len(words) > 1 else words[0]


def after(r: Resource, action: str, var: str) -> str:
    """Where a page goes after `action`, as a Python f-string (`var` holds the row)."""
    show, edit = f'f"{r.route}/{{{var}.id}}"', f'f"{r.route}/{{{var}.id}}/edit"'
    if action == "create":
        return show if r.can("read") else edit if r.can("update") else f'"{r.route}/new"'
    if action == "update":
        return show if r.can("read") else edit
    return f'"{r.route}"' if r.can("read") else '"/"'


def form_template(r: Resource) -> str:
    """The template of the form page, as Python source: with both forms, `page_name` says
    which (the edit page when the page has a row)."""
    if r.can("create") and r.can("update"):
        return f'f"{r.templates_dir}/{{page_name}}.html"'
    return f'"{r.templates_dir}/{"new" if r.can("create") else "edit"}.html"'


def cancel(r: Resource, var: str) -> str:
    """The link of a form's Cancel button, as a Jinja expression of the app's templates."""
    if var and r.can("read"):
        return f"{r.route}/{{{{ {var}.id }}}}"
    return r.route if r.can("read") else "/"


# Imports ------------------------------------------------------------------------------------


def _base(r: Resource) -> Imports:
    # `db.SessionDep`: a resource may be called Session, and its own dependency SessionDep.
    found = Imports(frozenset({r.app})).add(r.app, r.domain).add(r.app, "db")
    found.add("fastapi", "APIRouter")
    if r.key_kind != "int" and r.can("read", "update", "destroy"):
        found.add("uuid")
    if r.can("read", "update", "destroy"):
        found.update(
            [("typing", "Annotated"), ("fastapi", "Depends"), ("fastapi", "HTTPException")]
        )
    return found


def page_imports(r: Resource) -> str:
    found = _base(r).add(f"{r.app}.web.csrf", "CSRF").add(f"{r.app}.web.templating", "render")
    if r.scope:
        found.add(*r.scope.page_scope)
    found.add("fastapi", "Request").add("fastapi.responses", "HTMLResponse")
    if r.can("read"):
        found.add("math").add("typing", "Annotated").add("fastapi", "Query")
    if r.can("create", "update", "destroy"):
        found.add("fastapi.responses", "RedirectResponse").add(f"{r.app}.web.templating", "flash")
    if r.can("create", "update"):
        found.update(
            [("typing", "Annotated"), ("fastapi", "Depends"), ("fastapi.responses", "Response")]
        )
        found.update([("pydantic", "ValidationError"), ("sqlalchemy", "orm")])
        for name in ("Form", "Values", "errors") + (("choices",) if selects(r) else ()):
            found.add(f"{r.app}.web.forms", name)
        if any(a.target and a not in r.checked_references for a in r.on_pages):
            found.add(f"{r.app}.web.forms", "rows")
        if scoped_choices(r):
            found.add(f"{r.app}.web.forms", "ROWS_LIMIT").add(*r.scope.scope)
        if r.may_conflict:
            found.add("sqlalchemy.exc", "IntegrityError")
        for target in selected_targets(r):
            found.add(r.app, target.name.domain_module)
    return found.render()


def api_imports(r: Resource) -> str:
    found = _base(r)
    if r.scope:
        found.add(*r.scope.api_scope)
    if r.can("read"):
        found.update([("typing", "Annotated"), ("fastapi", "Query"), ("pydantic", "BaseModel")])
    if r.can("destroy"):
        found.add("fastapi", "Response")
    if r.can("create", "update") and r.may_conflict:
        found.add("sqlalchemy.exc", "IntegrityError").add("fastapi", "HTTPException")
    return found.render()


def dict_items(selects: list[tuple[str, str]]) -> list[Call]:
    return [Call(f'"{name}": choices', [source]) for name, source in selects]


def summary(r: Resource) -> str:
    """What the pages do, for their module's docstring."""
    verbs = {"read": "list and show", "create": "create", "update": "edit", "destroy": "delete"}
    done = [verb for action, verb in verbs.items() if r.can(action)]
    return (", ".join(done[:-1]) + " and " + done[-1]) if len(done) > 1 else done[0]


# Showing values in the app's templates --------------------------------------------------------


def index_columns(r: Resource) -> list[Attribute]:
    """The index's columns after the first, which links each row by its label."""
    return [a for a in r.on_pages if a != r.label_attribute]


def label_header(r: Resource) -> str:
    label = r.label_attribute
    return label.label if label else r.title


def display(r: Resource, a: Attribute, var: str, *, short: bool = False) -> str:
    """A Jinja expression of the app's templates showing `a` of the row `var`."""
    value = f"{var}.{a.name}"
    if a.type == "boolean":
        return f'{{{{ "Yes" if {value} else "No" }}}}'
    expression = {
        "enum": f'{value} | replace("_", " ") | capitalize',
        "json": f"{value} | tojson",
        "datetime": f'{value}.strftime("%Y-%m-%d %H:%M")',
        "text": f"{value} | truncate(80)" if short else value,
    }.get(a.type, value)
    return (
        f"{{{{ {expression} if {value} is not none }}}}"
        if a.nullable
        else f"{{{{ {expression} }}}}"
    )

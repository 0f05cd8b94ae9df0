"""The data of a resource's generated tests and of its factory (`make_post`): valid values for
every attribute as Python, JSON and form fields, a value to change, and an invalid input."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scaffold.naming import ResourceName
from scaffold.pysource import LINE_LENGTH, Call, Imports, line, quote, signature
from scaffold.resources.attributes import Attribute
from scaffold.resources.spec import Resource, row_name
from scaffold.wiring import factories_module


def factory_name(name: str) -> str:  # make_post
    return f"make_{name}"


def arranged(r: Resource) -> list[Attribute]:
    """The references a test makes a row for: each one but those to the resource itself."""
    return [a for a in r.public if a.target and not r.is_self(a)]


def value(r: Resource, a: Attribute, kind: str) -> str | Call | None:
    """A valid value of `a` as Python source: "python" (schemas), "json" or "form" (fields).
    A reference's is the id of a row made there and then: `make_user(session).id`."""
    if a.target:
        if r.is_self(a):
            return None
        made = f"{factory_name(r.target(a).name.module)}(session).id"
        return made if kind == "python" else Call("str", [made])
    if a.type == "enum":
        choice = a.choices[0]
        return f"{r.domain}.{r.enum_class(a)}.{choice}" if kind == "python" else quote(choice)
    info = a.info
    return {"python": info.sample, "json": info.json_sample, "form": quote(info.form_sample)}[kind]


def pairs(r: Resource, kind: str, *, leave_out: str = "") -> list[str | Call]:
    """Every public attribute with a valid value: `name=value` ("python") or `"name": value`."""
    found: list[str | Call] = []
    for a in r.public:
        given = value(r, a, kind)
        if given is None or a.column == leave_out:
            continue
        key = f"{a.column}=" if kind == "python" else f'"{a.column}": '
        found.append(Call(key + given.func, given.args) if isinstance(given, Call) else key + given)
    return found


def value_imports(r: Resource) -> list[tuple[str, str]]:
    """What the Python values of the test data need: (module, name), "" for `import module`."""
    found: list[tuple[str, str]] = []
    for a in r.public:
        found += [pair for pair in a.info.sample_imports if pair not in found]
    return found


# What the tests check ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """An attribute whose value the tests read back, and another value to change it to."""

    name: str
    value: str  # as Python source, equal to what the JSON API returns
    changed: str
    changed_form: str  # the changed value as a form sends it, as Python source


def probe(r: Resource) -> Probe | None:
    for a in r.public:
        if a.type in ("string", "text", "integer"):
            changed = a.info.changed_sample
            form = changed if changed.startswith('"') else quote(changed)
            return Probe(a.column, a.info.json_sample, changed, form)
    return None


@dataclass(frozen=True)
class Invalid:
    """An input the schema refuses: the field, and what a form or JSON body sends for it."""

    name: str
    form: str | None  # Python source of the form value; None: leave the field out
    json: str | None


_NOT_A_VALUE = {"integer", "float", "decimal", "date", "datetime", "uuid", "json", "enum"}


def invalid(r: Resource) -> Invalid | None:
    """A required field left empty, else a value of the wrong kind, else a string too long."""
    for a in r.public:
        if a.required and a.type != "boolean":
            return Invalid(a.column, '""', None)
    for a in r.public:
        if a.type in _NOT_A_VALUE or (a.target and not r.is_self(a)):
            return Invalid(a.column, '"not valid"', '"not valid"')
    for a in r.public:
        if a.type == "string":
            return Invalid(a.column, '"x" * 256', '"x" * 256')
    return None


# The factory -------------------------------------------------------------------------------------


def factory(r: Resource) -> str:
    """`def make_post(session, **overrides) -> Post`: saves a post of valid, unique values."""
    name = factory_name(r.var)
    entries, numbered = [], False
    for a in r.public:
        if a.target:
            continue
        unique = a.unique and bool(a.info.unique_sample)
        source = a.info.unique_sample if unique else _plain(r, a)
        numbered = numbered or (unique and re.search(r"\bn\b", source) is not None)
        entries.append(f'"{a.name}": {source}')
    body = [f'    """A saved {r.human} of valid values; `overrides` replace them."""']
    if numbered:
        body.append("    n = next(sequence)")
    body.append(line("    values: dict[str, Any] = ", Call("", entries, brackets="{}")))
    for a in r.public:
        if a.target and a.required:
            target = factory_name(r.target(a).name.module)
            body.append(_if_not_given(a))
            body.append(f'        values["{a.name}"] = {target}(session)')
    body += [
        line(f"    {r.row} = ", Call(r.cls, ["**(values | overrides)"])),
        f"    session.add({r.row})",
        "    session.commit()",
        f"    return {r.row}",
    ]
    head = signature(name, ["session: orm.Session", "**overrides: Any"], r.cls)
    return "\n".join([head, *body]) + "\n"


def _if_not_given(a: Attribute) -> str:
    """`if` neither the reference nor its column is overridden, laid out as ruff format does."""
    tests = [f'"{a.name}" not in overrides', f'"{a.column}" not in overrides']
    one_line = f"    if {tests[0]} and {tests[1]}:"
    if len(one_line) <= LINE_LENGTH:
        return one_line
    return f"    if (\n        {tests[0]}\n        and {tests[1]}\n    ):"


def _plain(r: Resource, a: Attribute) -> str:
    if a.type == "enum":
        return f"{r.enum_class(a)}.{a.choices[0]}"
    return a.info.sample


def stand_in_factory(target: ResourceName) -> str:
    """A factory for a referenced model scaffold did not generate: it needs filling in."""
    cls, row = target.name, row_name(target)
    return (
        signature(factory_name(target.module), ["session: orm.Session", "**overrides: Any"], cls)
        + f'\n    """A saved {cls}. Give it the values it needs: scaffold did not make it."""\n'
        + line(f"    {row} = ", Call(cls, ["**overrides"]))
        + f"\n    session.add({row})\n"
        "    session.commit()\n"
        f"    return {row}\n"
    )


# The tests' imports -------------------------------------------------------------------------------


def _make(name: ResourceName) -> tuple[str, str]:
    """Where the tests import a resource's factory from: (module, name)."""
    return factories_module(name.domain), factory_name(name.module)


def test_imports(r: Resource, kind: str) -> str:
    """The imports of the test module `kind`: "actions", "pages" or "api"."""
    found = Imports(frozenset({r.app, "tests"}))
    saved = r.can("read", "update", "destroy")  # tests that start from a saved row
    makes = [_make(r.target(a).name) for a in arranged(r)]
    if saved:
        found.add(*_make(r.name))
    if kind == "actions":
        found.add("sqlalchemy.orm", "Session").add(r.app, r.domain)
        if saved:
            found.update(pair for pair in r.key.imports if pair[0] != "sqlalchemy")
        if r.can("create"):
            found.update(value_imports(r)).update(makes)
        if r.can("update") and any(not a.nullable for a in r.public):
            found.add("pytest").add("pydantic", "ValidationError")
        return found.render()
    pages = kind == "pages"
    found.add("fastapi.testclient", "TestClient")
    if saved or (r.can("create") and (pages or makes)):
        found.add("sqlalchemy.orm", "Session")
    if r.can("destroy") or (pages and r.can("create")):
        found.add("sqlalchemy", "select").add(r.app, r.domain)
    if r.can("create") or (pages and r.can("update")):
        found.update(makes)
    if pages and r.can("create", "update", "destroy"):
        found.add("tests.pages", "form_token")
    return found.render()

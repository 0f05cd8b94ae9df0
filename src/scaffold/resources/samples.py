"""The data of a resource's generated tests and of its factory (`make_post`): valid values for
every attribute as Python, JSON and form fields, a value to change, and an invalid input."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scaffold.naming import ResourceName
from scaffold.pysource import LINE_LENGTH, Call, Imports, line, quote, signature
from scaffold.resources.attributes import Attribute
from scaffold.resources.keys import Key
from scaffold.resources.spec import Resource, row_name
from scaffold.wiring import factories_module


def factory_name(name: str) -> str:  # make_post
    return f"make_{name}"


def arranged(r: Resource) -> list[Attribute]:
    """The references a test makes a row for: each one but those to the resource itself."""
    return [a for a in r.public if a.target and not r.is_self(a)]


def value(r: Resource, a: Attribute, kind: str, scope: str = "scope") -> str | Call | None:
    """A valid value of `a` as Python source: "python" (schemas), "json" or "form" (fields),
    or "schema" (JSON that only a schema reads). A reference's is the id of a row made there
    and then, `make_user(session).id`, the scope's own where it must be (`scope` names the
    scope; "" where there is none); for a schema, any id."""
    if a.target:
        if r.is_self(a):
            return None
        if kind == "schema":
            return id_value(r.target(a).key)
        own = (
            f", {r.scope.column}={owner_id(r, scope)}"
            if scope and a in r.checked_references
            else ""
        )
        made = f"{factory_name(r.target(a).name.module)}(session{own}).id"
        return made if kind == "python" else Call("str", [made])
    if a.type == "enum":
        choice = a.choices[0]
        return f"{r.domain}.{r.enum_class(a)}.{choice}" if kind == "python" else quote(choice)
    info = a.info
    samples = {"python": info.sample, "json": info.json_sample, "form": quote(info.form_sample)}
    return samples["json" if kind == "schema" else kind]


def id_value(key: Key) -> str:
    """An id of this key's type as JSON carries it, as Python source."""
    return "1" if key.python == "int" else quote(key.missing_url)


def pairs(r: Resource, kind: str, *, leave_out: str = "", scope: str = "scope") -> list[str | Call]:
    """Every attribute a form ("form") or the API takes, with a valid value: `name=value`
    ("python") or `"name": value` (see `value` for `scope`)."""
    found: list[str | Call] = []
    for a in r.on_pages if kind == "form" else r.public:
        given = value(r, a, kind, scope)
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


def invalid(r: Resource, kind: str = "json") -> Invalid | None:
    """A required field left empty, else a value of the wrong kind, else a string too long:
    among what the pages' forms take ("form"), or the API ("json")."""
    attributes = r.on_pages if kind == "form" else r.public
    for a in attributes:
        if a.required and a.type != "boolean":
            return Invalid(a.column, '""', None)
    for a in attributes:
        if a.type in _NOT_A_VALUE or (a.target and not r.is_self(a)):
            return Invalid(a.column, '"not valid"', '"not valid"')
    for a in attributes:
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
    for a in made_first(r):
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


def checked_probe(r: Resource) -> Attribute | None:
    """A checked reference (to owned rows) a test can point at someone else's row: not one to
    the resource itself, which the test would have to make first."""
    return next((a for a in r.checked_references if not r.is_self(a)), None)


def made_first(r: Resource) -> list[Attribute]:
    """The references a factory makes a row for unless given one: the required ones, and the
    owner (a row no one owns is one no page shows)."""
    required = [a for a in r.public if a.target and a.required]
    return required + ([r.owner] if r.owner else [])


def made(r: Resource, scope: str = "scope") -> str:
    """`make_post(session)`, or for a scoped resource `make_post(session, user_id=...)`: a
    saved row that belongs to the owner of the scope named `scope`."""
    own = f", {r.scope.column}={owner_id(r, scope)}" if r.scope else ""
    return f"{factory_name(r.var)}(session{own})"


def owner_id(r: Resource, scope: str = "scope") -> str:
    """The owner's id, from the scope named `scope` (`scope.user.id`, `stranger.user.id`)."""
    assert r.scope is not None
    return scope + r.scope.owner_id.removeprefix("scope")


def page_paths(r: Resource, row: str = "", *, listing: bool = True) -> list[str]:
    """The paths of the pages a test opens, as Python source: the list and the new page
    (`listing`), then those of the row held in `row`."""
    row, route = row or r.row, r.route
    found = [f'"{route}"'] if listing and r.can("read") else []
    found += [f'"{route}/new"'] if listing and r.can("create") else []
    each = {"read": "", "update": "/edit", "destroy": "/delete"}
    found += [f'f"{route}/{{{row}.id}}{page}"' for action, page in each.items() if r.can(action)]
    return found


def api_calls(r: Resource) -> list[Call]:
    """One call of each route of the API, as Python source: the row's in `r.row`."""
    route, url = f"/api{r.route}", f'f"/api{r.route}/{{{r.row}.id}}"'
    probe_ = probe(r)
    change = [f'"{probe_.name}": {probe_.changed}'] if probe_ else []
    body = Call("json=", pairs(r, "json", scope=""), brackets="{}")
    calls = {
        "read": [Call("client.get", [f'"{route}"']), Call("client.get", [url])],
        "create": [Call("client.post", [f'"{route}"', body])],
        "update": [Call("client.patch", [url, Call("json=", change, brackets="{}")])],
        "destroy": [Call("client.delete", [url])],
    }
    return [call for action, made in calls.items() if r.can(action) for call in made]


def json_of(key: Key, expression: str) -> str:
    """How JSON shows the id `expression` holds: a UUID as a string, a number as itself."""
    return expression if key.python == "int" else f"str({expression})"


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
    if saved:
        found.add(*_make(r.name))
    if r.scope:
        found.update(_scope_imports(r, kind))
    if kind == "actions":
        found.add("sqlalchemy.orm", "Session").add(r.app, r.domain)
        if saved:
            found.update(pair for pair in r.key.imports if pair[0] != "sqlalchemy")
        if r.can("create"):
            found.update(value_imports(r)).update(_makes(r, r.public))
        owner_test = r.scope and r.can("create", "update")
        if owner_test or (r.can("update") and any(not a.nullable for a in r.public)):
            found.add("pytest").add("pydantic", "ValidationError")
        return found.render()
    pages = kind == "pages"
    found.add("fastapi.testclient", "TestClient").add("sqlalchemy.orm", "Session")
    listed = r.can("create") and (pages or r.scope)  # a test checks the rows made
    if r.can("destroy") or listed:
        found.add("sqlalchemy", "select").add(r.app, r.domain)
    if r.can("create") or (pages and r.can("update")):
        found.update(_makes(r, r.on_pages if pages else r.public))
    if pages and r.can("create", "update", "destroy"):
        found.add("tests.pages", "form_token")
    return found.render()


def _makes(r: Resource, attributes: tuple[Attribute, ...]) -> list[tuple[str, str]]:
    """The factories of the rows that the references among `attributes` point to."""
    return [_make(r.target(a).name) for a in attributes if a.target and not r.is_self(a)]


def _scope_imports(r: Resource, kind: str) -> list[tuple[str, str]]:
    """A scoped resource's tests make scopes, and sign in (pages) or send a token (API)."""
    assert r.scope is not None
    helpers = {"actions": [], "pages": ["sign_in", "log_in_redirect"], "api": ["bearer_headers"]}
    found = [(r.scope.tests, name) for name in ["make_scope", *helpers[kind]]]
    if kind != "actions":  # the `scope` fixture
        found += [("pytest", ""), r.scope.scope]
    return found
